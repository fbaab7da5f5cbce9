import ArgumentParser
import Foundation
import Security

/// Writes a new P-256 key that signs attestations' 2D-Doc barcodes (ASYLUM_SIGNING_KEY_FILE).
/// Refuses to overwrite one: documents already issued are verified with its public half.
struct SigningKey: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signing-key", abstract: "Write a new attestation-signing key (PEM, mode 0600) and print its certificate id.")

    @Argument(help: "Where to write the private key.")
    var output: String

    func run() throws {
        guard !FileManager.default.fileExists(atPath: output) else {
            throw ValidationError("\(output) exists: a key that signed documents must not be replaced by accident")
        }
        let key = DocumentSigningKey.generate()
        guard
            FileManager.default.createFile(
                atPath: output, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ValidationError("cannot write \(output)") }
        print(key.certificateId)
    }
}
