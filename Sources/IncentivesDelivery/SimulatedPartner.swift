import Foundation
import IncentivesCore

/// A webhook partner simulated from a script, for the demo database: the real `Deliverer` sends to it, and
/// each scripted answer becomes an outcome through the same reading as a real answer (`WebhookClient.outcome`,
/// the client's own words for a refused connection or a timeout), so every state the demo shows — attempts,
/// errors, retries, failures — is one the real sender produces from such answers.
public final class SimulatedPartner: WebhookTransport, @unchecked Sendable {  // `attempts` guarded by `lock`
    public enum Answer: Sendable, Equatable {
        /// An HTTP answer: status, body, and a Retry-After header when given.
        case http(Int, body: String, retryAfter: String? = nil)
        /// Nothing listens at the partner's address.
        case refused
        /// No answer within the timeout.
        case timeout
    }

    /// The answer to the `attempt`-th request (1-based) for a delivery id.
    public typealias Script = @Sendable (_ deliveryID: String, _ attempt: Int) -> Answer

    private let script: Script
    private let timeout: Double
    private let lock = NSLock()
    private var attempts: [String: Int] = [:]

    public init(timeout: Double = 10, script: @escaping Script) {
        self.script = script
        self.timeout = timeout
    }

    public func send(_ requests: [WebhookRequest], concurrency: Int, ended: ([(Int, AttemptOutcome)]) throws -> Void) throws -> [AttemptOutcome] {
        var out: [AttemptOutcome] = []
        for (i, r) in requests.enumerated() {
            lock.lock()
            attempts[r.deliveryID, default: 0] += 1
            let attempt = attempts[r.deliveryID]!
            lock.unlock()
            let outcome = Self.outcome(script(r.deliveryID, attempt), timeout: timeout)
            out.append(outcome)
            try ended([(i, outcome)])
        }
        return out
    }

    /// What the real client makes of this answer.
    public static func outcome(_ answer: Answer, timeout: Double = 10) -> AttemptOutcome {
        switch answer {
        case .http(let status, let body, let retryAfter):
            return WebhookClient.outcome(status: status, retryAfter: retryAfter, body: Array(body.utf8))
        case .refused:
            return .transient(reason: HTTPExchange.connectionFailed(ECONNREFUSED), retryAfter: nil)
        case .timeout:
            return .transient(reason: WebhookClient.timedOut(timeout), retryAfter: nil)
        }
    }
}
