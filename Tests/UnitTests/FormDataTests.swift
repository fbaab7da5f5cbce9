import XCTest

@testable import HTTP

final class FormDataTests: XCTestCase {
    func testDecodesPlusPercentAndUTF8() throws {
        let form = try FormData.parseURLEncoded("name=Ahmad+Karimi&city=Cr%C3%A9teil&empty=&flag")
        XCTAssertEqual(form["name"], "Ahmad Karimi")
        XCTAssertEqual(form["city"], "Créteil")
        XCTAssertEqual(form["empty"], "")
        XCTAssertEqual(form["flag"], "")
        XCTAssertNil(form["missing"])
    }

    func testKeepsRepeatedFieldsInOrder() throws {
        let form = try FormData.parseURLEncoded("lang=fr&lang=ar")
        XCTAssertEqual(form.all("lang"), ["fr", "ar"])
    }

    func testBrokenEscapesAreA400() {
        for bad in ["a=%ZZ", "a=%4", "a=%"] {
            XCTAssertThrowsError(try FormData.parseURLEncoded(bad), bad) { error in
                XCTAssertEqual((error as? HTTPError)?.status, 400)
            }
        }
    }

    func testInvalidUTF8IsA400() {
        XCTAssertThrowsError(try FormData.parseURLEncoded("a=%C3%28")) { error in
            XCTAssertEqual((error as? HTTPError)?.status, 400)
        }
    }

    func testPercentEncodeRoundTrips() throws {
        let original = "/usager/documents?x=é ü"
        let decoded = try FormData.percentDecode(Array(FormData.percentEncode(original).utf8), plusAsSpace: false)
        XCTAssertEqual(decoded, original)
    }
}
