import IncentivesCore

/// Storing awards with their outbox rows on PostgreSQL: what each ingest batch does with its achievements, and what a
/// catalog version's backfill does with the awards history gives a reward it added (as `AchievementRows` on SQLite).
enum PGAchievementRows {
    /// The staging table `insert` copies into, emptied at each commit; created once per connection.
    static let stagingTable = "CREATE TEMP TABLE IF NOT EXISTS achievements_in (LIKE achievements INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"

    /// Inside the caller's transaction, with `stagingTable` created: the rows (their `seq` from `firstSeq`, in order)
    /// by COPY into the staging table and one `INSERT … ON CONFLICT DO NOTHING RETURNING id` — an award stored before
    /// (same id) is not stored again — then one outbox row per partner serving each new award, by COPY. Each is
    /// recorded under the catalog version current in the database. Returns how many were new.
    static func insert(_ rows: [IngestBatch.AchievementRow], firstSeq: Int64, catalog: Catalog, now: String, c: PGConnection) throws -> Int {
        guard !rows.isEmpty else { return 0 }
        var data: [UInt8] = []
        var byID: [String: Achievement] = [:]
        for (k, row) in rows.enumerated() {
            let a = row.achievement
            byID[a.id] = a
            var ids = JSONBytes(), days = JSONBytes()
            ids.array(a.evidence)
            days.array(a.evidenceDays)
            PGText.copyRow([String(firstSeq + Int64(k)), a.id, a.user, a.employer, a.program, a.incentive, a.reward, String(a.ordinal),
                            a.completedOn.iso, a.achievedAt.rfc3339, String(a.achievedAt.seconds), String(a.achievedAt.nanoseconds),
                            String(row.eventSeq), row.json, ids.text, days.text, String(a.generation)], into: &data)
        }
        try c.copy(into: "achievements_in", columns: ["seq", "id", "user_id", "employer", "program", "incentive", "reward", "ordinal",
                                                      "completed_on", "achieved_at", "at_s", "at_nanos", "event_seq", "json",
                                                      "evidence", "evidence_days", "generation"], data: data)
        let inserted = try c.exec("""
            INSERT INTO achievements SELECT seq, id, user_id, employer, program, incentive, reward, ordinal, completed_on, achieved_at,
              at_s, at_nanos, event_seq, json, evidence, evidence_days, generation,
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
