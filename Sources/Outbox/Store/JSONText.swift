import Foundation

/// Just enough JSON writing for the outcome rows (JSONSerialization costs more than the
/// statement it feeds).
enum JSONText {
    static func string(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// Values are JSON text already.
    static func object(_ fields: [(String, String)]) -> String {
        "{" + fields.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// Microseconds since 1970, rounded like PGTimestamp (an integer: exact, unlike a float8).
    static func epoch(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        let seconds = t.rounded(.down)
        return String(Int64(seconds) * 1_000_000 + Int64(((t - seconds) * 1_000_000).rounded()))
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
