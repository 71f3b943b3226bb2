import Foundation
import IncentivesCore

/// Moves due outbox rows to webhook partners: build the minimised payload, sign it, POST it, and only then
/// mark the row, as soon as its own exchange ends. A crash anywhere leaves the row pending, so it is sent again with the same delivery id
/// (at-least-once; the partner de-duplicates on the id). Never loses one, never invents one.
public final class Deliverer {
    /// A webhook partner ready to receive: where, and the secret to sign with.
    public struct Target: Sendable {
        public let partner: String
        public let url: URL
        public let secret: PartnerSecret

        public init(partner: String, url: URL, secret: PartnerSecret) {
            self.partner = partner
            self.url = url
            self.secret = secret
        }
    }

    public struct Report: Sendable, Equatable {
        public var delivered = 0
        public var retrying = 0
        public var failed = 0
        public var attempts = 0

        public init() {}

        public var summary: String {
            "deliveries: \(delivered) delivered, \(retrying) to retry, \(failed) failed (\(attempts) attempts)"
        }
    }

    private let queue: any DeliveryQueue
    private let targets: [String: Target]
    private let client: any WebhookTransport
    public let policy: RetryPolicy
    public let concurrency: Int
    public let batchSize: Int
    private let clock: () -> Double
    private var random: () -> Double
    private let log: (String) -> Void

    public init(queue: any DeliveryQueue, targets: [Target], client: any WebhookTransport, policy: RetryPolicy,
                concurrency: Int = 4, batchSize: Int = 256,
                clock: @escaping () -> Double = { Date().timeIntervalSince1970 },
                random: @escaping () -> Double = { Double.random(in: 0..<1) },
                log: @escaping (String) -> Void = { _ in }) {
        self.queue = queue
        var t: [String: Target] = [:]
        for target in targets { t[target.partner] = target }
        self.targets = t
        self.client = client
        self.policy = policy
        self.concurrency = max(1, concurrency)
        self.batchSize = max(1, batchSize)
        self.clock = clock
        self.random = random
        self.log = log
    }

    private var partners: [String] { targets.keys.sorted() }

    /// Sends every delivery due now, batch by batch, and records what each came to.
    @discardableResult
    public func pass() throws -> Report {
        var report = Report()
        let start = clock()
        while true {
            let batch = try queue.due(partners: partners, at: start, limit: batchSize)
            if batch.isEmpty { break }
            let requests = batch.map { d -> WebhookRequest in
                let target = targets[d.partner]!
                let payload = DeliveryPayload(d.achievement, partner: d.partner, secret: target.secret)
                return WebhookRequest(payload: payload, url: target.url, secret: target.secret, timestamp: Int(clock()))
            }
            // Each delivery is marked as its exchange ends, not when the batch's slowest does: a partner that
            // stalls to the timeout does not hold another partner's answered deliveries unmarked (to be sent
            // again after a crash, or by the next run). Those that end while the last group is being marked are
            // marked together, delivered ones in one transaction.
            _ = try client.send(requests, concurrency: concurrency) { group in
                let now = clock()
                var delivered: [String] = []
                for (i, outcome) in group {
                    let d = batch[i]
                    report.attempts += 1
                    switch policy.decide(outcome, attempt: d.attempts + 1, now: now, random: random()) {
                    case .delivered:
                        delivered.append(d.id)
                        report.delivered += 1
                    case .retry(let at, let reason):
                        try queue.recordFailedAttempt(d.id, error: reason, next: at, at: now)
                        report.retrying += 1
                        log("\(d.id): attempt \(d.attempts + 1) failed (\(reason)); next in \(String(format: "%.1f", at - now))s")
                    case .fail(let reason):
                        try queue.markFailed(d.id, error: reason, at: now)
                        report.failed += 1
                        log("\(d.id): failed: \(reason)")
                    }
                }
                try queue.markDelivered(delivered, at: now)
            }
        }
        return report
    }

    /// Passes until nothing pending is due within `horizon` seconds: every retry this run scheduled (bounded
    /// by the policy's cap) is waited for, while deliveries a partner pushed far out with Retry-After are left
    /// to the next run or to `--watch`.
    @discardableResult
    public func drain(horizon: Double? = nil) throws -> Report {
        let horizon = horizon ?? policy.cap
        var total = Report()
        var last = Report()
        repeat {
            last = try pass()
            total.delivered += last.delivered
            total.failed += last.failed
            total.attempts += last.attempts
            // A next attempt that is no instant (NaN, ∞: a damaged row) is never waited for: waiting on it looped for ever.
            guard let next = try queue.nextAttempt(partners: partners), next.isFinite else { break }
            let wait = next - clock()
            if wait > horizon { break }
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        } while true
        total.retrying = try queue.pendingToRetry(partners: partners)
        return total
    }

    /// Runs forever: a pass, then sleep until the next retry is due or `poll` seconds pass (new achievements).
    public func watch(poll: Double, stop: () -> Bool = { false }) throws {
        while !stop() {
            let r = try pass()
            if r.attempts > 0 { log(r.summary) }
            var wait = poll
            if let next = try queue.nextAttempt(partners: partners), next.isFinite { wait = min(wait, max(0, next - clock())) }
            if wait > 0 { Thread.sleep(forTimeInterval: wait) }
        }
    }
}
