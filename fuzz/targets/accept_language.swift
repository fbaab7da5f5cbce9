// Accept-Language negotiation (Sources/Web/I18n/Language.swift): any header, never a trap, and
// the answer is always one of the interface languages or none.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let header = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let lang = Language.negotiate(acceptLanguage: header) {
        precondition(Language.supported.contains(lang))
    }
    return 0
}
