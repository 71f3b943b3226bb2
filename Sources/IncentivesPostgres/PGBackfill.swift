import Foundation
import IncentivesCore
import IncentivesSQL

extension PGStore {
    /// `init --backfill` on PostgreSQL, inside `load`'s transaction once the new catalog and roster are stored: the
    /// shared `CatalogBackfill` evaluates the rewards named by `keys` over every stored event in arrival order (read
    /// 50,000 at a time by `seq`), its awards are stored as an ingest stores them (`PGAchievementRows`, outbox rows
    /// included, `seq` after the last award, in the last event's room), and their progress joins each user's saved progress. Returns the
    /// awards recorded.
    func backfill(_ keys: Set<String>) throws -> Int {
        guard !keys.isEmpty else { return 0 }
        let catalog = try catalog()
        let backfill: CatalogBackfill
        do { backfill = try CatalogBackfill(catalog: catalog, roster: try roster(), keys: keys) } catch {
            throw StoreError.postgres(path: path, sqlstate: "", message: "stored configuration refused: \(error)")
        }
        try c.exec(PGAchievementRows.stagingTable)
        let now = String(Date().timeIntervalSince1970)
        let room = try PGAchievementRows.backfillSeqs(c: c)
        var nextSeq = room.lowerBound
        var recorded = 0
        var after: Int64 = 0
        while true {
            let r = try c.exec("SELECT seq, id, type, user_id, at_s, at_nanos, category FROM events WHERE seq > $1 ORDER BY seq LIMIT 50000",
                               [String(after)])
            guard r.count > 0 else { break }
            let events = try (0..<r.count).map { i -> (seq: Int64, event: Event) in
                guard let type = EventType(rawValue: r.text(i, 2)) else {
                    throw StoreError.corrupt(path: path, reason: "event \(r.text(i, 1)): unknown type \(r.text(i, 2))")
                }
                return (r.int64(i, 0), Event(id: r.text(i, 1), type: type, user: r.text(i, 3), at: try PGStoreReader.instant(r, i, 4, path: path),
                                             category: r.optionalText(i, 6)))
            }
            let rows = backfill.take(events)
            guard nextSeq + Int64(rows.count) <= room.upperBound else {
                throw StoreError.postgres(path: path, sqlstate: "", message: "a backfill of more than \(room.count) awards")
            }
            recorded += try PGAchievementRows.insert(rows.enumerated().map { k, r in
                PGAchievementRows.Row(r.achievement, seq: nextSeq + Int64(k), eventSeq: r.eventSeq)
            }, catalog: catalog, now: now, c: c)
            nextSeq += Int64(rows.count)
            after = events.last!.seq
        }
        // Their saved progress for the other rewards first (the engine does not load it on demand here), then the
        // backfilled rewards' progress joins it, and it is saved.
        let members = backfill.changedMembers()
        let main = try engine()
        for start in stride(from: 0, to: members.count, by: 10_000) {
            let ids = members[start..<min(start + 10_000, members.count)].map(\.id)
            let r = try c.exec("SELECT user_id, state FROM progress WHERE user_id = ANY($1::text[])", [PGText.array(ids)])
            for i in 0..<r.count {
                guard let bytes = r.bytes(i, 1) else { continue }
                try? main.restoreProgress(of: r.text(i, 0), from: bytes)
            }
        }
        backfill.handOver(members, to: main)
        var data: [UInt8] = []
        for m in main.takeChangedMembers() {
            guard let bytes = main.encodedProgress(of: m.id) else { continue }
            // Every stored event is evaluated (a catalog change waits for that), so a new row includes them all.
            PGText.copyRow([m.id, PGText.bytea(bytes), String(room.lowerBound / PGSchema.achievementsPerEvent)], into: &data)
        }
        if !data.isEmpty {
            try c.exec("CREATE TEMP TABLE IF NOT EXISTS progress_in (LIKE progress) ON COMMIT DELETE ROWS")
            try c.copy(into: "progress_in", columns: ["user_id", "state", "upto"], data: data)
            try c.exec("INSERT INTO progress SELECT * FROM progress_in ON CONFLICT (user_id) DO UPDATE SET state = excluded.state")
        }
        return recorded
    }
}
