import Foundation

/// The encodings an RFC 5322 message needs for UTF-8 text: RFC 2047 encoded words for
/// headers, quoted-printable for bodies (and the decoders, for the spool reader and tests).
enum MIMEEncoding {
    /// A header value: unchanged when plain printable ASCII, else `=?UTF-8?B?…?=` words of at
    /// most 75 characters, split on character boundaries and folded onto continuation lines.
    static func encodedWords(_ value: String) -> String {
        if value.unicodeScalars.allSatisfy({ $0.value >= 32 && $0.value < 127 }) { return value }
        // 75 - len("=?UTF-8?B?" + "?=") = 63 base64 characters → at most 45 bytes per word.
        var words = [String]()
        var chunk = [UInt8]()
        for character in value {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append(word(chunk))
                chunk.removeAll()
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(word(chunk)) }
        return words.joined(separator: "\r\n ")
    }

    private static func word(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// Decodes RFC 2047 words (B and Q, UTF-8 or ASCII), joining adjacent words as the RFC says.
    static func decodeHeader(_ raw: String) -> String {
        let unfolded = raw.replacingOccurrences(of: "\r\n", with: "").replacingOccurrences(of: "\n", with: "")
        var out = ""
        var rest = Substring(unfolded)
        var previousWasWord = false
        while let start = rest.range(of: "=?") {
            let before = rest[rest.startIndex..<start.lowerBound]
            guard let decoded = decodeWord(rest[start.lowerBound...]) else {
                out += before + "=?"
                rest = rest[start.upperBound...]
                previousWasWord = false
                continue
            }
            if !(previousWasWord && before.allSatisfy({ $0 == " " || $0 == "\t" })) { out += before }
            out += decoded.text
            rest = decoded.rest
            previousWasWord = true
        }
        return out + rest
    }

    private static func decodeWord(_ s: Substring) -> (text: String, rest: Substring)? {
        // =?charset?enc?payload?=
        let fields = s.dropFirst(2).split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count == 4, fields[3].hasPrefix("=") else { return nil }
        let charset = fields[0].lowercased()
        guard charset == "utf-8" || charset == "us-ascii" else { return nil }
        let payload = String(fields[2])
        let bytes: [UInt8]
        switch fields[1].uppercased() {
        case "B":
            guard let data = Data(base64Encoded: payload) else { return nil }
            bytes = Array(data)
        case "Q":
            bytes = decodeQuotedPrintable(payload.replacingOccurrences(of: "_", with: " "))
        default:
            return nil
        }
        return (String(decoding: bytes, as: UTF8.self), fields[3].dropFirst())
    }

    /// Quoted-printable (RFC 2045): lines of at most 76 characters, CRLF line ends, soft breaks
    /// with "=", trailing spaces and non-ASCII bytes encoded. Leading dots are encoded too, so
    /// no SMTP server ever sees a lone "." line. Works on bytes: it runs for every e-mail.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        let input = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(input.count * 3 / 2)
        var lineLength = 0
        var i = 0
        while i < input.count {
            let byte = input[i]
            if byte == 13, i + 1 < input.count, input[i + 1] == 10 {
                i += 1
                continue
            }  // CRLF → LF below
            if byte == 10 {
                out += [13, 10]
                lineLength = 0
                i += 1
                continue
            }
            let endsLine = i + 1 == input.count || input[i + 1] == 10 || input[i + 1] == 13
            let mustEncode =
                byte == UInt8(ascii: "=") || byte > 126 || (byte < 32 && byte != 9)
                || ((byte == 32 || byte == 9) && endsLine)
            let width = mustEncode ? 3 : 1
            // 75 + the soft-break "=" = 76.
            if lineLength + width > 75 {
                out += [UInt8(ascii: "="), 13, 10]
                lineLength = 0
            }
            if mustEncode || (byte == UInt8(ascii: ".") && lineLength == 0) {
                out += [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
                lineLength += 3
            } else {
                out.append(byte)
                lineLength += 1
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Base64 body in 76-character lines.
    static func base64Lines(_ text: String) -> String {
        Data(text.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }

    static func decodeQuotedPrintable(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 65...70: return c - 55
            case 97...102: return c - 87
            default: return nil
            }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "=") {
                if i + 2 < bytes.count, bytes[i + 1] == 13, bytes[i + 2] == 10 {
                    i += 3
                    continue
                }  // soft break
                if i + 1 < bytes.count, bytes[i + 1] == 10 {
                    i += 2
                    continue
                }
                if i + 2 < bytes.count, let hi = nibble(bytes[i + 1]), let lo = nibble(bytes[i + 2]) {
                    out.append(hi << 4 | lo)
                    i += 3
                    continue
                }
            }
            out.append(b)
            i += 1
        }
        return out
    }
}
