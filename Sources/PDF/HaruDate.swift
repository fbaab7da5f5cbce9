import CHaru
import Foundation

enum HaruDate {
    /// libharu's broken-down date, in UTC so the PDF does not depend on the server's zone.
    static func make(_ date: Date) -> HPDF_Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return HPDF_Date(
            year: HPDF_INT(parts.year ?? 2000), month: HPDF_INT(parts.month ?? 1), day: HPDF_INT(parts.day ?? 1),
            hour: HPDF_INT(parts.hour ?? 0), minutes: HPDF_INT(parts.minute ?? 0),
            seconds: HPDF_INT(min(parts.second ?? 0, 59)),
            ind: CChar(UInt8(ascii: "Z")), off_hour: 0, off_minutes: 0)
    }
}
