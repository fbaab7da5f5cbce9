import CHaru

extension PDFDocument {
    /// Turns a libharu status (or an error its handler recorded) into a thrown `PDFError`, and
    /// clears libharu's sticky error so the document stays usable.
    func check(_ status: HPDF_STATUS, _ operation: String) throws {
        let code = errors.code != 0 ? errors.code : status
        guard code != HaruStatus.ok else { return }
        let detail = errors.detail
        discardError()
        throw PDFError.libharu(operation: operation, code: code, detail: detail)
    }

    /// For calls that return a handle, NULL on failure.
    func checked<T>(_ value: T?, _ operation: String) throws -> T {
        if let value, errors.code == HaruStatus.ok { return value }
        try check(errors.code, operation)
        // NULL without a recorded error: report it rather than trap.
        throw PDFError.libharu(operation: operation, code: HaruStatus.invalidDocument, detail: 0)
    }

    func discardError() {
        HPDF_ResetError(handle)
        errors.clear()
    }
}
