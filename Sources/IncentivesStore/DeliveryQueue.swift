import Foundation
import IncentivesCore
import IncentivesSQL

/// The `deliveries` table (the transactional outbox) as a `DeliveryQueue`. The ingest writes one pending row
/// per partner in the same transaction as each achievement; this moves rows between pending, delivered and
/// failed, each change its own short write transaction (or one per batch), so a crash never leaves a row
/// half-changed and never loses one.
///
/// For a failed row, `next_attempt_at` holds the time it failed: the console lists recent failures by it.
/// One sender per database at a time: two would both send a due row (harmless, partners de-duplicate on
/// the delivery id, but wasteful).
public final class StoreDeliveryQueue: DeliveryQueue {
    public let db: Database

    public init(db: Database) { self.db = db }
    public convenience init(store: Store) { self.init(db: store.db) }

    private static let achievementColumns = "a.id, a.user, a.employer, a.program, a.reward, a.completed_on, m.partner_ids, a.tier"

    private func placeholders(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ",") }

    /// Columns `from`…`from+7` of `achievementColumns`.
    private func achievement(_ s: Statement, from c: Int32) throws -> DeliverableAchievement {
        try DeliverableAchievement(row: s, from: Int(c))
    }

    public func due(partners: [String], at now: Double, limit: Int) throws -> [PendingDelivery] {
        guard !partners.isEmpty, limit > 0 else { return [] }
        // deliveries_due (status, next_attempt_at) walks the due rows in order without scanning delivered ones
        // and without sorting: rows due at the same time come in rowid order, which is recording order.
        // (Ordering by the achievement's seq as well would sort every pending row on every call.)
        let sql = """
            SELECT d.id, d.partner, d.attempts, \(Self.achievementColumns)
            FROM deliveries d JOIN achievements a ON a.id = d.achievement_id LEFT JOIN members m ON m.id = a.user
            WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND d.partner IN (\(placeholders(partners.count)))
            ORDER BY d.next_attempt_at LIMIT ?
            """
        let values: [SQLValue] = [.double(now)] + partners.map { .text($0) } + [.int(Int64(limit))]
        let s = try db.prepare(sql)
        try s.bind(values)
        defer { s.reset() }
        var out: [PendingDelivery] = []
        while try s.step() {
            out.append(PendingDelivery(id: s.text(0), partner: s.text(1), attempts: s.int(2), achievement: try achievement(s, from: 3)))
        }
        return out
    }

    public func nextAttempt(partners: [String]) throws -> Double? {
        guard !partners.isEmpty else { return nil }
        let s = try db.prepare("SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending' AND partner IN (\(placeholders(partners.count)))")
        try s.bind(partners.map { .text($0) })
        defer { s.reset() }
        return try s.step() ? s.optionalDouble(0) : nil
    }

    public func markDelivered(_ ids: [String], at now: Double) throws {
        guard !ids.isEmpty else { return }
        try db.transaction {
            let s = try db.prepare("""
                UPDATE deliveries SET status = 'delivered', delivered_at = ?, attempts = attempts + 1
                WHERE id = ? AND status <> 'delivered'
                """)
            for id in ids {
                try s.bind([.double(now), .text(id)])
                try s.runToEnd()
            }
        }
    }

    public func recordFailedAttempt(_ id: String, error: String, next: Double, at now: Double) throws {
        try db.transaction {
            try db.run("""
                UPDATE deliveries SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
                WHERE id = ? AND status = 'pending'
                """, .text(error), .double(next), .text(id))
        }
    }

    public func markFailed(_ id: String, error: String, at now: Double) throws {
        try db.transaction {
            try db.run("""
                UPDATE deliveries SET status = 'failed', attempts = attempts + 1, last_error = ?, next_attempt_at = ?
                WHERE id = ? AND status = 'pending'
                """, .text(error), .double(now), .text(id))
        }
    }

    public func retry(_ id: String, at now: Double) throws -> Bool {
        try db.transaction {
            try db.run("UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND status = 'failed'",
                       .double(now), .text(id))
            return db.changes == 1
        }
    }

    public func retryFailed(partner: String?, at now: Double) throws -> Int {
        try db.transaction {
            if let partner {
                try db.run("UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE status = 'failed' AND partner = ?",
                           .double(now), .text(partner))
            } else {
                try db.run("UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE status = 'failed'", .double(now))
            }
            return db.changes
        }
    }

    public func counts() throws -> [PartnerDeliveryCounts] {
        var by: [String: (Int, Int, Int)] = [:]
        let rows = try db.rows("SELECT partner, status, count(*) FROM deliveries GROUP BY partner, status") { s in
            (s.text(0), s.text(1), s.int(2))
        }
        for (partner, status, n) in rows {
            var c = by[partner] ?? (0, 0, 0)
            switch status {
            case "pending": c.0 += n
            case "delivered": c.1 += n
            default: c.2 += n
            }
            by[partner] = c
        }
        return by.keys.sorted().map { k in
            let c = by[k]!
            return PartnerDeliveryCounts(partner: k, pending: c.0, delivered: c.1, failed: c.2)
        }
    }

    public func recentFailures(limit: Int) throws -> [FailedDelivery] {
        try db.rows("""
            SELECT id, partner, achievement_id, attempts, coalesce(last_error, ''), next_attempt_at FROM deliveries
            WHERE status = 'failed' ORDER BY next_attempt_at DESC, id LIMIT ?
            """, .int(Int64(limit))) { FailedDelivery(row: $0) }
    }

    public func exportRows(partner: String, since: LocalDate?, until: LocalDate?) throws -> [ExportRow] {
        let s = try db.prepare("""
            SELECT d.id, \(Self.achievementColumns)
            FROM deliveries d JOIN achievements a ON a.id = d.achievement_id LEFT JOIN members m ON m.id = a.user
            WHERE d.partner = ? AND a.completed_on >= ? AND a.completed_on <= ?
            ORDER BY a.seq
            """)
        // ISO dates compare as text; the open ends are below and above every date.
        try s.bind([.text(partner), .text(since?.iso ?? ""), .text(until?.iso ?? "9999-99-99")])
        defer { s.reset() }
        var out: [ExportRow] = []
        while try s.step() { out.append(ExportRow(deliveryID: s.text(0), achievement: try achievement(s, from: 1))) }
        return out
    }
}
