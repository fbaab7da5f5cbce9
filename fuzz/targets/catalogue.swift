// Catalogue placeholders (Sources/Web/I18n/Catalogue.swift). Input: message, then up to four
// "name\u{1}value" arguments, separated by \u{0}. A value is copied verbatim, never rescanned:
// replacing each value by a fresh token and back gives the same text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let pieces = text.split(separator: "\u{0}", omittingEmptySubsequences: false)
    let message = String(pieces[0])
    var args = [String: String]()
    for p in pieces.dropFirst().prefix(4) {
        let kv = p.split(separator: "\u{1}", maxSplits: 1, omittingEmptySubsequences: false)
        args[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
    }
    let out = Catalogue.format(message, args)
    if !message.contains("{") { precondition(out == message) }
    // Same message with inert values: each token stands for exactly one substituted value.
    var tokens = [String: String]()
    for (i, k) in args.keys.sorted().enumerated() { tokens[k] = "\u{2}\(i)\u{3}" }
    if !message.contains("\u{2}") && !args.values.contains(where: { $0.contains("\u{2}") }) {
        var expected = Catalogue.format(message, tokens)
        for (i, k) in args.keys.sorted().enumerated() {
            expected = expected.replacingOccurrences(of: "\u{2}\(i)\u{3}", with: args[k]!)
        }
        precondition(out == expected, "an argument's value was substituted again")
    }
    return 0
}
