import Foundation
import IncentivesCore
import IncentivesSQL

/// The PostgreSQL outbox (`deliveries`) as a `DeliveryQueue`, for any number of senders at once: `due` CLAIMS
/// rows — it selects them `FOR UPDATE SKIP LOCKED` and sets `claimed_until` a lease ahead in the same
/// statement — so two senders never get the same row, and a sender that dies leaves its rows due again when the
/// lease ends (partners de-duplicate on the delivery id anyway). Recording the outcome clears the claim. Rows
/// another sender holds are not "next" for this one (`nextAttempt`, judged by the server's clock), so a sender
/// that is done does not wait on another's work.
public final class PGDeliveryQueue: DeliveryQueue {
    let c: PGConnection
    /// How long a claimed row is left to its sender before another may claim it.
    public var leaseSeconds: Double = 120

    public init(store: PGStore) { c = store.c }

    /// From `deliverable_achievements` (migration 11): the payload's columns, all the sender may read of an award.
    private static let achievementColumns = "a.id, a.user_id, a.employer, a.program, a.reward, a.completed_on, a.partner_ids, a.tier"

    private func achievement(_ r: PGRows, _ i: Int, from k: Int) throws -> DeliverableAchievement {
        try DeliverableAchievement(row: PGRow(rows: r, index: i, source: c.display), from: k)
    }

    public func due(partners: [String], at now: Double, limit: Int) throws -> [PendingDelivery] {
        guard !partners.isEmpty, limit > 0 else { return [] }
        let r = try c.exec("""
            WITH claimed AS (
              SELECT id FROM deliveries WHERE status = 'pending' AND next_attempt_at <= $1 AND partner = ANY($2::text[])
                AND (claimed_until IS NULL OR claimed_until <= $1)
              ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED),
            leased AS (
              UPDATE deliveries d SET claimed_until = $1::double precision + $4::double precision FROM claimed WHERE d.id = claimed.id
              RETURNING d.id, d.partner, d.attempts, d.achievement_id)
            SELECT l.id, l.partner, l.attempts, \(Self.achievementColumns)
            FROM leased l JOIN deliverable_achievements a ON a.id = l.achievement_id
            ORDER BY a.seq
            """, [String(now), PGText.array(partners), String(limit), String(leaseSeconds)])
        return try (0..<r.count).map { i in
            PendingDelivery(id: r.text(i, 0), partner: r.text(i, 1), attempts: r.int(i, 2), achievement: try achievement(r, i, from: 3))
        }
    }

    public func nextAttempt(partners: [String]) throws -> Double? {
        guard !partners.isEmpty else { return nil }
        return try c.exec("""
            SELECT min(next_attempt_at) FROM deliveries WHERE status = 'pending' AND partner = ANY($1::text[])
              AND (claimed_until IS NULL OR claimed_until <= extract(epoch FROM clock_timestamp()))
            """,
                          [PGText.array(partners)]).optionalDouble(0, 0)
    }

    /// Pending rows no other sender holds now (a claim this sender had is cleared when it records the outcome).
    public func pendingToRetry(partners: [String]) throws -> Int {
        guard !partners.isEmpty else { return 0 }
        return try c.exec("""
            SELECT count(*) FROM deliveries WHERE status = 'pending' AND partner = ANY($1::text[])
              AND (claimed_until IS NULL OR claimed_until <= extract(epoch FROM clock_timestamp()))
            """, [PGText.array(partners)]).int(0, 0)
    }

    public func markDelivered(_ ids: [String], at now: Double) throws {
        guard !ids.isEmpty else { return }
        try c.exec("""
            UPDATE deliveries SET status = 'delivered', delivered_at = $1, attempts = attempts + 1, claimed_until = NULL WHERE id = ANY($2::text[]) AND status <> 'delivered'
            """, [String(now), PGText.array(ids)])
    }

    public func recordFailedAttempt(_ id: String, error: String, next: Double, at now: Double) throws {
        try c.exec("UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, claimed_until = NULL WHERE id = $3 AND status = 'pending'",
                   [error, String(next), id])
    }

    public func markFailed(_ id: String, error: String, at now: Double) throws {
        try c.exec("""
            UPDATE deliveries SET status = 'failed', attempts = attempts + 1, last_error = $1, next_attempt_at = $2, claimed_until = NULL WHERE id = $3 AND status = 'pending'
            """, [error, String(now), id])
    }

    public func retry(_ id: String, at now: Double) throws -> Bool {
        try c.exec("UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, claimed_until = NULL WHERE id = $2 AND status = 'failed' RETURNING id",
                   [String(now), id]).count == 1
    }

    public func retryFailed(partner: String?, at now: Double) throws -> Int {
        try c.exec("""
            UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, claimed_until = NULL WHERE status = 'failed' AND ($2::text IS NULL OR partner = $2)
            RETURNING id
            """, [String(now), partner]).count
    }

    public func counts() throws -> [PartnerDeliveryCounts] {
        let r = try c.exec("SELECT partner, status, count(*) FROM deliveries GROUP BY partner, status")
        var by: [String: (Int, Int, Int)] = [:]
        for i in 0..<r.count {
            var n = by[r.text(i, 0)] ?? (0, 0, 0)
            switch r.text(i, 1) {
            case "pending": n.0 += r.int(i, 2)
            case "delivered": n.1 += r.int(i, 2)
            default: n.2 += r.int(i, 2)
            }
            by[r.text(i, 0)] = n
        }
        return by.keys.sorted().map { k in PartnerDeliveryCounts(partner: k, pending: by[k]!.0, delivered: by[k]!.1, failed: by[k]!.2) }
    }

    public func recentFailures(limit: Int) throws -> [FailedDelivery] {
        let r = try c.exec("""
            SELECT id, partner, achievement_id, attempts, coalesce(last_error, ''), next_attempt_at FROM deliveries
            WHERE status = 'failed' ORDER BY next_attempt_at DESC, id LIMIT $1
            """, [String(limit)])
        return r.rows(source: c.display).map { FailedDelivery(row: $0) }
    }

    /// Refuses, as the server would, a login that may not record outcomes (UPDATE on the delivery columns: the
    /// sender role): `export` asks before it writes a drop partner's file, which marks rows delivered.
    public func checkMayRecordOutcomes() throws {
        guard try c.exec("SELECT has_column_privilege('deliveries', 'status', 'UPDATE')").bool(0, 0) else {
            throw StoreError.permissionDenied(path: c.display, reason: "permission denied for table deliveries: this login may not mark deliveries")
        }
    }

    public func exportRows(partner: String, since: LocalDate?, until: LocalDate?) throws -> [ExportRow] {
        let r = try c.exec("""
            SELECT d.id, \(Self.achievementColumns)
            FROM deliveries d JOIN deliverable_achievements a ON a.id = d.achievement_id
            WHERE d.partner = $1 AND a.completed_on >= $2 AND a.completed_on <= $3 ORDER BY a.seq
            """, [partner, since?.iso ?? "", until?.iso ?? "9999-99-99"])
        return try (0..<r.count).map { i in ExportRow(deliveryID: r.text(i, 0), achievement: try achievement(r, i, from: 1)) }
    }
}
