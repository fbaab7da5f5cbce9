// Query strings and URL-encoded bodies (Sources/HTTP/FormData.swift). What parses must survive
// a round trip through percentEncode: the switcher and redirects rebuild queries that way.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? FormData.percentDecode(bytes, plusAsSpace: false)
    guard let form = try? FormData.parseURLEncoded(bytes) else { return 0 }
    let rebuilt = form.pairs.map { FormData.percentEncode($0.name) + "=" + FormData.percentEncode($0.value) }
        .joined(separator: "&")
    let again = try! FormData.parseURLEncoded(rebuilt)
    // Empty names with empty values vanish (`&&`, `=`): compare the rest.
    let kept = form.pairs.filter { !($0.name.isEmpty && $0.value.isEmpty) }.map { [$0.name, $0.value] }
    let keptAgain = again.pairs.filter { !($0.name.isEmpty && $0.value.isEmpty) }.map { [$0.name, $0.value] }
    precondition(kept == keptAgain, "percentEncode/parse round trip changed the form")
    return 0
}
