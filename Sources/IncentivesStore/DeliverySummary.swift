import IncentivesCore

extension StoreReader {
    /// Per partner of the catalog: pending, delivered and failed deliveries and the newest failures, each with
    /// the user and reward it is about (the console's Deliveries screen).
    public func deliveries(failureLimit: Int) throws -> [PartnerDeliveries] {
        try db.snapshot {
            let queue = StoreDeliveryQueue(db: db)
            let counts = Dictionary(try queue.counts().map { ($0.partner, $0) }, uniquingKeysWith: { a, _ in a })
            let failures = try queue.recentFailures(limit: failureLimit)
            return try catalog.partners.map { p in
                let c = counts[p.id]
                let mine = try failures.filter { $0.partner == p.id }.map { f in
                    let a = try db.row("SELECT user, reward FROM achievements WHERE id = ?", .text(f.achievementID)) { ($0.text(0), $0.text(1)) }
                    return DeliveryRecord(id: f.id, partner: f.partner, achievementID: f.achievementID, user: a?.0 ?? "?",
                                          reward: a?.1 ?? "?", status: .failed, attempts: f.attempts, lastError: f.lastError)
                }
                return PartnerDeliveries(partnerID: p.id, partnerName: p.name, pending: c?.pending ?? 0, delivered: c?.delivered ?? 0,
                                         failed: c?.failed ?? 0, lastError: mine.first?.lastError, failures: mine)
            }
        }
    }
}

/// Putting a failed delivery back in the queue from a read screen: a read-write connection of its own,
/// opened on first use so that a console that never retries never holds one.
public final class StoreDeliveryRetry: DeliveryRetrying {
    private let path: String
    private var queue: StoreDeliveryQueue?

    public init(path: String) { self.path = path }

    public func retry(delivery id: String, at unixSeconds: Double) throws -> Bool {
        if queue == nil { queue = StoreDeliveryQueue(db: try Database(path: path, mode: .readWrite(create: false))) }
        return try queue!.retry(id, at: unixSeconds)
    }
}
