import XCTest

@testable import HTTP

final class RouterTests: XCTestCase {
    func makeRouter() -> Router<String> {
        var r = Router<String>()
        r.add(.get, "/", "home")
        r.add(.get, "/documents/:id", "show")
        r.add(.post, "/documents/:id", "update")
        r.add(.get, "/documents/:id/ics", "ics")
        return r
    }

    func testMatchesStaticAndParameterisedPaths() {
        let r = makeRouter()
        guard case .found("home", _) = r.match(method: .get, path: "/") else { return XCTFail() }
        guard case .found("show", let p) = r.match(method: .get, path: "/documents/42") else { return XCTFail() }
        XCTAssertEqual(p["id"], "42")
        guard case .found("ics", let q) = r.match(method: .get, path: "/documents/7/ics") else { return XCTFail() }
        XCTAssertEqual(q["id"], "7")
    }

    func testHeadFollowsGet() {
        guard case .found("home", _) = makeRouter().match(method: .head, path: "/") else { return XCTFail() }
    }

    func testWrongMethodListsAllowedOnes() {
        guard case .methodNotAllowed(let allowed) = makeRouter().match(method: .delete, path: "/documents/1") else {
            return XCTFail()
        }
        XCTAssertEqual(Set(allowed), [.get, .head, .post])
    }

    func testUnknownPathIsNotFound() {
        guard case .notFound = makeRouter().match(method: .get, path: "/documents") else { return XCTFail() }
        guard case .notFound = makeRouter().match(method: .get, path: "/nope/1/2") else { return XCTFail() }
    }
}
