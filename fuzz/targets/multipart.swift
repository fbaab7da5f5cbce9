// multipart/form-data (Sources/HTTP/Multipart.swift). The first byte sets the boundary length
// (taken from the next bytes, as a Content-Type header would give it); each parsed part must
// be a slice of the body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 1 else { return 0 }
    let all = Array(UnsafeBufferPointer(start: data, count: size))
    let n = min(Int(all[0]) % 72, size - 1)
    let header = "multipart/form-data; boundary=" + String(decoding: all[1..<(1 + n)], as: UTF8.self)
    let body = Array(all[(1 + n)...])
    guard let boundary = MultipartParser.boundary(fromContentType: header) else { return 0 }
    precondition((1...70).contains(boundary.utf8.count))
    guard let parts = try? MultipartParser.parse(body, boundary: boundary) else { return 0 }
    precondition(parts.count <= 64)
    for p in parts { precondition(p.body.count <= body.count) }
    _ = try? MultipartParser.fields(of: parts)
    return 0
}
