// A POST body as the handlers read it (Request.form in Sources/HTTP/Request.swift): the first
// byte picks the content type, the rest is the body.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let types = ["application/x-www-form-urlencoded", "multipart/form-data; boundary=B", "text/plain", "",
                 "multipart/form-data", "application/x-www-form-urlencoded; charset=utf-8"]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let request = Request(method: "POST", path: "/", headers: ["content-type": types[Int(data[0]) % types.count]], body: body)
    if let form = try? request.form() {
        for pair in form.pairs { precondition(!pair.name.utf8.contains(0) && !pair.value.utf8.contains(0)) }
    }
    return 0
}
