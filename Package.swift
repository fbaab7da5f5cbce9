// swift-tools-version:6.0
import PackageDescription

// Layers, bottom up: C shims → HTTP (FastCGI) / Postgres / Security → Domain (pure rules)
// → Web (routes, views, sessions) → executables. Domain depends on nothing else on purpose.
let package = Package(
    name: "AsylumPortal",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "asylum-portal", targets: ["asylum-portal"]),
        .executable(name: "asylum-admin", targets: ["asylum-admin"]),
        .executable(name: "asylum-worker", targets: ["asylum-worker"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        // Methods, statuses and header fields as types (no dependencies of its own).
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // ECDSA P-256 signatures of the attestations' 2D-Doc barcodes.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(name: "CFastCGI", pkgConfig: "fcgi", providers: [.apt(["libfcgi-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CSodium", pkgConfig: "libsodium", providers: [.apt(["libsodium-dev"])]),
        .systemLibrary(name: "CHaru", providers: [.apt(["libhpdf-dev"])]),
        .systemLibrary(name: "CQPDF", pkgConfig: "libqpdf", providers: [.apt(["libqpdf-dev"])]),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .systemLibrary(name: "CGD", pkgConfig: "gdlib", providers: [.apt(["libgd-dev"])]),
        .systemLibrary(name: "CDmtx", pkgConfig: "libdmtx", providers: [.apt(["libdmtx-dev"])]),

        .target(
            name: "HTTP",
            dependencies: [
                "CFastCGI", .product(name: "Logging", package: "swift-log"), .product(name: "HTTPTypes", package: "swift-http-types"),
            ]),
        .target(name: "Postgres", dependencies: ["CLibPQ", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Security", dependencies: ["CSodium", "Domain", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Domain"),
        // The language registry, CLDR plurals and the catalogues pages and messages share.
        .target(name: "I18n"),
        .target(name: "PDF", dependencies: ["CHaru"]),
        // QR codes (libqrencode) and DataMatrix symbols (libdmtx) for the attestations' signed barcodes.
        .target(name: "Barcode", dependencies: ["CQRencode", "CDmtx"]),
        // Uploaded photos and scans decoded and re-encoded by libgd (metadata dropped).
        .target(name: "ImageCheck", dependencies: ["CGD", "Domain"]),
        // Reading uploaded PDFs with qpdf: a C++ shim (qpdf's C API can only decode a stream whole)
        // and the Swift wrapper that turns its report into Domain's PDFCheck.Findings.
        .target(name: "QPDFScan", dependencies: ["CQPDF"]),
        .target(name: "PDFValidation", dependencies: ["QPDFScan", "Domain"]),
        // Periodic work the worker process runs (reminders): plain SQL over the app's tables.
        .target(name: "Jobs", dependencies: ["Postgres", "Outbox", "Domain", "I18n", .product(name: "Logging", package: "swift-log")]),
        // libcurl's setopt is variadic (not importable): a tiny C target wraps the calls we need.
        .target(name: "CCurl", linkerSettings: [.linkedLibrary("curl")]),
        .target(
            name: "Outbox",
            dependencies: [
                "Postgres", "CCurl", "Domain", "I18n",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "Web",
            dependencies: [
                "HTTP", "Postgres", "Security", "Domain", "I18n", "Outbox", "PDF", "PDFValidation", "Barcode", "ImageCheck",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "asylum-portal",
            dependencies: [
                "Web", "HTTP", "Postgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "asylum-worker",
            dependencies: [
                "Outbox", "Postgres", "Jobs", "Web", "Security", "Domain",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "asylum-admin",
            dependencies: [
                "Web", "Postgres", "Security", "Domain", "I18n", "PDF",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        .testTarget(name: "PDFTests", dependencies: ["PDF", "PDFValidation", "Domain"], path: "Tests/PDFTests"),
        .testTarget(name: "DomainTests", dependencies: ["Domain"], path: "Tests/DomainTests"),
        .testTarget(name: "ImageCheckTests", dependencies: ["ImageCheck", "CGD", "Domain"], path: "Tests/ImageCheckTests"),
        .testTarget(name: "AttestationTests", dependencies: ["Security", "Barcode", "Domain"], path: "Tests/AttestationTests"),
        .testTarget(
            name: "UnitTests",
            dependencies: [
                "HTTP", "Domain", "I18n", "Security", "Web", .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
            ], path: "Tests/UnitTests"),
        .testTarget(name: "OutboxTests", dependencies: ["Outbox", "Postgres", "I18n", "Domain"], path: "Tests/OutboxTests"),
        .testTarget(
            name: "IntegrationTests", dependencies: ["Postgres", "Web", "HTTP", "Security", "Jobs", "Outbox", "Domain", "I18n"],
            path: "Tests/IntegrationTests"),
    ],
    swiftLanguageModes: [.v6],
    cxxLanguageStandard: .cxx17
)
