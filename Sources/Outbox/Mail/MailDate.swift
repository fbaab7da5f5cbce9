import Foundation

/// Dates for mail headers ("Mon, 23 Nov 2026 15:20:59 +0000") and sortable spool file names
/// ("20261123T152059.123456Z"), always in UTC, without DateFormatter's locale pitfalls.
enum MailDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func rfc5322(_ date: Date) -> String {
        let t = utc(date)
        return "\(days[Int(t.tm_wday)]), \(pad(t.tm_mday, 2)) \(months[Int(t.tm_mon)]) \(pad(t.tm_year + 1900, 4)) "
            + "\(pad(t.tm_hour, 2)):\(pad(t.tm_min, 2)):\(pad(t.tm_sec, 2)) +0000"
    }

    static func sortable(_ date: Date) -> String {
        let t = utc(date)
        let micros = Int((date.timeIntervalSince1970 - date.timeIntervalSince1970.rounded(.down)) * 1_000_000)
        return pad(t.tm_year + 1900, 4) + pad(t.tm_mon + 1, 2) + pad(t.tm_mday, 2) + "T"
            + pad(t.tm_hour, 2) + pad(t.tm_min, 2) + pad(t.tm_sec, 2) + "." + pad(Int32(min(micros, 999_999)), 6) + "Z"
    }

    /// Zero-padded decimal (String(format:) is slow on Linux, and this runs per message).
    private static func pad(_ value: Int32, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// The inverse of `sortable`, for the spool reader.
    static func parseSortable(_ s: Substring) -> Date? {
        let u = Array(s.utf8)
        guard u.count >= 23, u[8] == UInt8(ascii: "T"), u[15] == UInt8(ascii: "."), u[22] == UInt8(ascii: "Z") else {
            return nil
        }
        func num(_ from: Int, _ len: Int) -> Int? { Int(String(decoding: u[from..<from + len], as: UTF8.self)) }
        guard let y = num(0, 4), let mo = num(4, 2), let d = num(6, 2), let h = num(9, 2), let mi = num(11, 2),
            let sec = num(13, 2), let us = num(16, 6)
        else { return nil }
        var t = tm()
        t.tm_year = Int32(y - 1900)
        t.tm_mon = Int32(mo - 1)
        t.tm_mday = Int32(d)
        t.tm_hour = Int32(h)
        t.tm_min = Int32(mi)
        t.tm_sec = Int32(sec)
        return Date(timeIntervalSince1970: Double(timegm(&t)) + Double(us) / 1_000_000)
    }

    private static func utc(_ date: Date) -> tm {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        gmtime_r(&seconds, &t)
        return t
    }
}
