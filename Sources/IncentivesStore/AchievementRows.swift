import IncentivesCore
import IncentivesSQL

/// Storing one award with its outbox rows: what a batch of an ingest does for each achievement, and what a
/// catalog version's backfill does for the awards history gives a reward it added.
enum AchievementRows {
    /// False when it was stored already (the same id: user, program, incentive, reward, ordinal and generation),
    /// so nothing is ever awarded twice. The catalog version current in the database is recorded with it.
    static func record(_ row: IngestBatch.AchievementRow, catalog: Catalog, now: Double, in db: Database) throws -> Bool {
        let a = row.achievement
        let insertAchievement = try db.prepare("""
            INSERT OR IGNORE INTO achievements(id, user, employer, program, incentive, reward, ordinal, completed_on, achieved_at,
              event_seq, evidence, evidence_days, generation, tier, catalog_version)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(version), 1) FROM catalog_versions))
            """)
        let id = row.id
        try insertAchievement.bind(1, id)
        try insertAchievement.bind(2, a.user)
        try insertAchievement.bind(3, a.employer)
        try insertAchievement.bind(4, a.program)
        try insertAchievement.bind(5, a.incentive)
        try insertAchievement.bind(6, a.reward)
        try insertAchievement.bind(7, a.ordinal)
        try insertAchievement.bind(8, row.completedOn)
        try insertAchievement.bind(9, row.achievedAt)
        try insertAchievement.bind(10, row.eventSeq)
        // The evidence columns as JSON arrays (formatted with the row, on the ingest core's thread).
        try insertAchievement.bind(11, row.evidence)
        try insertAchievement.bind(12, row.evidenceDays)
        try insertAchievement.bind(13, a.generation)
        try insertAchievement.bind(14, a.tier ?? "")
        try insertAchievement.runToEnd()
        guard db.changes == 1 else { return false }
        let insertDelivery = try db.prepare("INSERT OR IGNORE INTO deliveries(id, achievement_id, partner, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)")
        for partner in catalog.partners(for: a) {
            try insertDelivery.bind(1, id + ":" + partner.id)
            try insertDelivery.bind(2, id)
            try insertDelivery.bind(3, partner.id)
            try insertDelivery.bind(4, .double(now))
            try insertDelivery.bind(5, .double(now))
            try insertDelivery.runToEnd()
        }
        return true
    }
}
