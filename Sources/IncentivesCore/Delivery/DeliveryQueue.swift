/// One outbox row that is due: the delivery id is stable (`achievement id:partner id`) so every resend
/// of it carries the same id.
public struct PendingDelivery: Sendable, Hashable {
    public let id: String
    public let partner: String
    /// Attempts made so far.
    public let attempts: Int
    public let achievement: DeliverableAchievement

    public init(id: String, partner: String, attempts: Int, achievement: DeliverableAchievement) {
        self.id = id
        self.partner = partner
        self.attempts = attempts
        self.achievement = achievement
    }
}

public enum DeliveryStatus: String, Sendable, CaseIterable {
    case pending, delivered, failed
}

/// Per-partner counts for the console's Deliveries screen.
public struct PartnerDeliveryCounts: Sendable, Equatable {
    public let partner: String
    public let pending: Int
    public let delivered: Int
    public let failed: Int

    public init(partner: String, pending: Int, delivered: Int, failed: Int) {
        self.partner = partner
        self.pending = pending
        self.delivered = delivered
        self.failed = failed
    }
}

/// A delivery that gave up, with why, for the console and `deliver --retry`.
public struct FailedDelivery: Sendable, Equatable {
    public let id: String
    public let partner: String
    public let achievementID: String
    public let attempts: Int
    public let lastError: String
    /// Unix seconds of the last change (when it failed).
    public let failedAt: Double

    public init(id: String, partner: String, achievementID: String, attempts: Int, lastError: String, failedAt: Double) {
        self.id = id
        self.partner = partner
        self.achievementID = achievementID
        self.attempts = attempts
        self.lastError = lastError
        self.failedAt = failedAt
    }
}

/// One row of a batch export: the delivery id and what it is about.
public struct ExportRow: Sendable, Hashable {
    public let deliveryID: String
    public let achievement: DeliverableAchievement

    public init(deliveryID: String, achievement: DeliverableAchievement) {
        self.deliveryID = deliveryID
        self.achievement = achievement
    }
}

/// The transactional outbox as the delivery side sees it (defined here, with no I/O, so that the store can
/// implement it and the console can read it without either depending on the delivery module). The store writes one row per partner in the same
/// transaction as each achievement; everything here only moves rows between pending, delivered and failed.
/// Times are unix seconds. Implementations: `InMemoryDeliveryQueue` (IncentivesDelivery: tests, file mode) and the store's SQLite one.
public protocol DeliveryQueue: AnyObject {
    /// Pending rows of these partners whose next attempt is at or before `now`, oldest first.
    func due(partners: [String], at now: Double, limit: Int) throws -> [PendingDelivery]
    /// The earliest next attempt among pending rows of these partners; nil when none are pending.
    func nextAttempt(partners: [String]) throws -> Double?
    /// After a 2xx (or a written batch file). Rows already delivered stay as they are.
    func markDelivered(_ ids: [String], at now: Double) throws
    /// A failed attempt that will be tried again at `next`: attempts + 1, the error kept.
    func recordFailedAttempt(_ id: String, error: String, next: Double, at now: Double) throws
    /// The last attempt failed, or a partner refused: attempts + 1, status failed, the reason kept.
    func markFailed(_ id: String, error: String, at now: Double) throws
    /// Puts one failed delivery back to pending, due now, with a fresh attempt budget. False if no failed row has that id.
    func retry(_ id: String, at now: Double) throws -> Bool
    /// Puts every failed delivery (of one partner, or all) back to pending; returns how many.
    func retryFailed(partner: String?, at now: Double) throws -> Int
    /// Counts by partner, sorted by partner id.
    func counts() throws -> [PartnerDeliveryCounts]
    /// The most recent failures first.
    func recentFailures(limit: Int) throws -> [FailedDelivery]
    /// Every row of a partner (any status) whose achievement was completed in the range, in recording order.
    func exportRows(partner: String, since: LocalDate?, until: LocalDate?) throws -> [ExportRow]
    /// The pending rows of these partners that this sender leaves to retry: not those another sender holds now (on
    /// PostgreSQL, a claimed row is another's until its claim ends): a sender's "N to retry" is its own.
    func pendingToRetry(partners: [String]) throws -> Int
    /// Refuses, before anything is written, a login that may not record outcomes (mark rows delivered): `export`
    /// asks before it writes a drop partner's file, which a later export would otherwise write again.
    func checkMayRecordOutcomes() throws
}

extension DeliveryQueue {
    /// A queue whose user may always record outcomes.
    public func checkMayRecordOutcomes() throws {}

    /// One sender at a time: every pending row of these partners.
    public func pendingToRetry(partners: [String]) throws -> Int {
        let wanted = Set(partners)
        return try counts().filter { wanted.contains($0.partner) }.reduce(0) { $0 + $1.pending }
    }
}
