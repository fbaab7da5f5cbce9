/// One part of a multipart/form-data body.
public struct MultipartPart: Sendable {
    public let name: String
    /// The browser-supplied file name (never used as a storage name).
    public let filename: String?
    public let contentType: String?
    public let body: [UInt8]
}

/// A strict multipart/form-data parser (RFC 7578). Hand-written because the maintained Swift
/// one (vapor/multipart-kit) pulls in all of SwiftNIO; the body is already size-limited
/// by nginx and by the FastCGI layer before it gets here.
public enum MultipartParser {
    static let maxParts = 64
    static let maxHeaderBytes = 8192

    public static func boundary(fromContentType type: String) -> String? {
        for param in type.split(separator: ";").dropFirst() {
            let kv = param.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingSpaces().lowercased() == "boundary" else { continue }
            var value = kv[1].trimmingSpaces()
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return isValidBoundary(value) ? value : nil
        }
        return nil
    }

    /// RFC 2046: 1 to 70 characters among `bchars`, not ending with a space. Anything else
    /// (a lone quote, control characters, non-ASCII) is a forged or broken header.
    static func isValidBoundary(_ value: String) -> Bool {
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ".utf8)
        return (1...70).contains(value.utf8.count) && value.utf8.allSatisfy(allowed.contains) && value.last != " "
    }

    public static func parse(_ body: [UInt8], boundary: String) throws -> [MultipartPart] {
        let dash = Array("--\(boundary)".utf8)
        let delimiter = Array("\r\n--\(boundary)".utf8)
        guard body.starts(with: dash) else { throw HTTPError(400, "multipart body does not start with its boundary") }
        var parts = [MultipartPart]()
        var pos = dash.count
        while true {
            // After a boundary: "--" closes the body, CRLF opens a part.
            if body.count >= pos + 2, body[pos] == 45, body[pos + 1] == 45 { return parts }
            guard body.count >= pos + 2, body[pos] == 13, body[pos + 1] == 10 else {
                throw HTTPError(400, "malformed multipart boundary line")
            }
            pos += 2
            guard parts.count < maxParts else { throw HTTPError(400, "too many multipart parts") }
            guard let headerEnd = find([13, 10, 13, 10], in: body, from: pos, limit: pos + maxHeaderBytes) else {
                throw HTTPError(400, "multipart part without header end")
            }
            let headers = try parseHeaders(Array(body[pos..<headerEnd]))
            let start = headerEnd + 4
            guard let end = find(delimiter, in: body, from: start, limit: body.count) else {
                throw HTTPError(400, "multipart part without closing boundary")
            }
            guard let disposition = headers["content-disposition"],
                let name = dispositionParameter("name", in: disposition)
            else {
                throw HTTPError(400, "multipart part without a name")
            }
            parts.append(
                MultipartPart(
                    name: name, filename: dispositionParameter("filename", in: disposition),
                    contentType: headers["content-type"], body: Array(body[start..<end])))
            pos = end + delimiter.count
        }
    }

    private static func parseHeaders(_ bytes: [UInt8]) throws -> [String: String] {
        // A NUL would reach handlers in a field name or file name (and be cut by libpq).
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else {
            throw HTTPError(400, "multipart header not UTF-8 text")
        }
        var out = [String: String]()
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { throw HTTPError(400, "malformed multipart header") }
            out[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingSpaces()
        }
        return out
    }

    /// The text fields among the parts (file parts excluded), as a form.
    public static func fields(of parts: [MultipartPart]) throws -> FormData {
        var form = FormData()
        for part in parts where part.filename == nil {
            guard !part.body.contains(0), let value = String(validating: part.body, as: UTF8.self) else {
                throw HTTPError(400, "multipart field is not UTF-8 text")
            }
            form.append(part.name, value)
        }
        return form
    }

    static func dispositionParameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let kv = piece.split(separator: "=", maxSplits: 1)
            guard kv.count == 2, kv[0].trimmingSpaces().lowercased() == key else { continue }
            var v = kv[1].trimmingSpaces()
            if v.hasPrefix("\""), v.hasSuffix("\""), v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            return v
        }
        return nil
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from: Int, limit: Int) -> Int? {
        let last = min(limit, hay.count) - needle.count
        guard from <= last, let first = needle.first else { return nil }
        var i = from
        return hay.withUnsafeBufferPointer { h in
            while i <= last {
                if h[i] == first {
                    var j = 1
                    while j < needle.count && h[i + j] == needle[j] { j += 1 }
                    if j == needle.count { return i }
                }
                i += 1
            }
            return nil
        }
    }
}
