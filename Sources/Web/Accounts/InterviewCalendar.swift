import Domain
import Foundation

/// An iCalendar (RFC 5545) event for an OFPRA interview, in Paris time, so phones add it
/// to the calendar with the right hour and address.
enum InterviewCalendar {
    static func ics(uid: String, interview i: InterviewAppointment, summary: String, interpreter: String?) -> String {
        let start = i.startsAt
        // Interviews last a few hours; the exact end does not matter for a reminder.
        let end = start.addingTimeInterval(3 * 3600)
        var description = i.place
        if let interpreter { description += (description.isEmpty ? "" : "\n") + interpreter }
        let lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//AsylumPortal//Convocation//FR", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "BEGIN:VEVENT",
            "UID:\(uid)@asylum-portal", "DTSTAMP:\(utc(Date()))", "DTSTART:\(utc(start))", "DTEND:\(utc(end))",
            "SUMMARY:\(escape(summary))", "LOCATION:\(escape(i.address))", "DESCRIPTION:\(escape(description))",
            "BEGIN:VALARM", "TRIGGER:-P1D", "ACTION:DISPLAY", "DESCRIPTION:\(escape(summary))", "END:VALARM",
            "END:VEVENT", "END:VCALENDAR",
        ]
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    static func utc(_ d: Date) -> String {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: d)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// Text values escape backslash, semicolon, comma and newlines (RFC 5545 §3.3.11).
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Lines longer than 75 octets are folded (CRLF + space), never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var out = ""
        var count = 0
        for ch in line {
            let n = String(ch).utf8.count
            if count + n > 75 {
                out += "\r\n "
                count = 1
            }
            out.append(ch)
            count += n
        }
        return out
    }
}
