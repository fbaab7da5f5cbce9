// Cookie headers (Sources/HTTP/Cookie.swift), and what a response makes of cookies built from
// them: the head keeps one line per header whatever the values hold (no response splitting).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let header = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let cookies = Cookie.parseHeader(header)
    var response = Response.text("x")
    response.cookies = cookies.prefix(8).map { Cookie(name: $0.key, value: $0.value) }
    response.headers.append(("X-Echo", header))
    let head = response.serializedHead()
    let lines = head.utf8.split(separator: 10, omittingEmptySubsequences: false)
    // Every line but the last two (blank line, nothing) ends with CR and has a colon.
    for line in lines.dropLast(2) {
        precondition(line.last == 13 && (line.contains(UInt8(ascii: ":"))), "a header line was split")
    }
    return 0
}
