import CHaru

extension PDFDocument {
    /// The finished PDF. The document stays usable: more pages may be added and `data()`
    /// called again.
    public func data() throws -> [UInt8] {
        guard pageCount > 0 else { throw PDFError.noPages }
        try check(HPDF_SaveToStream(handle), "HPDF_SaveToStream")
        // Saving rebuilds libharu's memory stream but leaves the read pointer in the old buffers
        // (freed): rewind before reading, or a second save can return stale bytes.
        try check(HPDF_ResetStream(handle), "HPDF_ResetStream")
        let size = Int(HPDF_GetStreamSize(handle))
        try check(HaruStatus.ok, "HPDF_GetStreamSize")
        var bytes = [UInt8](repeating: 0, count: size)
        var filled = 0
        while filled < size {
            var chunk = HPDF_UINT32(size - filled)
            let status = bytes.withUnsafeMutableBufferPointer {
                HPDF_ReadFromStream(handle, $0.baseAddress! + filled, &chunk)
            }
            filled += Int(chunk)
            // libharu reports reaching the end of its memory stream as an error.
            if status == HaruStatus.streamEOF {
                discardError()
                break
            }
            try check(status, "HPDF_ReadFromStream")
            if chunk == 0 { break }
        }
        discardError()
        return Array(bytes[..<filled])
    }
}
