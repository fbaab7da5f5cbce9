import Domain
import Foundation
import Security
import XCTest

final class SigningTests: XCTestCase {
    func testSignAndVerify() throws {
        let key = DocumentSigningKey.generate()
        let message = Array("DC04AP01".utf8)
        let signature = try key.sign(message)
        XCTAssertEqual(signature.count, 64)
        XCTAssertTrue(DocumentSignature.isValid(signature, of: message, publicKeyPEM: key.publicKeyPEM))
        XCTAssertFalse(DocumentSignature.isValid(signature, of: message + [0], publicKeyPEM: key.publicKeyPEM))
        XCTAssertFalse(DocumentSignature.isValid(Array(signature.dropLast()), of: message, publicKeyPEM: key.publicKeyPEM))
        XCTAssertFalse(DocumentSignature.isValid([UInt8](repeating: 0, count: 64), of: message, publicKeyPEM: key.publicKeyPEM))
        XCTAssertFalse(DocumentSignature.isValid(signature, of: message, publicKeyPEM: ""))
        XCTAssertFalse(
            DocumentSignature.isValid(signature, of: message, publicKeyPEM: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"))
        // A private key PEM is not a public key.
        XCTAssertFalse(DocumentSignature.isValid(signature, of: message, publicKeyPEM: key.pemRepresentation))
    }

    func testPEMRoundTripAndCertificateId() throws {
        let key = DocumentSigningKey.generate()
        XCTAssertTrue(key.pemRepresentation.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        XCTAssertTrue(key.publicKeyPEM.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        let reloaded = try DocumentSigningKey(pemRepresentation: key.pemRepresentation)
        XCTAssertEqual(reloaded.publicKeyPEM, key.publicKeyPEM)
        XCTAssertEqual(reloaded.certificateId, key.certificateId)
        let signature = try reloaded.sign(Array("x".utf8))
        XCTAssertTrue(DocumentSignature.isValid(signature, of: Array("x".utf8), publicKeyPEM: key.publicKeyPEM))

        XCTAssertEqual(key.certificateId.count, 4)
        XCTAssertTrue(key.certificateId.allSatisfy { "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains($0) })
        XCTAssertEqual(DocumentSignature.certificateId(publicKeyPEM: key.publicKeyPEM), key.certificateId)
        XCTAssertNil(DocumentSignature.certificateId(publicKeyPEM: "nope"))
        XCTAssertNotEqual(DocumentSigningKey.generate().certificateId, key.certificateId)  // 1 in 2^20 flake

        XCTAssertThrowsError(try DocumentSigningKey(pemRepresentation: "not a key"))
        XCTAssertThrowsError(try DocumentSigningKey(pemRepresentation: key.publicKeyPEM))
    }

    /// The certificate id is pinned to its definition on a fixed key (RFC 6979 appendix A.2.5's P-256 key).
    func testCertificateIdDerivation() throws {
        let pem = """
            -----BEGIN EC PRIVATE KEY-----
            MHcCAQEEIMmvqdhFunUWa1whV2ex1pNOUMPbNuibEnuKYisSD2choAoGCCqGSM49
            AwEHoUQDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Z5A/4QCLi8
            maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==
            -----END EC PRIVATE KEY-----
            """
        let key = try DocumentSigningKey(pemRepresentation: pem)
        XCTAssertEqual(
            key.publicKeyPEM.trimmingCharacters(in: .whitespacesAndNewlines),
            """
            -----BEGIN PUBLIC KEY-----
            MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7
            Yfps5mliLmDyn7Z5A/4QCLi8maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==
            -----END PUBLIC KEY-----
            """)
        XCTAssertEqual(key.certificateId, Self.expectedCertificateId)
    }

    // Computed independently: base32(sha256(SubjectPublicKeyInfo DER))[:4] with Python's cryptography.
    private static let expectedCertificateId = "LJ5H"

    /// The Swift signer and the independent Python reader (Tests/e2e/twoddoc.py) agree.
    func testPythonReaderVerifiesSwiftSignature() throws {
        guard let python = QRCodeTests.executable("python3") else { throw XCTSkip("python3 is not installed") }
        guard try QRCodeTests.run(python, ["-c", "import cryptography"]).status == 0 else {
            throw XCTSkip("python3 has no cryptography package")
        }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("e2e/twoddoc.py")
        let key = DocumentSigningKey.generate()
        let day = CivilDate(year: 2026, month: 12, day: 3)!
        let document = TwoDDoc(
            header: .init(authority: "AP01", certificate: key.certificateId, issued: day, signed: day, documentType: "A1"),
            fields: [
                TwoDDoc.Field(id: "AN", value: "API-2026-7"), TwoDDoc.Field(id: "NM", value: "Núñez"),
                TwoDDoc.Field(id: "PN", value: "Zoë"), .date("DF", day.adding(months: 6)), TwoDDoc.Field(id: "ST", value: "R"),
            ])
        let text = document.text(signature: try key.sign(Array(document.message.utf8)))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("twoddoc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let textFile = directory.appendingPathComponent("doc.txt")
        let keyFile = directory.appendingPathComponent("key.pem")
        try Data(text.utf8).write(to: textFile)
        try Data(key.publicKeyPEM.utf8).write(to: keyFile)

        let verified = try QRCodeTests.run(python, [script.path, "verify", textFile.path, keyFile.path])
        XCTAssertEqual(verified.status, 0, verified.output)
        XCTAssertEqual(verified.output, "valid\n")
        let parsed = try QRCodeTests.run(python, [script.path, "parse", textFile.path])
        XCTAssertEqual(parsed.status, 0)
        XCTAssertTrue(parsed.output.contains("\"NM\": \"NUNEZ\""), parsed.output)
        XCTAssertTrue(parsed.output.contains("\"issued\": \"2026-12-03\""), parsed.output)
        XCTAssertTrue(parsed.output.contains("\"certificate\": \"\(key.certificateId)\""), parsed.output)

        try Data(text.replacingOccurrences(of: "NUNEZ", with: "NUNES").utf8).write(to: textFile)
        XCTAssertEqual(try QRCodeTests.run(python, [script.path, "verify", textFile.path, keyFile.path]).status, 1)
    }
}
