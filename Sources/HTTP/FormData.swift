/// Ordered name/value pairs from a query string, a URL-encoded body or multipart fields.
public struct FormData: Sendable {
    public private(set) var pairs: [(name: String, value: String)]

    public init(pairs: [(name: String, value: String)] = []) { self.pairs = pairs }

    public subscript(_ name: String) -> String? { pairs.first { $0.name == name }?.value }
    public func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
    public mutating func append(_ name: String, _ value: String) { pairs.append((name, value)) }

    /// Parses `a=1&b=x+y%20z`. Throws 400 on broken percent-escapes or invalid UTF-8,
    /// so garbage never reaches a handler as half-decoded text.
    public static func parseURLEncoded(_ bytes: some Collection<UInt8>) throws -> FormData {
        var form = FormData()
        for piece in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let kv = piece.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try percentDecode(kv[0], plusAsSpace: true)
            let value = kv.count > 1 ? try percentDecode(kv[1], plusAsSpace: true) : ""
            form.append(name, value)
        }
        return form
    }

    public static func parseURLEncoded(_ text: String) throws -> FormData {
        try parseURLEncoded(Array(text.utf8))
    }

    public static func percentDecode(_ bytes: some Collection<UInt8>, plusAsSpace: Bool) throws -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var it = bytes.makeIterator()
        while let c = it.next() {
            if c == UInt8(ascii: "%") {
                guard let h = it.next(), let l = it.next(), let hv = hexValue(h), let lv = hexValue(l) else {
                    throw HTTPError(400, "broken percent-encoding")
                }
                out.append(hv << 4 | lv)
            } else if c == UInt8(ascii: "+") && plusAsSpace {
                out.append(UInt8(ascii: " "))
            } else {
                out.append(c)
            }
        }
        // libpq passes text parameters as C strings: a NUL would silently cut the value.
        guard !out.contains(0) else { throw HTTPError(400, "NUL in a field or path") }
        guard let s = String(validating: out, as: UTF8.self) else { throw HTTPError(400, "invalid UTF-8") }
        return s
    }

    public static func percentEncode(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(UnicodeScalar(b))
            default:
                out += "%" + String(b, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
