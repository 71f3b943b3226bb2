import IncentivesCore
import IncentivesSQL

/// Storing awards with their outbox rows on PostgreSQL: what a worker does with the awards of a batch, and what a
/// catalog version's backfill does with the awards history gives a reward it added (as `AchievementRows` on SQLite).
///
/// An award's `seq` is its place in `replay`'s order, whichever worker commits first: the earning event's arrival
/// number times `PGSchema.achievementsPerEvent`, plus its place among that event's awards. A backfill's awards
/// are recorded now, after every award stored, so they take the places after those in the last stored event's
/// room (`backfillSeqs`); the next event's awards come after them.
enum PGAchievementRows {
    struct Row {
        /// The award and the arrival number of the event that earned it (`events.seq`), with its text columns
        /// formatted as every store writes them (`IngestBatch.AchievementRow`).
        let award: IngestBatch.AchievementRow
        let seq: Int64
        var achievement: Achievement { award.achievement }
        var eventSeq: Int64 { award.eventSeq }

        init(_ achievement: Achievement, seq: Int64, eventSeq: Int64) {
            award = IngestBatch.AchievementRow(achievement, eventSeq: eventSeq)
            self.seq = seq
        }
    }

    /// The `seq` of the `place`-th award (from 0) of the event that arrived `eventSeq`-th.
    static func seq(eventSeq: Int64, place: Int, c: PGConnection) throws -> Int64 {
        guard Int64(place) < PGSchema.achievementsPerEvent else {
            throw StoreError.postgres(path: c.display, sqlstate: "", message: "one event earned more than \(PGSchema.achievementsPerEvent) awards")
        }
        return try roomStart(of: eventSeq, c: c) + Int64(place)
    }

    /// The first `seq` of event `eventSeq`'s room. Event numbers come from the database: one beyond 2^39 (or below
    /// 0) is refused rather than wrapped or trapped on.
    static func roomStart(of eventSeq: Int64, c: PGConnection) throws -> Int64 {
        let (start, overflow) = eventSeq.multipliedReportingOverflow(by: PGSchema.achievementsPerEvent)
        guard eventSeq >= 0, !overflow, start <= Int64.max - PGSchema.achievementsPerEvent else {
            throw StoreError.corrupt(path: c.display, reason: "event number \(eventSeq) is beyond what awards can be numbered after")
        }
        return start
    }

    /// The first `seq` a backfill's awards may take, and the end of their room: after every award stored, inside
    /// the last stored event's room.
    static func backfillSeqs(c: PGConnection) throws -> Range<Int64> {
        let lastEvent = try c.exec("SELECT coalesce(max(seq), 0) FROM events").int64(0, 0)
        let lastAward = try c.exec("SELECT coalesce(max(seq), -1) FROM achievements").int64(0, 0)
        let room = try roomStart(of: lastEvent, c: c)
        let end = room + PGSchema.achievementsPerEvent
        guard lastAward < end else {
            throw StoreError.corrupt(path: c.display, reason: "award number \(lastAward) is beyond the last event's")
        }
        return max(lastAward + 1, room)..<end
    }

    /// The staging table `insert` copies into, emptied at each commit; created once per connection.
    /// Its `recorded` has no default (`nextval` would be drawn twice a row, once here, once in `achievements`).
    static let stagingTable = """
        CREATE TEMP TABLE IF NOT EXISTS achievements_in (LIKE achievements INCLUDING DEFAULTS) ON COMMIT DELETE ROWS;
        ALTER TABLE achievements_in ALTER COLUMN recorded DROP DEFAULT, ALTER COLUMN recorded DROP NOT NULL
        """

    /// Inside the caller's transaction, last before its commit, with `stagingTable` created: the rows by COPY into the staging table and one
    /// `INSERT … ON CONFLICT DO NOTHING RETURNING id` — an award stored before (same id) is not stored again — then
    /// one outbox row per partner serving each new award, by COPY. Each is recorded under the catalog version
    /// current in the database. Returns how many were new.
    static func insert(_ rows: [Row], catalog: Catalog, now: String, c: PGConnection) throws -> Int {
        guard !rows.isEmpty else { return 0 }
        var data: [UInt8] = []
        var byID: [String: Achievement] = [:]
        for row in rows {
            let a = row.achievement, award = row.award
            byID[award.id] = a
            PGText.copyRow([String(row.seq), award.id, a.user, a.employer, a.program, a.incentive, a.reward, String(a.ordinal),
                            award.completedOn, award.achievedAt, String(a.achievedAt.seconds), String(a.achievedAt.nanoseconds),
                            String(row.eventSeq), award.evidence, award.evidenceDays, String(a.generation), a.tier ?? ""], into: &data)
        }
        try c.copy(into: "achievements_in", columns: ["seq", "id", "user_id", "employer", "program", "incentive", "reward", "ordinal",
                                                      "completed_on", "achieved_at", "at_s", "at_nanos", "event_seq",
                                                      "evidence", "evidence_days", "generation", "tier"], data: data)
        // Awards become visible in `recorded` order (the Live feed's cursor, migration 4): the number is taken under
        // a lock held to commit, so callers insert their awards last in the transaction.
        try c.exec("SELECT name FROM pipeline_locks WHERE name = '\(PGLocks.record)' FOR UPDATE")
        let inserted = try c.exec("""
            INSERT INTO achievements (seq, id, user_id, employer, program, incentive, reward, ordinal, completed_on, achieved_at,
              at_s, at_nanos, event_seq, evidence, evidence_days, generation, tier, catalog_version)
            SELECT seq, id, user_id, employer, program, incentive, reward, ordinal, completed_on, achieved_at,
              at_s, at_nanos, event_seq, evidence, evidence_days, generation, tier,
              (SELECT coalesce(max(version), 1) FROM catalog_versions)
            FROM achievements_in ORDER BY seq ON CONFLICT (user_id, id) DO NOTHING RETURNING id
            """)
        // One outbox row per partner serving each new award.
        data.removeAll(keepingCapacity: true)
        for id in inserted.column(0) {
            guard let a = byID[id] else { continue }
            for partner in catalog.partners(for: a) {
                PGText.copyRow([id + ":" + partner.id, id, partner.id, now, now], into: &data)
            }
        }
        try c.copy(into: "deliveries", columns: ["id", "achievement_id", "partner", "next_attempt_at", "created_at"], data: data)
        return inserted.count
    }
}
