@testable import Web
import Foundation
import XCTest

final class ViewLibraryTests: XCTestCase {
    func testLoadsEveryRequiredTemplate() throws {
        let views = try ViewLibrary(directory: projectRoot + "/Views")
        for name in ViewLibrary.required { XCTAssertTrue(views.names.contains(name), name) }
    }

    func testStartUpFailsOnABrokenOrMissingTemplate() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("views-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{{#unclosed}}".write(toFile: dir + "/layout.mustache", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ViewLibrary(directory: dir)) { error in
            XCTAssertTrue("\(error)".contains("layout.mustache"))
        }
        try "ok".write(toFile: dir + "/layout.mustache", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ViewLibrary(directory: dir)) { error in
            XCTAssertTrue("\(error)".contains("missing template"))
        }
    }

    func testEscapesValues() throws {
        let views = try ViewLibrary(directory: projectRoot + "/Views")
        let html = views.render("partials/field", ["id": "f-x", "name": "x", "type": "text", "label": "L",
                                                    "value": "\"><script>alert(1)</script>"])
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertTrue(html.contains("&lt;script&gt;"))
    }
}
