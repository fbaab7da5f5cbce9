import CHaru

/// Last error libharu reported for one document. libharu calls the handler synchronously on the
/// thread using the document, so one box per document needs no lock.
final class HaruErrorBox {
    var code: HPDF_STATUS = 0
    var detail: HPDF_STATUS = 0

    /// Keeps the first code since the last reset: once a document has an error, libharu rejects
    /// every later call with HPDF_INVALID_DOCUMENT, which would hide the root cause.
    func record(_ code: HPDF_STATUS, _ detail: HPDF_STATUS) {
        guard self.code == 0 else { return }
        self.code = code
        self.detail = detail
    }

    func clear() {
        code = 0
        detail = 0
    }
}

/// Handed to `HPDF_New`; `userData` is the document's unretained `HaruErrorBox`. It only records:
/// the failing call then returns its status and `PDFDocument.check` throws.
let haruErrorHandler: HPDF_Error_Handler = { code, detail, userData in
    guard let userData else { return }
    Unmanaged<HaruErrorBox>.fromOpaque(userData).takeUnretainedValue().record(code, detail)
}

/// Status codes worth naming in tests and logs (hpdf_error.h).
enum HaruStatus {
    static let ok: HPDF_STATUS = 0
    static let invalidDocument: HPDF_STATUS = 0x1025
    static let streamEOF: HPDF_STATUS = 0x1058
}
