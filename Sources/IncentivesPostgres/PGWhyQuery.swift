import IncentivesCore
import IncentivesSQL

/// `why` on PostgreSQL: the SQLite store's `WhyQuery`, the same pages and merge (`ArrivalMerge`) over the same
/// tables, in one REPEATABLE READ snapshot. A user's events come off the events' primary key (user_id, seq) in their
/// partition; re-sends off `duplicate_arrivals_user`; conflicts through the events' id index.
extension PGStoreReader: WhyStreaming {
    public func explain(user id: String, today: LocalDate?, program: String?, paging: WhyPaging,
                        to consumer: any ExplanationConsumer) throws -> Explanation? {
        try snapshot {
            guard let member = try user(id) else { return nil }
            // A page is read off the index in key order. Without statistics (a table just loaded, before autovacuum's
            // ANALYZE) the planner took a bitmap scan of every row of the user after the key and sorted them for each
            // page: 13.6 s instead of 2.2 s for a user with 200,000 events. Only this snapshot's transaction.
            try c.exec("SET LOCAL enable_bitmapscan = off")
            let path = self.path, c = self.c
            func event(_ r: PGRows, _ i: Int, from column: Int) throws -> Event {
                guard let type = EventType(rawValue: r.text(i, column + 1)) else {
                    throw StoreError.corrupt(path: path, reason: "event \(r.text(i, column)): unknown type \(r.text(i, column + 1))")
                }
                return Event(id: r.text(i, column), type: type, user: id, at: try Self.instant(r, i, column + 2, path: path),
                             category: r.optionalText(i, column + 4))
            }
            var arrivals = ArrivalMerge(paging: paging, events: { after, limit in
                let r = try c.exec("""
                    SELECT e.seq, e.id, e.type, e.at_s, e.at_nanos, e.category, i.source, e.line, e.ingest FROM events e
                    LEFT JOIN ingests i ON i.id = e.ingest WHERE e.user_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3
                    """, [id, String(after?.order ?? 0), String(limit)])
                return try (0..<r.count).map { i in
                    Arrival(order: r.int64(i, 0), row: r.int64(i, 0), ingest: r.int64(i, 8), line: r.int(i, 7), file: r.optionalText(i, 6),
                            item: .event(try event(r, i, from: 1)))
                }
            }, duplicates: { after, limit in
                let r = try c.exec("""
                    SELECT d.after_seq, d.seq, d.ingest, d.line, d.file, e.id, e.type, e.at_s, e.at_nanos, e.category
                    FROM duplicate_arrivals d JOIN events e ON e.user_id = d.user_id AND \(PGSchema.eventID("e")) = d.event_id
                    WHERE d.user_id = $1 AND (d.after_seq, d.seq) > ($2, $3) ORDER BY d.after_seq, d.seq LIMIT $4
                    """, [id, String(after?.order ?? -1), String(after?.row ?? -1), String(limit)])
                return try (0..<r.count).map { i in
                    Arrival(order: r.int64(i, 0), row: r.int64(i, 1), ingest: r.int64(i, 2), line: r.int(i, 3), file: r.text(i, 4),
                            item: .duplicate(try event(r, i, from: 5)))
                }
            }, conflicts: { after, limit in
                // A conflict is this user's when the id it names is one of their stored events (the first one stands).
                let r = try c.exec("""
                    SELECT r.ingest, r.line, r.seq, r.file, r.reason, r.text FROM rejects r
                    JOIN events e ON e.user_id = $1 AND \(PGSchema.eventID("e")) = r.text
                    WHERE r.code = 'conflict' AND (r.ingest, r.line, r.seq) > ($2, $3, $4) ORDER BY r.ingest, r.line, r.seq LIMIT $5
                    """, [id, String(after?.ingest ?? -1), String(after?.line ?? -1), String(after?.row ?? -1), String(limit)])
                return (0..<r.count).map { i in
                    Arrival(order: 0, row: r.int64(i, 2), ingest: r.int64(i, 0), line: r.int(i, 1), file: r.text(i, 3),
                            item: .conflict(r.text(i, 5), Rejection(.conflict, field: nil, r.text(i, 4))))
                }
            })
            return try Arrival.explain(member, catalog: catalog, zones: zones, arrivals: &arrivals, today: today, program: program,
                                       path: path, to: consumer)
        }
    }
}
