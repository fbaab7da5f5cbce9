/// A record's id as written in a path: `[1-9][0-9]{0,18}` that fits an Int64, nothing else.
/// `Int64("+1")` is 1 and `Int64("01")` too, so `/…/+1/retry` acted on record 1: one
/// spelling per record, and every other one answers 404 (a route's typed `:id`, see
/// `PathParameter` in the web layer).
public enum RecordID {
    public static func parse(_ text: String) -> Int64? {
        let digits = text.utf8
        guard let first = digits.first, first != UInt8(ascii: "0"), digits.count <= 19,
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return Int64(text)  // nil past Int64.max (19 digits can overflow)
    }
}
