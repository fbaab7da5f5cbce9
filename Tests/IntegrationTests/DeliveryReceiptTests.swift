import Domain
import Foundation
import Postgres
import XCTest

@testable import HTTP
@testable import Web

/// POST /api/accuses-de-reception through the app's pipeline: the bearer token, replays,
/// receipts out of order, and refusals that never become a 500.
final class DeliveryReceiptTests: XCTestCase {
    static let token = "receipt-token-for-tests-0123456789abcdef"
    var app: App!
    var handler: AppHandler!
    var db: PGConnection!

    override func setUpWithError() throws {
        db = try TestDatabase.connect()
        var config = Config(
            databaseURL: TestDatabase.conninfo!, socketPath: "/dev/null", threads: 1,
            root: TestDatabase.root, secret: Array(repeating: 4, count: 32), environment: .test,
            spoolDirectory: NSTemporaryDirectory(), maxBodyBytes: 1 << 20)
        config.receiptToken = Self.token
        app = try App(config: config)
        handler = app.makeHandler()
    }

    override func tearDown() {
        db?.close()
        handler = nil
        app = nil
        db = nil
    }

    /// A message the gateway accepted (state sent: the stack's worker leaves it alone).
    func sentMessage(channel: String = "sms", providerRef: String? = "gw-\(UUID().uuidString)") throws -> (id: Int64, ref: String?) {
        let recipient = channel == "sms" ? "+3361\(Int.random(in: 1_000_000...9_999_999))" : "receipt-\(UUID().uuidString)@example.org"
        let id = try XCTUnwrap(
            db.query(
                """
                INSERT INTO outbox_messages (channel, recipient, template, language, state, sent_at, provider_ref,
                                             delivery_status, delivery_status_at)
                VALUES ($1, $2, 'test_message', 'fr', 'sent', now(), $3, $4, now() - interval '1 hour')
                RETURNING id
                """, [channel, recipient, providerRef, channel == "sms" ? "sending" : "delivered"]
            ).first?.get("id", as: Int64.self))
        return (id, providerRef)
    }

    func post(_ body: String, token: String? = DeliveryReceiptTests.token, authorization: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let value = authorization ?? token.map({ "Bearer \($0)" }) { headers[.authorization] = value }
        return handler.handle(
            Request(method: .post, path: "/api/accuses-de-reception", headers: headers, body: Array(body.utf8), remoteAddress: "10.9.8.7"))
    }

    func receipt(_ id: Int64, _ ref: String?, _ status: String, at: String, type: String = "sms") -> String {
        let json: [String: Any] = [
            "id": ref ?? NSNull(), "reference": "outbox-\(id)", "to": "+33611111111", "status": status,
            "created_at": "2026-12-01T08:00:00.000000Z", "completed_at": at, "sent_at": "2026-12-01T08:00:01.000000Z",
            "notification_type": type,
        ]
        return String(decoding: try! JSONSerialization.data(withJSONObject: json, options: [.sortedKeys]), as: UTF8.self)
    }

    func delivery(_ id: Int64) throws -> String {
        try XCTUnwrap(db.query("SELECT delivery_status FROM outbox_messages WHERE id = $1", [id]).first?.get("delivery_status"))
    }

    func receipts(_ id: Int64) throws -> Int {
        try XCTUnwrap(db.query("SELECT count(*)::int AS n FROM delivery_receipts WHERE message_id = $1", [id]).first?.get("n"))
    }

    func testNoTokenOrAWrongOneIs401AndTheRightOne204() throws {
        let m = try sentMessage()
        let body = receipt(m.id, m.ref, "delivered", at: "2026-12-01T08:00:05.000000Z")
        let none = post(body, token: nil)
        let wrong = post(body, token: Self.token + "x")
        let basic = post(body, authorization: "Basic \(Data("a:\(Self.token)".utf8).base64EncodedString())")
        for r in [none, wrong, basic] {
            XCTAssertEqual(r.status.code, 401)
            XCTAssertEqual(r.header("WWW-Authenticate"), "Bearer")
            XCTAssertEqual(r.body, [], "the same answer, no detail")
        }
        XCTAssertEqual(try receipts(m.id), 0)
        XCTAssertEqual(post(body).status.code, 204, "no CSRF token asked of a machine")
        XCTAssertEqual(try delivery(m.id), "delivered")
    }

    func testWithoutAConfiguredTokenEveryReceiptIsRefused() throws {
        var config = app.config
        config.receiptToken = nil
        let closed = try App(config: config).makeHandler()
        let m = try sentMessage()
        var headers = HTTPFields()
        headers[.authorization] = "Bearer "
        let r = closed.handle(
            Request(
                method: .post, path: "/api/accuses-de-reception", headers: headers,
                body: Array(receipt(m.id, m.ref, "delivered", at: "2026-12-01T08:00:05Z").utf8)))
        XCTAssertEqual(r.status.code, 401)
    }

    func testAReplayIsStoredOnceAndAnswered204() throws {
        let m = try sentMessage()
        let body = receipt(m.id, m.ref, "delivered", at: "2026-12-01T08:00:05.123456Z")
        XCTAssertEqual(post(body).status.code, 204)
        XCTAssertEqual(post(body).status.code, 204)
        XCTAssertEqual(try receipts(m.id), 1)
        XCTAssertEqual(try delivery(m.id), "delivered")
        let at = try XCTUnwrap(
            db.query("SELECT extract(epoch FROM delivery_status_at)::float8 AS t FROM outbox_messages WHERE id = $1", [m.id]).first?
                .get("t", as: Double.self))
        XCTAssertEqual(at, 1_796_112_005.123456, accuracy: 0.000_01, "the provider's time of the status")
    }

    func testReceiptsOutOfOrderEndWhereTheyShould() throws {
        // delivered, then a late "sending": still delivered.
        let a = try sentMessage()
        XCTAssertEqual(post(receipt(a.id, a.ref, "delivered", at: "2026-12-01T08:00:09Z")).status.code, 204)
        XCTAssertEqual(post(receipt(a.id, a.ref, "sending", at: "2026-12-01T08:00:10Z")).status.code, 204)
        XCTAssertEqual(try delivery(a.id), "delivered")
        XCTAssertEqual(try receipts(a.id), 2, "both kept as they were said")

        // A temporary failure, then the delivery that followed it.
        let b = try sentMessage()
        XCTAssertEqual(post(receipt(b.id, b.ref, "temporary-failure", at: "2026-12-01T08:00:05Z")).status.code, 204)
        XCTAssertEqual(try delivery(b.id), "temporary_failure")
        XCTAssertEqual(post(receipt(b.id, b.ref, "delivered", at: "2026-12-01T09:00:00Z")).status.code, 204)
        XCTAssertEqual(try delivery(b.id), "delivered")

        // An e-mail the mail server took (delivered), then bounced: a permanent failure.
        let c = try sentMessage(channel: "email", providerRef: "<outbox.1@asile.example.fr>")
        XCTAssertEqual(try delivery(c.id), "delivered")
        XCTAssertEqual(post(receipt(c.id, c.ref, "permanent-failure", at: "2026-12-01T10:00:00Z", type: "email")).status.code, 204)
        XCTAssertEqual(try delivery(c.id), "permanent_failure")
    }

    func testAnUnknownReferenceIs404() throws {
        let m = try sentMessage()
        XCTAssertEqual(post(receipt(m.id + 1_000_000_000, m.ref, "delivered", at: "2026-12-01T08:00:05Z")).status.code, 404)
        let foreign = receipt(m.id, m.ref, "delivered", at: "2026-12-01T08:00:05Z").replacingOccurrences(
            of: "outbox-\(m.id)", with: "their-own-\(m.id)")
        XCTAssertEqual(post(foreign).status.code, 404)
    }

    func testAReceiptThatDoesNotMatchItsMessageIsRefused() throws {
        let m = try sentMessage()
        XCTAssertEqual(post(receipt(m.id, "gw-someone-else", "delivered", at: "2026-12-01T08:00:05Z")).status.code, 409)
        XCTAssertEqual(post(receipt(m.id, nil, "delivered", at: "2026-12-01T08:00:05Z")).status.code, 409)
        XCTAssertEqual(post(receipt(m.id, m.ref, "delivered", at: "2026-12-01T08:00:05Z", type: "email")).status.code, 409)
        XCTAssertEqual(try receipts(m.id), 0)
        XCTAssertEqual(try delivery(m.id), "sending")
        // Before the worker recorded the provider's id, the reference alone is enough.
        let early = try sentMessage(providerRef: nil)
        XCTAssertEqual(post(receipt(early.id, "gw-any", "delivered", at: "2026-12-01T08:00:05Z")).status.code, 204)
    }

    func testMalformedReceiptsAre400NeverA500() throws {
        let m = try sentMessage()
        let good = receipt(m.id, m.ref, "delivered", at: "2026-12-01T08:00:05Z")
        for body in [
            "", "not json", "[]", "{\"reference\": 12}", "{}",
            good.replacingOccurrences(of: "\"delivered\"", with: "\"opened\""),
            good.replacingOccurrences(of: "\"delivered\"", with: "\"created\""),
            good.replacingOccurrences(of: "2026-12-01T08:00:05Z", with: "yesterday"),
            good.replacingOccurrences(of: "2026-12-01T08:00:05Z", with: "2026-02-30T08:00:05Z"),
            good.replacingOccurrences(of: "2026-12-01T08:00:05Z", with: "2099-01-01T00:00:00Z"),
            good.replacingOccurrences(of: "\"sms\"", with: "\"letter\""),
        ] {
            XCTAssertEqual(post(body).status.code, 400, body)
        }
        XCTAssertEqual(try receipts(m.id), 0)
        // Offsets and short fractions are times too.
        XCTAssertEqual(post(good.replacingOccurrences(of: "2026-12-01T08:00:05Z", with: "2026-12-01T09:00:05.5+01:00")).status.code, 204)
    }

    /// OFPRA's page of the person says what became of each document's message, and when.
    func testOFPRAsViewOfThePersonShowsEachMessagesDeliveryStatus() throws {
        let (person, _) = try Fixtures.applicant(db)
        let document = try DocumentDeposit.deposit(
            .convocationCancellation, pdf: Array("%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n".utf8),
            interview: nil, for: person, by: nil, db: db
        ).document
        // As a receipt would leave it (the stack's worker may still send it: it cannot undo this).
        try db.query(
            """
            UPDATE outbox_messages
            SET delivery_status = 'permanent_failure', delivery_status_at = '2026-11-30T10:15:00Z', delivery_from_receipt = true
            WHERE subject_ref = $1
            """, ["document:\(document.publicId.uuidString.lowercased())"])
        _ = try Fixtures.staff(db, .ofpraAgent)
        let b = Browser(app: app)
        try Fixtures.logInStaff(b, .ofpraAgent)
        let page = try b.get("/agents/ofpra/personnes/\(person.id)")
        XCTAssertEqual(page.status.code, 200)
        let label = app.catalogues[.french].text("delivery.status.permanent_failure")
        XCTAssertTrue(page.html.contains(escapedHTML(label)), "the delivery status on OFPRA's page")
        XCTAssertTrue(page.html.contains("30 novembre 2026"), "with its time")
    }
}

/// The receipt's parts and the token's configuration, without the app.
final class ReceiptPayloadTests: XCTestCase {
    func testTheTimeParserReadsRFC3339() {
        XCTAssertEqual(ReceiptPayload.time("2026-12-01T08:00:05Z")?.timeIntervalSince1970, 1_796_112_005)
        XCTAssertEqual(ReceiptPayload.time("2026-12-01T09:30:05.25+01:30")?.timeIntervalSince1970, 1_796_112_005.25)
        XCTAssertEqual(ReceiptPayload.time("2026-12-01T07:00:05-01:00")?.timeIntervalSince1970, 1_796_112_005)
        XCTAssertNil(ReceiptPayload.time("2026-12-01"))
        XCTAssertNil(ReceiptPayload.time("2026-13-01T00:00:00Z"))
        XCTAssertNil(ReceiptPayload.time("2026-12-01T00:00:00"))
        XCTAssertNil(ReceiptPayload.time(" 2026-12-01T00:00:00Z"))
        XCTAssertEqual(ReceiptPayload.messageID("outbox-42"), 42)
        XCTAssertNil(ReceiptPayload.messageID("outbox-"))
        XCTAssertNil(ReceiptPayload.messageID("outbox--4"))
        XCTAssertNil(ReceiptPayload.messageID("outbox-99999999999999999999"))
    }

    func testTheTokenIsRequiredInProductionWithTheSMSGateway() throws {
        XCTAssertThrowsError(try Config.receiptToken(["ASYLUM_SMS_TRANSPORT": "http"], environment: .production))
        XCTAssertNil(try Config.receiptToken(["ASYLUM_SMS_TRANSPORT": "spool"], environment: .production))
        XCTAssertNil(try Config.receiptToken([:], environment: .development))
        XCTAssertThrowsError(try Config.receiptToken(["ASYLUM_RECEIPT_TOKEN": "short"], environment: .test))
        XCTAssertEqual(
            try Config.receiptToken(["ASYLUM_RECEIPT_TOKEN": DeliveryReceiptTests.token + "\n"], environment: .production),
            DeliveryReceiptTests.token)
    }
}
