import XCTest

@testable import HTTP
@testable import Web

/// A record id in a path has one spelling: `/…/+1` or `/…/01` must not name record 1.
final class RecordIDTests: XCTestCase {
    func testOnlyTheCanonicalDecimalFormIsAnId() {
        XCTAssertEqual(RecordID.parse("1"), 1)
        XCTAssertEqual(RecordID.parse("42"), 42)
        XCTAssertEqual(RecordID.parse("9223372036854775807"), Int64.max)
        for odd in [
            "+1", "-1", "01", "001", "0", "00", "1e3", "0x1", " 1", "1 ", "1\n", "", "١", "１", "1.0", "1_000",
            "9223372036854775808", "99999999999999999999", "12345678901234567890123",
        ] {
            XCTAssertNil(RecordID.parse(odd), odd.debugDescription)
        }
    }

    /// A route's typed `:id` (`Int64` as a `PathParameter`) follows the same rule, so a handler
    /// never sees `+7` or `07`: the route answers 404 before it runs.
    func testATypedPathParameterIsReadThroughTheSameRule() {
        XCTAssertEqual(Int64(pathSegment: "7"), 7)
        for odd in ["+7", "07", "7 ", "", "x", "9223372036854775808"] {
            XCTAssertNil(Int64(pathSegment: odd), odd.debugDescription)
        }
    }
}
