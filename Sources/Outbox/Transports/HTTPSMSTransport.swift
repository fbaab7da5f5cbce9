import Domain
import Foundation

/// SMS through an HTTP provider: POST {"to", "text", "reference"} as JSON with a bearer token;
/// the provider's id comes back as `id` in the JSON answer. `reference` (also sent as the
/// Idempotency-Key header) is the same for every attempt at one outbox message.
///
/// Outcomes: 2xx sent (`sending` until the gateway's delivery receipt comes to
/// POST /api/accuses-de-reception); timeouts, connection errors and 5xx unreachable (temporary,
/// and a sign of an outage); 408 and 429 temporary; 401 and 403 also temporary (our token is
/// wrong: every message would fail, so they wait for the fix); any other 4xx permanent (the
/// provider refused this message or number).
public final class HTTPSMSTransport: Transport {
    public struct Settings: Sendable {
        public var url: String
        public var token: String
        public var connectTimeout: Int = 5_000
        public var totalTimeout: Int = 15_000

        public init(url: String, token: String) {
            self.url = url
            self.token = token
        }
    }

    let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public var acceptedStatus: DeliveryStatus { .sending }

    public func deliver(_ message: RenderedMessage) -> DeliveryResult {
        guard case .sms(let text) = message.content else { return .permanentFailure("sms: not an SMS") }
        let payload: [String: String] = ["to": message.recipient, "text": text, "reference": message.idempotencyKey]
        let request: CurlRequest
        do {
            let body = try JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys])
            request = try CurlRequest()
            try request.url(settings.url)
            try request.timeouts(connectMilliseconds: settings.connectTimeout, totalMilliseconds: settings.totalTimeout)
            try request.header("Content-Type: application/json; charset=utf-8")
            try request.header("Accept: application/json")
            try request.header("Authorization: Bearer \(settings.token)")
            // A re-send after a worker crash carries the same key: gateways that honour it
            // (or match on `reference`) send the SMS once.
            try request.header("Idempotency-Key: \(message.idempotencyKey)")
            try request.postBody(Array(body))
        } catch {
            return .temporaryFailure("sms setup: \(error)")
        }
        do {
            try request.perform()
        } catch let failure as CurlRequest.Failure {
            return failure.isTransient ? .unreachable("sms: \(failure.message)") : .temporaryFailure("sms: \(failure.message)")
        } catch {
            return .temporaryFailure("sms: \(error)")
        }
        return Self.classify(status: request.responseCode, body: request.responseBody)
    }

    static func classify(status: Int, body: [UInt8]) -> DeliveryResult {
        let snippet = String(decoding: body.prefix(300), as: UTF8.self)
        switch status {
        case 200...299:
            let json = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
            let id = json?["id"].map { "\($0)" }
            return .sent(providerRef: id)
        case 500...599:
            return .unreachable("sms http \(status): \(snippet)")
        case 401, 403, 408, 429:
            return .temporaryFailure("sms http \(status): \(snippet)")
        case 400...499:
            return .permanentFailure("sms http \(status): \(snippet)")
        default:
            return .temporaryFailure("sms http \(status): \(snippet)")
        }
    }
}
