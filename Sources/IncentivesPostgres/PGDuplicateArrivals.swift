import IncentivesCore
import IncentivesSQL

/// Where each exact re-send arrived, on PostgreSQL (migration 12): the SQLite store's `DuplicateArrivals`, written by
/// the inbox's batch writer in the batch's transaction, after it waited for the batch before it (so the rows' `seq`
/// is drawn in arrival order, as the rejects' is). Through a staging table, as COPY cannot skip a row: one row per
/// source position, and none for a line whose event was stored from that very file and line (a re-read).
enum PGDuplicateArrivals {
    static func write(_ batch: IngestBatch, ingest: Int64, file: String, on c: PGConnection) throws {
        guard !batch.duplicates.isEmpty else { return }
        var data: [UInt8] = []
        let ingestText = String(ingest)
        for (row, afterSeq) in batch.placedDuplicates() {
            PGText.copyRow([row.event.id, row.event.user, String(afterSeq), ingestText, file, String(row.line)], into: &data)
        }
        try c.exec("""
            CREATE TEMP TABLE IF NOT EXISTS duplicates_in (event_id text, user_id text, after_seq bigint, ingest bigint, file text,
              line bigint) ON COMMIT DELETE ROWS
            """)
        try c.copy(into: "duplicates_in", columns: ["event_id", "user_id", "after_seq", "ingest", "file", "line"], data: data)
        try c.exec("""
            INSERT INTO duplicate_arrivals (event_id, user_id, after_seq, ingest, file, line)
            SELECT d.event_id, d.user_id, d.after_seq, d.ingest, d.file, d.line FROM duplicates_in d
            WHERE NOT EXISTS (SELECT 1 FROM events e JOIN ingests i ON i.id = e.ingest
                              WHERE \(PGSchema.eventID("e")) = d.event_id AND e.user_id = d.user_id AND e.line = d.line AND i.source = d.file)
            ORDER BY d.line
            ON CONFLICT (md5(file), line, md5(event_id)) DO NOTHING
            """)
    }
}
