// The 2D-Doc reader behind the public /verifier (Sources/Domain/Anef/TwoDDoc.swift, Base32):
// any text parses or throws, and what parses is rebuilt into the very message it came from.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = Base32.decode(text)
    guard let (doc, message, signature) = try? TwoDDoc.parse(text) else { return 0 }
    precondition(doc.message == message, "a parsed 2D-Doc does not rebuild its own message")
    precondition(doc.text(signature: signature).hasPrefix(message), "the signed text lost its message")
    return 0
}
