import Foundation
import IncentivesCore

/// How `explain` reads a user's stored lines: `pageSize` rows a query, by keyset on arrival order, so that memory
/// is flat in the length of the user's history (issue 21); `rowsRead` is told how many rows each query brought
/// (tests count what a `--limit` read).
public struct WhyPaging {
    public var pageSize: Int
    public var rowsRead: ((Int) -> Void)?

    public static let defaultPageSize = 2_048

    public init(pageSize: Int = WhyPaging.defaultPageSize, rowsRead: ((Int) -> Void)? = nil) {
        self.pageSize = max(1, pageSize)
        self.rowsRead = rowsRead
    }
}

/// `why` on a store, streamed: the user's stored lines in arrival order, explained one by one, each line handed to
/// `consumer` as it is made. It may stop the reading (`ExplanationConsumer.take` false): nothing after is read. The
/// explanation returned has no lines, and its rewards are as of the last line read. nil for a user not on the roster.
public protocol WhyStreaming {
    func explain(user: String, today: LocalDate?, program: String?, paging: WhyPaging,
                 to consumer: any ExplanationConsumer) throws -> Explanation?
}

extension StoreReader: WhyStreaming {
    /// Why each of a user's events earned, counted or not, reward by reward; nil when the user is not on the
    /// roster. The whole explanation, kept (`WhyStreaming` streams it).
    public func explain(user id: String, today: LocalDate? = nil, program: String? = nil) throws -> Explanation? {
        let lines = CollectedExplanationLines()
        guard var x = try explain(user: id, today: today, program: program, paging: WhyPaging(), to: lines) else { return nil }
        x.lines = lines.lines
        return x
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

/// One stored line of a user, either store's: an event, an exact re-send of one, or a conflict, with where it
/// arrived. `order` places it among events: an event's `seq`; a re-send's `after_seq` (the last event stored before
/// it). `row` is the row's own number in its table, for the keyset.
package struct Arrival {
    package enum Item {
        case event(Event)
        case duplicate(Event)
        case conflict(String, Rejection)
    }

    package let order: Int64
    package let row: Int64
    package let ingest: Int64
    package let line: Int
    package let file: String?
    package let item: Item

    package init(order: Int64, row: Int64, ingest: Int64, line: Int, file: String?, item: Item) {
        (self.order, self.row, self.ingest, self.line, self.file, self.item) = (order, row, ingest, line, file, item)
    }

    /// Where it arrived: the ingest (in the order they ran) and the line in it.
    package var position: (Int64, Int) { (ingest, line) }
}

/// One kind of a user's stored lines, read a page at a time: `fetch` gets the last row read (nil at first) and
/// returns the next rows after it in its order, at most `limit`.
package struct ArrivalPager {
    package let fetch: (_ after: Arrival?, _ limit: Int) throws -> [Arrival]
    private var page: [Arrival] = []
    private var next = 0
    private var last: Arrival?
    private var exhausted = false

    package init(fetch: @escaping (_ after: Arrival?, _ limit: Int) throws -> [Arrival]) { self.fetch = fetch }

    package mutating func peek(_ paging: WhyPaging) throws -> Arrival? {
        if next < page.count { return page[next] }
        guard !exhausted else { return nil }
        page = try fetch(last, paging.pageSize)
        next = 0
        paging.rowsRead?(page.count)
        if page.count < paging.pageSize { exhausted = true }
        return page.first
    }

    package mutating func advance() {
        last = page[next]
        next += 1
    }
}

/// A user's stored lines in arrival order, from three pagers: events by `seq`; re-sends by their place among events
/// (after event `after_seq`), and in the order they came; conflicts (the rejects table keeps no place among events)
/// by ingest and line, before the first event that came after them. Re-sends and conflicts between the same two
/// events come in ingest and line order.
package struct ArrivalMerge {
    package let paging: WhyPaging
    private var events: ArrivalPager
    private var duplicates: ArrivalPager
    private var conflicts: ArrivalPager

    package init(paging: WhyPaging, events: @escaping (Arrival?, Int) throws -> [Arrival], duplicates: @escaping (Arrival?, Int) throws -> [Arrival],
         conflicts: @escaping (Arrival?, Int) throws -> [Arrival]) {
        self.paging = paging
        self.events = ArrivalPager(fetch: events)
        self.duplicates = ArrivalPager(fetch: duplicates)
        self.conflicts = ArrivalPager(fetch: conflicts)
    }

    package mutating func next() throws -> Arrival? {
        let e = try events.peek(paging)
        var d = try duplicates.peek(paging), c = try conflicts.peek(paging)
        if let e {
            if let x = d, x.order >= e.order { d = nil }
            if let x = c, !(x.position < e.position) { c = nil }
        }
        switch (d, c) {
        case let (d?, c?):
            if c.position < d.position { conflicts.advance(); return c }
            duplicates.advance(); return d
        case let (d?, nil): duplicates.advance(); return d
        case let (nil, c?): conflicts.advance(); return c
        case (nil, nil):
            if e != nil { events.advance() }
            return e
        }
    }
}

extension Arrival {
    /// The explanation of a user's stored lines, whichever store they come from, streamed to `consumer`: the same
    /// engine as ingest (`Explainer`) over them in arrival order, until the consumer has had enough. The events are
    /// the store's, one row per id, so the intake checks no ids (`Intake(storedEventsFor:)`) and holds none: memory
    /// does not grow with the history.
    package static func explain(_ member: Member, catalog: Catalog, zones: ZoneDirectory, arrivals: inout ArrivalMerge, today: LocalDate?,
                        program: String?, path: String, to consumer: any ExplanationConsumer) throws -> Explanation {
        let engine: Engine
        do {
            engine = try Engine(catalog: catalog, roster: Roster(members: [member]), zones: zones)
        } catch {
            throw StoreError.corrupt(path: path, reason: "\(error)")
        }
        let explainer = try Explainer(intake: Intake(storedEventsFor: engine), user: member.id, program: program, streamingTo: consumer.take)
        consumer.begin(member: member, slots: explainer.namedSlots)
        while !explainer.stopped, let a = try arrivals.next() {
            switch a.item {
            case .event(let e): explainer.take(e, file: a.file, line: a.line)
            case .duplicate(let e): explainer.duplicate(e, file: a.file, line: a.line)
            case .conflict(let eventID, let why): explainer.refused(why, id: eventID, file: a.file, line: a.line)
            }
        }
        let day = today ?? engine.zone(of: member.id)!.localDate(of: Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down))))
        return explainer.explanation(today: day, program: program)
    }
}
