import Foundation
import HTTP

/// Hooks for the end-to-end suite, registered only when ASYLUM_ENV=test.
enum TestRoutes {
    static func register(_ routes: inout Routes) {
        // A slow request, to show that SIGTERM lets in-flight requests finish.
        routes.add(.get, "/__test/sleep") { ctx in
            let ms = min(Int(ctx.request.query["ms"] ?? "") ?? 1000, 10_000)
            Thread.sleep(forTimeInterval: Double(ms) / 1000)
            return .text("slept \(ms)\n")
        }
        // The app's legal now (ISO 8601), to check that the test clock moved it.
        routes.add(.get, "/__test/clock") { ctx in
            .text(ISO8601DateFormatter().string(from: ctx.now) + "\n")
        }
    }
}
