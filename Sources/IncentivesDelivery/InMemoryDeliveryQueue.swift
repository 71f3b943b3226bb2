import IncentivesCore

/// The outbox in memory: for tests, the benchmark, and file mode (achievements from replay output).
/// It follows the same rules as the SQLite outbox so tests of the sender hold for both.
public final class InMemoryDeliveryQueue: DeliveryQueue {
    public struct Row: Sendable, Equatable {
        public let id: String
        public let partner: String
        public let achievement: DeliverableAchievement
        public var status: DeliveryStatus
        public var attempts: Int
        public var nextAttemptAt: Double
        public var lastError: String?
        public var deliveredAt: Double?
        public var updatedAt: Double
    }

    public private(set) var rows: [Row] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// Adds one pending row per partner that serves the achievement, as the store does in the
    /// achievement's transaction. An achievement already present is not added twice.
    public func enqueue(_ achievement: DeliverableAchievement, partners: [Partner], at now: Double) {
        for p in partners where p.serves(employer: achievement.employer, reward: achievement.reward) {
            let id = achievement.deliveryID(partner: p.id)
            guard index[id] == nil else { continue }
            index[id] = rows.count
            rows.append(Row(id: id, partner: p.id, achievement: achievement, status: .pending, attempts: 0,
                            nextAttemptAt: now, lastError: nil, deliveredAt: nil, updatedAt: now))
        }
    }

    public func row(_ id: String) -> Row? { index[id].map { rows[$0] } }

    public func due(partners: [String], at now: Double, limit: Int) throws -> [PendingDelivery] {
        let wanted = Set(partners)
        var out: [PendingDelivery] = []
        for r in rows where r.status == .pending && wanted.contains(r.partner) && r.nextAttemptAt <= now {
            out.append(PendingDelivery(id: r.id, partner: r.partner, attempts: r.attempts, achievement: r.achievement))
            if out.count >= limit { break }
        }
        return out
    }

    public func nextAttempt(partners: [String]) throws -> Double? {
        let wanted = Set(partners)
        return rows.lazy.filter { $0.status == .pending && wanted.contains($0.partner) }.map(\.nextAttemptAt).min()
    }

    public func markDelivered(_ ids: [String], at now: Double) throws {
        for id in ids {
            guard let i = index[id], rows[i].status != .delivered else { continue }
            rows[i].status = .delivered
            rows[i].deliveredAt = now
            rows[i].attempts += 1
            rows[i].updatedAt = now
        }
    }

    public func recordFailedAttempt(_ id: String, error: String, next: Double, at now: Double) throws {
        guard let i = index[id], rows[i].status == .pending else { return }
        rows[i].attempts += 1
        rows[i].lastError = error
        rows[i].nextAttemptAt = next
        rows[i].updatedAt = now
    }

    public func markFailed(_ id: String, error: String, at now: Double) throws {
        guard let i = index[id], rows[i].status == .pending else { return }
        rows[i].attempts += 1
        rows[i].lastError = error
        rows[i].status = .failed
        rows[i].updatedAt = now
    }

    public func retry(_ id: String, at now: Double) throws -> Bool {
        guard let i = index[id], rows[i].status == .failed else { return false }
        rows[i].status = .pending
        rows[i].attempts = 0
        rows[i].nextAttemptAt = now
        rows[i].updatedAt = now
        return true
    }

    public func retryFailed(partner: String?, at now: Double) throws -> Int {
        var n = 0
        for r in rows where r.status == .failed && (partner == nil || r.partner == partner) {
            if try retry(r.id, at: now) { n += 1 }
        }
        return n
    }

    public func counts() throws -> [PartnerDeliveryCounts] {
        var by: [String: (Int, Int, Int)] = [:]
        for r in rows {
            var c = by[r.partner] ?? (0, 0, 0)
            switch r.status {
            case .pending: c.0 += 1
            case .delivered: c.1 += 1
            case .failed: c.2 += 1
            }
            by[r.partner] = c
        }
        return by.keys.sorted().map { k in
            let c = by[k]!
            return PartnerDeliveryCounts(partner: k, pending: c.0, delivered: c.1, failed: c.2)
        }
    }

    public func recentFailures(limit: Int) throws -> [FailedDelivery] {
        let failed = rows.enumerated().filter { $0.element.status == .failed }
            .sorted { ($0.element.updatedAt, $0.offset) > ($1.element.updatedAt, $1.offset) }
        return failed.prefix(limit).map { _, r in
            FailedDelivery(id: r.id, partner: r.partner, achievementID: r.achievement.id, attempts: r.attempts,
                           lastError: r.lastError ?? "", failedAt: r.updatedAt)
        }
    }

    public func exportRows(partner: String, since: LocalDate?, until: LocalDate?) throws -> [ExportRow] {
        rows.filter { r in
            r.partner == partner
                && (since.map { r.achievement.completedOn >= $0 } ?? true)
                && (until.map { r.achievement.completedOn <= $0 } ?? true)
        }.map { ExportRow(deliveryID: $0.id, achievement: $0.achievement) }
    }
}
