import Foundation
import IncentivesCore

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
