import Foundation

/// Just enough JSON writing for the outcome rows (JSONSerialization costs more than the
/// statement it feeds).
enum JSONText {
    static func string(_ s: String) -> String {
        // Most values (file names, states, ids) need no escape: one append, not one per scalar.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
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
        var out = "{"
        for (i, field) in fields.enumerated() {
            if i > 0 { out += "," }
            out += string(field.0)
            out += ":"
            out += field.1
        }
        return out + "}"
    }

    /// Microseconds since 1970, rounded like PGTimestamp (an integer: exact, unlike a float8).
    static func epoch(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        let seconds = t.rounded(.down)
        return String(Int64(seconds) * 1_000_000 + Int64(((t - seconds) * 1_000_000).rounded()))
    }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }
}
