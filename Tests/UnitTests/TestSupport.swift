import Foundation

/// The repository root, found from this file's path (tests may run from any folder).
let projectRoot: String = {
    if let root = ProcessInfo.processInfo.environment["ASYLUM_ROOT"] { return root }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}()
