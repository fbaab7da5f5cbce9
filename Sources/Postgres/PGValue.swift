import Foundation

/// A value sent as a query parameter, always in PostgreSQL's text format.
/// Values never get formatted into SQL text: they travel separately through PQexecParams.
public protocol PGEncodable {
    var pgText: String? { get }
}

/// A value read back from a column's text representation.
public protocol PGDecodable {
    init(pgText: String) throws
}

extension String: PGEncodable, PGDecodable {
    public var pgText: String? { self }
    public init(pgText: String) { self = pgText }
}

extension Int: PGEncodable, PGDecodable {
    public var pgText: String? { String(self) }
    public init(pgText: String) throws {
        guard let v = Int(pgText) else { throw PGError(.decoding, "not an integer: \(pgText)") }
        self = v
    }
}

extension Int64: PGEncodable, PGDecodable {
    public var pgText: String? { String(self) }
    public init(pgText: String) throws {
        guard let v = Int64(pgText) else { throw PGError(.decoding, "not an integer: \(pgText)") }
        self = v
    }
}

extension Double: PGEncodable, PGDecodable {
    public var pgText: String? { String(self) }
    public init(pgText: String) throws {
        guard let v = Double(pgText) else { throw PGError(.decoding, "not a number: \(pgText)") }
        self = v
    }
}

extension Bool: PGEncodable, PGDecodable {
    public var pgText: String? { self ? "t" : "f" }
    public init(pgText: String) throws {
        switch pgText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PGError(.decoding, "not a boolean: \(pgText)")
        }
    }
}

extension UUID: PGEncodable, PGDecodable {
    public var pgText: String? { uuidString.lowercased() }
    public init(pgText: String) throws {
        guard let v = UUID(uuidString: pgText) else { throw PGError(.decoding, "not a uuid: \(pgText)") }
        self = v
    }
}

/// Timestamps travel as UTC text (the connection sets TimeZone=UTC and DateStyle=ISO).
extension Date: PGEncodable, PGDecodable {
    public var pgText: String? { PGTimestamp.format(self) }
    public init(pgText: String) throws { self = try PGTimestamp.parse(pgText) }
}

/// bytea, in hex form (`\x0a1b…`).
public struct PGBytes: PGEncodable, PGDecodable, Equatable, Sendable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var pgText: String? {
        var s = "\\x"
        s.reserveCapacity(2 + bytes.count * 2)
        for b in bytes {
            s.append(PGBytes.hexDigits[Int(b >> 4)])
            s.append(PGBytes.hexDigits[Int(b & 0x0f)])
        }
        return s
    }
    public init(pgText: String) throws {
        let u = Array(pgText.utf8)
        guard u.count >= 2, u[0] == UInt8(ascii: "\\"), u[1] == UInt8(ascii: "x"), u.count % 2 == 0 else {
            throw PGError(.decoding, "bytea not in hex format")
        }
        var out = [UInt8]()
        out.reserveCapacity((u.count - 2) / 2)
        var i = 2
        while i < u.count {
            guard let hi = PGBytes.nibble(u[i]), let lo = PGBytes.nibble(u[i + 1]) else {
                throw PGError(.decoding, "bytea has a non-hex digit")
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        bytes = out
    }
    private static let hexDigits = Array("0123456789abcdef")
    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }
}

extension Optional: PGEncodable where Wrapped: PGEncodable {
    public var pgText: String? { self.flatMap { $0.pgText } }
}

/// Parses and formats `timestamptz` text in UTC without Foundation's slow DateFormatter.
enum PGTimestamp {
    static func format(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        var secs = Int(t.rounded(.down))
        var micros = Int(((t - Double(secs)) * 1_000_000).rounded())
        if micros >= 1_000_000 {
            secs += 1
            micros -= 1_000_000
        }
        let days = Int((Double(secs) / 86_400).rounded(.down))
        let rem = secs - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        let hh = rem / 3600
        let mm = rem % 3600 / 60
        let ss = rem % 60
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", y, m, d, hh, mm, ss, micros)
    }

    static func parse(_ s: String) throws -> Date {
        // Forms: 2026-11-23 15:20:59[.123456]+00[:00], or a bare date 2026-11-23.
        let u = Array(s.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= u.count else { return nil }
            var v = 0
            for i in from..<(from + len) {
                let c = u[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2) else {
            throw PGError(.decoding, "not a timestamp: \(s)")
        }
        var secs = days(fromCivil: y, mo, d) * 86_400
        var frac = 0.0
        var i = 10
        if u.count > 10 {
            guard let hh = num(11, 2), let mi = num(14, 2), let ss = num(17, 2) else {
                throw PGError(.decoding, "not a timestamp: \(s)")
            }
            secs += hh * 3600 + mi * 60 + ss
            i = 19
            if i < u.count, u[i] == UInt8(ascii: ".") {
                i += 1
                var scale = 0.1
                while i < u.count, u[i] >= 48, u[i] <= 57 {
                    frac += Double(u[i] - 48) * scale
                    scale /= 10
                    i += 1
                }
            }
            if i < u.count, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
                let sign = u[i] == UInt8(ascii: "+") ? 1 : -1
                let oh = num(i + 1, 2) ?? 0
                let om = (i + 3 < u.count && u[i + 3] == UInt8(ascii: ":")) ? (num(i + 4, 2) ?? 0) : 0
                secs -= sign * (oh * 3600 + om * 60)
            }
        }
        return Date(timeIntervalSince1970: Double(secs) + frac)
    }

    // Howard Hinnant's days-from-civil algorithms (proleptic Gregorian).
    static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
