import Foundation
import I18n
import Mustache
import XCTest

@testable import Web

final class ViewLibraryTests: XCTestCase {
    var catalogues: Catalogues { get throws { try Catalogues(directory: projectRoot + "/Locales") } }

    func testLoadsEveryRequiredTemplate() throws {
        let views = try ViewLibrary(directory: projectRoot + "/Views", catalogues: try catalogues)
        for name in ViewLibrary.required { XCTAssertTrue(views.names.contains(name), name) }
    }

    func testStartUpFailsOnABrokenOrMissingTemplate() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("views-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "{{#unclosed}}".write(toFile: dir + "/layout.mustache", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ViewLibrary(directory: dir, catalogues: try catalogues)) { error in
            XCTAssertTrue("\(error)".contains("layout.mustache"))
        }
        try "ok".write(toFile: dir + "/layout.mustache", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ViewLibrary(directory: dir, catalogues: try catalogues)) { error in
            XCTAssertTrue("\(error)".contains("missing template"))
        }
    }

    func testEscapesValues() throws {
        let views = try ViewLibrary(directory: projectRoot + "/Views", catalogues: try catalogues)
        let html = views.render(
            "partials/field",
            [
                "id": "f-x", "name": "x", "type": "text", "label": "L",
                "value": "\"><script>alert(1)</script>",
            ])
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertTrue(html.contains("&lt;script&gt;"))
    }

    /// swift-mustache has no `list.0` indexing: such a section silently never renders.
    /// Non-empty checks must use the `empty(list)` transform; this test keeps it that way.
    func testNoTemplateIndexesAList() throws {
        let fm = FileManager.default
        let walker = try XCTUnwrap(fm.enumerator(atPath: projectRoot + "/Views"))
        while let rel = walker.nextObject() as? String {
            guard rel.hasSuffix(".mustache") else { continue }
            let text = try String(contentsOfFile: projectRoot + "/Views/" + rel, encoding: .utf8)
            XCTAssertNil(text.range(of: #"\{\{[#^/][^}]*\.[0-9]+\}\}"#, options: .regularExpression), "\(rel) indexes a list")
        }
    }

    func testEmptyTransformGuardsLists() throws {
        let template = try MustacheTemplate(string: "{{^empty(items)}}some{{/empty(items)}}{{#empty(items)}}none{{/empty(items)}}")
        let items: [[String: Any]] = [["a": 1]]
        XCTAssertEqual(template.render(["items": items]), "some")
        XCTAssertEqual(template.render(["items": [[String: Any]]()]), "none")
    }
}

extension ViewLibraryTests {
    /// swift-mustache renders a section for an empty string; page data turn "" into a blank
    /// that prints nothing, is absent for sections, and does not reach for a parent's key.
    func testEmptyValuesShowNoSectionAndNoParentValue() throws {
        let template = try MustacheTemplate(string: "{{#x}}[{{x}}]{{/x}}{{^x}}none{{/x}}{{#inner}}<{{name}}>{{/inner}}")
        XCTAssertEqual(template.render(["x": ""]), "[]", "the library's own behaviour, which PageValues works around")
        let data: [String: Any] = ["x": "", "name": "outer", "inner": ["name": ""]]
        let normalized = data.mapValues(PageValues.normalized)
        XCTAssertEqual(template.render(normalized), "none<>")
        XCTAssertEqual(template.render(["x": "a"].mapValues(PageValues.normalized)), "[a]")
    }
}

extension ViewLibraryTests {
    /// The home page's cards are written in its template (so it compiles to a constant per
    /// language): one per space the app serves, in the same order, none forgotten.
    func testHomeListsEverySpaceInOrder() throws {
        let views = try ViewLibrary(directory: projectRoot + "/Views", catalogues: try catalogues)
        for language in Language.supported {
            let html = views.render("home", [:], language: language)
            let linked = html.components(separatedBy: "<li class=\"card\">").dropFirst().compactMap { card in
                card.range(of: #"href="/[a-z]+""#, options: .regularExpression).map { String(card[$0].dropFirst(7).dropLast()) }
            }
            XCTAssertEqual(linked, SpaceRoutes.spaces, language.code)
            for space in SpaceRoutes.spaces {
                XCTAssertTrue(
                    html.contains(HTMLText.escape(try catalogues[language].text("spaces.\(space).who"))), "\(space) \(language.code)")
            }
        }
    }
}
