import Foundation
import XCTest

@testable import Web

/// Reading what a staff page offers, as a browser would.
enum Page {
    /// The single-use token of the key-printing form on `html` (the first one).
    static func printToken(_ html: String, for action: String? = nil) -> String? {
        var text = Substring(html)
        if let action {
            guard let r = html.range(of: "action=\"\(action)\"") else { return nil }
            text = html[r.upperBound...]
        }
        guard let r = text.range(of: #"name="print_token" value="[^"]+""#, options: .regularExpression) else { return nil }
        return String(text[r].dropFirst(#"name="print_token" value=""#.count).dropLast())
    }

    /// The connection key printed on a notice, if any.
    static func key(_ html: String) -> String? {
        guard let r = html.range(of: #"<dd class="big key" dir="ltr">"# + Delivered.keyPattern, options: .regularExpression) else {
            return nil
        }
        return String(html[r].suffix(19))
    }
}
