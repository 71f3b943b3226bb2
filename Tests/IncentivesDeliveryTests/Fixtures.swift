import Foundation
import IncentivesCore
import IncentivesDelivery
// The shared test helpers (Binary, TempDir, ...; Tests/TestSupport): every file of this target sees them.
@_exported import TestSupport

enum Fixtures {
    static let secret = PartnerSecret("pillowco-test-secret-0123456789")
    static let otherSecret = PartnerSecret("giftco-test-secret-abcdefghijkl")

    static func achievement(_ n: Int, user: String = "u-1001", reward: String = "Pregnancy pillow",
                            partnerIDs: [String: String] = [:]) -> DeliverableAchievement {
        DeliverableAchievement(id: "ach-\(String(repeating: "0", count: 15))\(n)", user: user, employer: "acme",
                               program: "acme-2026", reward: reward,
                               completedOn: LocalDate(iso: "2026-03-0\(min(max(n, 1), 9))")!, partnerMemberIDs: partnerIDs)
    }

    static func partner(_ id: String = "pillowco", url: String = "http://127.0.0.1:1/") -> Partner {
        Partner(id: id, name: id, employers: ["acme"], rewards: nil, channel: .webhook(url: url), secretEnv: "PILLOWCO_SECRET")
    }

    /// An in-memory outbox holding these achievements for one webhook partner.
    static func queue(_ achievements: [DeliverableAchievement], partner: String = "pillowco") -> InMemoryDeliveryQueue {
        let q = InMemoryDeliveryQueue()
        for a in achievements { q.enqueue(a, partners: [Self.partner(partner)], at: 0) }
        return q
    }

    /// Fast retries so tests wait milliseconds, not minutes.
    static let quickPolicy = RetryPolicy(maxAttempts: 4, base: 0.01, cap: 0.05, maxRetryAfter: 5)

    static func deliverer(_ queue: InMemoryDeliveryQueue, receiver: LoopbackReceiver, secret: PartnerSecret = secret,
                          policy: RetryPolicy = quickPolicy, timeout: Double = 2, concurrency: Int = 4,
                          clock: @escaping () -> Double = { Date().timeIntervalSince1970 }) -> Deliverer {
        Deliverer(queue: queue, targets: [.init(partner: "pillowco", url: receiver.url, secret: secret)],
                  client: WebhookClient(timeout: timeout), policy: policy, concurrency: concurrency, clock: clock)
    }

    /// The payload keys every partner may see, and nothing else.
    static let allowedKeys: Set<String> = ["achievementId", "deliveryId", "member", "employer", "program", "reward", "completedOn"]

    /// Fails the calling test unless `body` is one minimised payload: exactly the allowed keys, string values.
    static func minimised(_ body: [UInt8]) -> [String: String]? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
              // A tier's payload adds its id (CONTRACT §3); an award's has exactly the seven keys.
              Set(object.keys) == allowedKeys || Set(object.keys) == allowedKeys.union(["tier"]) else { return nil }
        var out: [String: String] = [:]
        for (k, v) in object {
            guard let s = v as? String else { return nil }
            out[k] = s
        }
        return out
    }
}
