import Crypto
import Domain
import Foundation

/// The ECDSA P-256 key that signs attestations' 2D-Doc barcodes. We cannot get a government
/// certificate: the public key is published instead, and `certificateId` ties barcodes to it.
public struct DocumentSigningKey: Sendable {
    // swift-crypto's key type is not Sendable: keep the 32-byte scalar, rebuild the key per use.
    private let scalar: [UInt8]

    private init(key: P256.Signing.PrivateKey) {
        scalar = Array(key.rawRepresentation)
    }

    private var key: P256.Signing.PrivateKey {
        // The scalar came from a valid key, so this cannot fail.
        try! P256.Signing.PrivateKey(rawRepresentation: scalar)
    }

    public static func generate() -> DocumentSigningKey {
        DocumentSigningKey(key: P256.Signing.PrivateKey())
    }

    /// Accepts PKCS#8 ("PRIVATE KEY", what `pemRepresentation` writes) and SEC 1 ("EC PRIVATE KEY").
    public init(pemRepresentation: String) throws {
        self.init(key: try P256.Signing.PrivateKey(pemRepresentation: pemRepresentation))
    }

    /// The private key as PKCS#8 PEM, for the key file (keep it out of the database and backups).
    public var pemRepresentation: String { key.pemRepresentation }

    /// SubjectPublicKeyInfo PEM ("PUBLIC KEY"): what the verification page publishes.
    public var publicKeyPEM: String { key.publicKey.pemRepresentation }

    /// The header's 4-character certificate id, derived from the public key so a rotated key gets
    /// a new id without any registry: first 4 Base32 characters of SHA-256(SubjectPublicKeyInfo DER).
    public var certificateId: String { DocumentSignature.certificateId(publicKey: key.publicKey) }

    /// ECDSA P-256 over SHA-256 of `message`, returned raw (r‖s, 32 bytes each) as 2D-Doc carries it.
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try key.signature(for: message).rawRepresentation)
    }
}

public enum DocumentSignature {
    /// `false` for a wrong signature and for any malformed input (bad PEM, not 64 bytes): never throws.
    public static func isValid(_ signature: [UInt8], of message: [UInt8], publicKeyPEM: String) -> Bool {
        guard signature.count == 64,
            let key = try? P256.Signing.PublicKey(pemRepresentation: publicKeyPEM),
            let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature)
        else { return false }
        return key.isValidSignature(ecdsa, for: message)
    }

    /// See `DocumentSigningKey.certificateId`; `nil` when the PEM is not a P-256 public key.
    public static func certificateId(publicKeyPEM: String) -> String? {
        guard let key = try? P256.Signing.PublicKey(pemRepresentation: publicKeyPEM) else { return nil }
        return certificateId(publicKey: key)
    }

    fileprivate static func certificateId(publicKey: P256.Signing.PublicKey) -> String {
        let digest = SHA256.hash(data: publicKey.derRepresentation)
        return String(Base32.encode(Array(digest)).prefix(4))
    }
}
