// FastCGI parameters as libfcgi hands them over (Sources/HTTP/FastCGIServer.swift): a NULL-ended
// array of "NAME=value" C strings, then the Request built from them (path, query, headers,
// cookies). Input: NUL-separated entries; the first entries name the usual parameters.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let names = ["REQUEST_URI=", "QUERY_STRING=", "HTTP_COOKIE=", "CONTENT_LENGTH=", "HTTP_ACCEPT_LANGUAGE=",
                 "CONTENT_TYPE=", "REQUEST_METHOD=", ""]
    let chunks = UnsafeBufferPointer(start: data, count: size).split(separator: 0, omittingEmptySubsequences: false)
    var entries: [UnsafeMutablePointer<CChar>?] = chunks.prefix(32).enumerated().map { i, chunk in
        let bytes = Array(names[min(i, names.count - 1)].utf8) + Array(chunk) + [0]
        let p = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count)
        bytes.withUnsafeBytes { p.initialize(from: $0.bindMemory(to: CChar.self).baseAddress!, count: bytes.count) }
        return p
    }
    entries.append(nil)
    defer { for p in entries { p?.deallocate() } }
    let params = entries.withUnsafeMutableBufferPointer { FastCGIServer.params($0.baseAddress) }
    _ = FastCGIServer.headers(params)
    if let request = try? FastCGIServer.makeRequest(params: params, body: []) {
        precondition(request.path.hasPrefix("/") || !request.path.isEmpty)
        precondition(request.linkPath.hasPrefix("/") && !request.linkPath.dropFirst().hasPrefix("/"))
        precondition(FastCGIServer.logSafe(request.path).unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F },
                     "control character in a log line")
        _ = Language.negotiate(acceptLanguage: request.headers["accept-language"] ?? "")
    }
    return 0
}
