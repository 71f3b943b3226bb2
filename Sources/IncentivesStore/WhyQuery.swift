import Foundation
import IncentivesCore
import IncentivesSQL

extension StoreReader: WhyStreaming {
    /// Why each of a user's events earned, counted or not, reward by reward; nil when the user is not on the
    /// roster. The whole explanation, kept (`WhyStreaming` streams it).
    public func explain(user id: String, today: LocalDate? = nil, program: String? = nil) throws -> Explanation? {
        try explainKept(user: id, today: today, program: program)
    }

    /// The user's stored events are replayed in arrival order through the same engine as ingest (`Explainer`),
    /// from no progress, so the explanation cannot disagree with the stored awards made under the same catalog.
    /// Exact re-sends come from `duplicate_arrivals`, conflicts from the rejects table; lines refused before their
    /// user was known are not the user's. `today`: the local day next steps are judged on (default: the user's
    /// today); `program`: see `Explainer`.
    public func explain(user id: String, today: LocalDate?, program: String?, paging: WhyPaging,
                        to consumer: any ExplanationConsumer) throws -> Explanation? {
        try db.snapshot {
            guard let member = try db.row("SELECT \(StoredConfiguration.memberColumns) FROM members WHERE id = ?", .text(id),
                                          map: { try StoredConfiguration.member($0) }) else { return nil }
            let key = try db.row("SELECT key FROM user_keys WHERE id = ?", .text(id), map: { $0.int64(0) }) ?? -1
            let db = self.db
            var arrivals = ArrivalMerge(paging: paging, events: { after, limit in
                let s = try db.prepare("""
                    SELECT e.seq, e.id, e.type, e.at_s, e.at_nanos, e.category, i.source, e.line, e.ingest FROM events e
                    LEFT JOIN ingests i ON i.id = e.ingest WHERE e.user_key = ? AND e.seq > ? ORDER BY e.seq LIMIT ?
                    """)
                defer { s.reset() }
                try s.bind(1, key); try s.bind(2, after?.order ?? 0); try s.bind(3, limit)
                var page: [Arrival] = []
                while try s.step() {
                    page.append(Arrival(order: s.int64(0), row: s.int64(0), ingest: s.int64(8), line: s.int(7), file: s.optionalText(6),
                                        item: .event(try Self.event(s, user: member.id, from: 1))))
                }
                return page
            }, duplicates: { after, limit in
                let s = try db.prepare("""
                    SELECT d.after_seq, d.seq, d.ingest, d.line, d.file, e.id, e.type, e.at_s, e.at_nanos, e.category
                    FROM duplicate_arrivals d JOIN events e ON e.id = d.event_id
                    WHERE d.user_key = ? AND (d.after_seq, d.seq) > (?, ?) ORDER BY d.after_seq, d.seq LIMIT ?
                    """)
                defer { s.reset() }
                try s.bind(1, key); try s.bind(2, after?.order ?? -1); try s.bind(3, after?.row ?? -1); try s.bind(4, limit)
                var page: [Arrival] = []
                while try s.step() {
                    page.append(Arrival(order: s.int64(0), row: s.int64(1), ingest: s.int64(2), line: s.int(3), file: s.text(4),
                                        item: .duplicate(try Self.event(s, user: member.id, from: 5))))
                }
                return page
            }, conflicts: { after, limit in
                // The rejects table names the id of a refused event, not its user: a conflict is this user's when it names
                // one of their stored events (the first one stands, so it arrived after it).
                let s = try db.prepare("""
                    SELECT r.ingest, r.line, r.seq, r.file, r.reason, r.text FROM rejects r JOIN events e ON e.id = r.text
                    WHERE r.code = 'conflict' AND e.user_key = ? AND (r.ingest, r.line, r.seq) > (?, ?, ?)
                    ORDER BY r.ingest, r.line, r.seq LIMIT ?
                    """)
                defer { s.reset() }
                try s.bind(1, key); try s.bind(2, after?.ingest ?? -1); try s.bind(3, after?.line ?? -1); try s.bind(4, after?.row ?? -1)
                try s.bind(5, limit)
                var page: [Arrival] = []
                while try s.step() {
                    page.append(Arrival(order: 0, row: s.int64(2), ingest: s.int64(0), line: s.int(1), file: s.text(3),
                                        item: .conflict(s.text(5), Rejection(.conflict, field: nil, s.text(4)))))
                }
                return page
            })
            return try Arrival.explain(member, catalog: catalog, zones: zones, arrivals: &arrivals, today: today, program: program,
                                       path: db.path, to: consumer)
        }
    }

    /// An event from columns id, type, at_s, at_nanos, category starting at `column`.
    private static func event(_ s: Statement, user: String, from column: Int32) throws -> Event {
        guard let type = EventType(rawValue: s.text(column + 1)) else {
            throw StoreError.corrupt(path: s.database.path, reason: "event \(s.text(column)): unknown type \(s.text(column + 1))")
        }
        return Event(id: s.text(column), type: type, user: user, at: try ProgressLog.instant(s, column + 2), category: s.optionalText(column + 4))
    }
}
