import Foundation
import XCTest

@testable import Outbox

final class MailTests: XCTestCase {
    func testSubjectIsEncodedInShortUTF8WordsThatDecodeBack() {
        let subject = "تذكير: وثيقة لم تقرأها بعد في مساحتك لدى OFPRA"
        let encoded = MIMEEncoding.encodedWords(subject)
        for line in encoded.components(separatedBy: "\r\n") {
            let word = line.trimmingCharacters(in: .whitespaces)
            XCTAssertTrue(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="), word)
            XCTAssertLessThanOrEqual(word.count, 75)
        }
        XCTAssertEqual(MIMEEncoding.decodeHeader(encoded), subject)
        XCTAssertEqual(MIMEEncoding.encodedWords("Plain ASCII"), "Plain ASCII")
        XCTAssertEqual(MIMEEncoding.decodeHeader("=?utf-8?q?caf=C3=A9_cr=C3=A8me?="), "café crème")
    }

    func testQuotedPrintableKeepsLinesShortAndRoundTrips() {
        let text =
            "Bonjour,\n" + String(repeating: "Délai de recours à partir de la notification. ", count: 6)
            + "\n.leading dot\ntrailing space \n= sign"
        let encoded = MIMEEncoding.quotedPrintable(text)
        for line in encoded.components(separatedBy: "\r\n") {
            XCTAssertLessThanOrEqual(line.utf8.count, 76, line)
            XCTAssertFalse(line.hasPrefix("."), "no line may start with a dot (SMTP)")
            XCTAssertFalse(line.hasSuffix(" "))
        }
        XCTAssertTrue(encoded.utf8.allSatisfy { $0 < 128 })
        XCTAssertEqual(
            String(decoding: MIMEEncoding.decodeQuotedPrintable(encoded), as: UTF8.self),
            text.replacingOccurrences(of: "\n", with: "\r\n"))
    }

    func testSpoolWritesAnEmailTheReaderAndRFC5322Understand() throws {
        let dir = NSTemporaryDirectory() + "spool-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let from = try XCTUnwrap(MailAddress("Portail asile <ne-pas-repondre@asile.example.fr>"))
        let spool = try SpoolTransport(directory: dir, from: from)
        let content = try sharedTemplates.render(
            template: "document_reminder", language: "ar", channel: .email,
            params: ["days": "12"], portalURL: samplePortalURL)
        let result = spool.deliver(RenderedMessage(outboxID: 42, recipient: "amina@example.org", language: "ar", content: content))
        guard case .sent(let ref?) = result else { return XCTFail("\(result)") }
        XCTAssertTrue(ref.hasSuffix("-42.eml"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), [ref], "no temp file left behind")

        let raw = try String(contentsOfFile: dir + "/" + ref, encoding: .utf8)
        let (headerBlock, _) = try XCTUnwrap(raw.range(of: "\r\n\r\n").map { (raw[..<$0.lowerBound], raw[$0.upperBound...]) })
        for name in [
            "Date: ", "From: \"Portail asile\" <ne-pas-repondre@asile.example.fr>", "To: amina@example.org",
            "Subject: =?UTF-8?B?", "Message-ID: <outbox.42@asile.example.fr>", "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=",
        ] {
            XCTAssertTrue(headerBlock.contains(name), name)
        }
        XCTAssertFalse(raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF line ends only")

        let entry = try XCTUnwrap(SpoolReader(directory: dir).list().first)
        XCTAssertEqual(entry.channel, .email)
        XCTAssertEqual(entry.outboxID, 42)
        XCTAssertEqual(entry.recipient, "amina@example.org")
        XCTAssertEqual(entry.subject, "تذكير: وثيقة لم تقرأها بعد في مساحتك لدى OFPRA")
        XCTAssertTrue(entry.text.contains("عدد الأيام منذ إيداعها: 12"), entry.text)
        XCTAssertTrue(entry.text.contains(samplePortalURL))
    }

    /// A worker killed between a delivery and its record sends the message again: the same
    /// outbox row gives the same file name, so the spool recognises it and writes nothing.
    func testSpoolReSendOfTheSameMessageWritesNothingAndSaysAlreadyDelivered() throws {
        let dir = NSTemporaryDirectory() + "spool-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = try SpoolTransport(directory: dir, from: try XCTUnwrap(MailAddress("a@example.org")))
        XCTAssertTrue(spool.deduplicatesByKey)
        let queued = Date(timeIntervalSince1970: 1_790_000_000)
        let sms = RenderedMessage(
            outboxID: 5, recipient: "+33612345678", language: "fr",
            content: .sms(text: "Code 1"), queuedAt: queued)
        let mail = RenderedMessage(
            outboxID: 6, recipient: "a@example.org", language: "fr",
            content: .email(subject: "S", text: "T", html: nil), queuedAt: queued)
        let names = ["\(MailDate.sortable(queued))-5.sms.txt", "\(MailDate.sortable(queued))-6.eml"]
        XCTAssertEqual(spool.deliver(sms), .sent(providerRef: names[0]))
        XCTAssertEqual(spool.deliver(mail), .sent(providerRef: names[1]))
        let first = try names.map { try String(contentsOfFile: dir + "/" + $0, encoding: .utf8) }
        usleep(1_100_000)  // a re-send would carry another Date header
        for _ in 1...2 {
            XCTAssertEqual(spool.deliver(sms), .alreadyDelivered(providerRef: names[0]))
            XCTAssertEqual(spool.deliver(mail), .alreadyDelivered(providerRef: names[1]))
        }
        XCTAssertEqual(SpoolReader(directory: dir).fileNames().count, 2, "one file per message")
        XCTAssertEqual(
            try names.map { try String(contentsOfFile: dir + "/" + $0, encoding: .utf8) }, first,
            "files left as first written")
        let entry = try XCTUnwrap(SpoolReader(directory: dir).entry(named: names[0]))
        XCTAssertEqual(entry.text, "Code 1")
        XCTAssertEqual(entry.recipient, "+33612345678")
        XCTAssertEqual(try XCTUnwrap(SpoolReader(directory: dir).entry(named: names[1])).subject, "S")
    }

    /// ASYLUM_SPOOL_FSYNC=1: a batch's files appear only at commitDeliveries (after one flush),
    /// so a file under its final name is complete even after a power loss.
    func testSyncedSpoolPublishesTheBatchAtCommit() throws {
        let dir = NSTemporaryDirectory() + "spool-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = try SpoolTransport(directory: dir, from: try XCTUnwrap(MailAddress("a@example.org")), syncFiles: true)
        let messages = (1...3).map {
            RenderedMessage(
                outboxID: Int64($0), recipient: "+33612345678", language: "fr",
                content: .sms(text: "Code \($0)"), queuedAt: Date())
        }
        for m in messages { guard case .sent = spool.deliver(m) else { return XCTFail("not sent") } }
        XCTAssertEqual(SpoolReader(directory: dir).fileNames().count, 0, "not visible before the commit")
        try spool.commitDeliveries()
        XCTAssertEqual(SpoolReader(directory: dir).fileNames().count, 3)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".tmp-") }, [])
        guard case .alreadyDelivered = spool.deliver(messages[0]) else { return XCTFail("re-send not recognised") }
    }

    func testStartingRemovesTempFilesOfWritersThatAreGone() throws {
        let dir = NSTemporaryDirectory() + "spool-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let dead = dir + "/.tmp-999999999-20260101T000000.000000Z-1.eml"  // no such process
        let live = dir + "/.tmp-\(getppid())-20260101T000000.000000Z-2.eml"  // a writer still running
        for path in [dead, live] { XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("half".utf8))) }
        _ = try SpoolTransport(directory: dir, from: try XCTUnwrap(MailAddress("a@example.org")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead))
        XCTAssertTrue(FileManager.default.fileExists(atPath: live))
    }

    func testSpoolSMSFileAndNewestFirstListing() throws {
        let dir = NSTemporaryDirectory() + "spool-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let spool = try SpoolTransport(directory: dir, from: try XCTUnwrap(MailAddress("a@example.org")))
        for id in [7, 8, 9] as [Int64] {
            _ = spool.deliver(
                RenderedMessage(
                    outboxID: id, recipient: "+33612345678", language: "fr",
                    content: .sms(text: "Code \(id) à saisir")))
            usleep(2000)
        }
        let entries = SpoolReader(directory: dir).list()
        XCTAssertEqual(entries.map(\.outboxID), [9, 8, 7])
        XCTAssertEqual(entries.first?.text, "Code 9 à saisir")
        XCTAssertEqual(entries.first?.recipient, "+33612345678")
        let raw = try String(contentsOfFile: dir + "/" + entries[0].fileName, encoding: .utf8)
        XCTAssertTrue(raw.contains("Length: 15\nEncoding: GSM-7\n"), raw)
        XCTAssertNil(SpoolReader(directory: dir).entry(named: "../" + entries[0].fileName))
    }

    func testMailFromParsing() {
        XCTAssertEqual(MailAddress("Portail asile <no-reply@example.fr>")?.address, "no-reply@example.fr")
        XCTAssertEqual(MailAddress("no-reply@example.fr")?.name, nil)
        XCTAssertNil(MailAddress("Evil\r\nBcc: x <a@b.fr>"))
        XCTAssertEqual(MailAddress("Café asile <x@example.fr>")?.header, "=?UTF-8?B?Q2Fmw6kgYXNpbGU=?= <x@example.fr>")
    }
}

final class TransportClassificationTests: XCTestCase {
    func testAcceptedMeansSendingForTheGatewayAndDeliveredForMail() throws {
        XCTAssertEqual(HTTPSMSTransport(settings: .init(url: "http://127.0.0.1:9/sms", token: "t")).acceptedStatus.rawValue, "sending")
        XCTAssertEqual(
            SMTPTransport(settings: .init(url: "smtp://127.0.0.1:9", from: MailAddress("a@b.fr")!)).acceptedStatus.rawValue, "delivered")
        let spool = try SpoolTransport(directory: NSTemporaryDirectory() + "accepted-\(getpid())", from: MailAddress("a@b.fr")!)
        XCTAssertEqual(spool.acceptedStatus.rawValue, "delivered")
    }

    func testHTTPStatusesMapToOutcomes() {
        XCTAssertEqual(HTTPSMSTransport.classify(status: 201, body: Array(#"{"id":"abc-1"}"#.utf8)), .sent(providerRef: "abc-1"))
        for status in [429, 408, 401, 403] {
            guard case .temporaryFailure = HTTPSMSTransport.classify(status: status, body: []) else {
                return XCTFail("\(status) should be temporary")
            }
        }
        // The provider itself in trouble: temporary too, and a sign of an outage.
        for status in [500, 502, 503] {
            guard case .unreachable = HTTPSMSTransport.classify(status: status, body: []) else {
                return XCTFail("\(status) should be unreachable")
            }
        }
        for status in [400, 404, 422] {
            guard case .permanentFailure = HTTPSMSTransport.classify(status: status, body: []) else {
                return XCTFail("\(status) should be permanent")
            }
        }
    }

    func testSMTPRepliesMapToOutcomes() {
        let sendError = CurlRequest.Failure(code: 55, message: "RCPT failed")  // CURLE_SEND_ERROR
        guard case .permanentFailure = SMTPTransport.classify(sendError, reply: 550) else { return XCTFail("550") }
        guard case .temporaryFailure = SMTPTransport.classify(sendError, reply: 451) else { return XCTFail("451") }
        let refused = CurlRequest.Failure(code: 7, message: "connection refused")  // CURLE_COULDNT_CONNECT
        guard case .unreachable = SMTPTransport.classify(refused, reply: 0) else { return XCTFail("connect") }
        guard case .unreachable = SMTPTransport.classify(sendError, reply: 421) else { return XCTFail("421") }
        let login = CurlRequest.Failure(code: 67, message: "login denied")  // CURLE_LOGIN_DENIED
        guard case .temporaryFailure = SMTPTransport.classify(login, reply: 535) else { return XCTFail("our password") }
    }

    func testRealHTTPTransportReportsAnUnreachableProviderAsUnreachable() {
        // Port 9 on loopback: nothing listens, the connection is refused at once.
        let transport = HTTPSMSTransport(settings: .init(url: "http://127.0.0.1:9/sms", token: "t"))
        let result = transport.deliver(RenderedMessage(outboxID: 1, recipient: "+33612345678", language: "fr", content: .sms(text: "x")))
        guard case .unreachable = result else { return XCTFail("\(result)") }
    }
}
