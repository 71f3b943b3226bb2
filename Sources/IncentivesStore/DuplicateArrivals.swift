import IncentivesCore

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
        let insert = try db.prepare("""
            INSERT INTO duplicate_arrivals(event_id, user_key, after_seq, ingest, file, line)
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

extension IngestBatch {
    /// Each re-send with its place among events: after the last event the batch accepted on an earlier line, or
    /// what the sink saw when that is later. (The intake tells every line in arrival order, with shards too; the
    /// batch's own events settle the place all the same, whatever a sink was told.)
    func placedDuplicates() -> [(row: DuplicateRow, afterSeq: Int64)] {
        var out: [(row: DuplicateRow, afterSeq: Int64)] = []
        out.reserveCapacity(duplicates.count)
        var k = 0
        var lastBefore: Int64 = 0
        for d in duplicates {
            while k < events.count && events[k].line < d.line {
                lastBefore = events[k].seq
                k += 1
            }
            out.append((d, max(d.afterSeq, lastBefore)))
        }
        return out
    }
}
