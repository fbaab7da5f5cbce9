@testable import HTTP
import XCTest

/// A record id in a path has one spelling: `/…/+1` or `/…/01` must not name record 1.
final class RecordIDTests: XCTestCase {
    func testOnlyTheCanonicalDecimalFormIsAnId() {
        XCTAssertEqual(RecordID.parse("1"), 1)
        XCTAssertEqual(RecordID.parse("42"), 42)
        XCTAssertEqual(RecordID.parse("9223372036854775807"), Int64.max)
        for odd in ["+1", "-1", "01", "001", "0", "00", "1e3", "0x1", " 1", "1 ", "1\n", "", "١", "１", "1.0", "1_000",
                    "9223372036854775808", "99999999999999999999", "12345678901234567890123"] {
            XCTAssertNil(RecordID.parse(odd), odd.debugDescription)
        }
    }

    func testAPathParameterIsReadThroughTheSameRule() {
        var r = Request(method: "GET", path: "/x/+7")
        r.pathParameters = ["id": "+7"]
        XCTAssertNil(r.pathId("id"))
        r.pathParameters = ["id": "7"]
        XCTAssertEqual(r.pathId("id"), 7)
        XCTAssertNil(r.pathId("other"))
    }
}
