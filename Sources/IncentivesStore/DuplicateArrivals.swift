import IncentivesCore
import IncentivesSQL

/// Where each exact re-send arrived (schema 10, `duplicate_arrivals`): the store keeps an event once, so without
/// this `why` on a store could not show what the file form shows as `duplicate` (issue 20) — "the app sent it
/// twice, did it count twice?". Written by the ingest's batch writer in the batch's own transaction, after its
/// events, so a re-send and the checkpoint past it commit together.
///
/// One row per source position: a re-read of the same file (`--restart`, a re-sent standard input) adds none — a
/// line whose event was stored from that very file and line is the same line read again, not a re-send, and a
/// position already recorded keeps its first row (its place in arrival order).
enum DuplicateArrivals {
    /// The batch's re-sends, inside its transaction (its events already written).
    static func write(_ batch: IngestBatch, ingest: Int64, file: String, userKeys: UserKeys.Roster, in db: Database) throws {
        guard !batch.duplicates.isEmpty else { return }
        // OR FAIL, not the default ABORT: an INSERT ... SELECT may write several rows, so under ABORT SQLite keeps a
        // statement journal for it, of every page it changes; with 32 KiB pages that journal outgrows memory
        // (64 KiB) at its second page and is written to a temporary file. On the bench load that was 246 MB of
        // temporary writes for 2,600 re-sends. A failure rolls the whole batch back anyway.
        let insert = try db.prepare("""
            INSERT OR FAIL INTO duplicate_arrivals(event_id, user_key, after_seq, ingest, file, line)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6
            WHERE NOT EXISTS (SELECT 1 FROM events e JOIN ingests i ON i.id = e.ingest WHERE e.id = ?1 AND e.line = ?6 AND i.source = ?5)
            ON CONFLICT (file, line, event_id) DO NOTHING
            """)
        for (row, afterSeq) in batch.placedDuplicates() {
            try insert.bind(1, row.event.id)
            try insert.bind(2, userKeys.key(of: row.event.user))
            try insert.bind(3, afterSeq)
            try insert.bind(4, ingest)
            try insert.bind(5, file)
            try insert.bind(6, row.line)
            try insert.runToEnd()
        }
    }
}
