import Foundation
import IncentivesCore

extension StoreReader {
    /// Why each of a user's events earned, counted or not, reward by reward; nil when the user is not on the
    /// roster. The user's stored events are replayed in arrival order through the same admission and engine as
    /// ingest (`Explainer`), from no progress, so the explanation cannot disagree with the stored awards made
    /// under the same catalog. Conflicts come from the rejects table (placed after the line they arrived on);
    /// duplicates are not stored, so they do not appear; nor do lines refused before their user was known.
    /// `today`: the local day next steps are judged on (default: the user's today); `program`: see `Explainer`.
    public func explain(user id: String, today: LocalDate? = nil, program: String? = nil) throws -> Explanation? {
        try db.snapshot {
            guard let member = try db.row("SELECT \(StoredConfiguration.memberColumns) FROM members WHERE id = ?", .text(id),
                                          map: { try StoredConfiguration.member($0) }) else { return nil }
            var arrivals: [Arrival] = []
            var ids: Set<String> = []
            let s = try db.prepare("""
                SELECT e.id, e.type, e.at_s, e.at_nanos, e.category, i.source, e.line, e.ingest FROM events e LEFT JOIN ingests i ON i.id = e.ingest
                WHERE e.user_key = \(UserKeys.keyOfUser) ORDER BY e.seq
                """)
            try s.bind(1, member.id)
            defer { s.reset() }
            while try s.step() {
                guard let type = EventType(rawValue: s.text(1)) else { continue }
                let event = Event(id: s.text(0), type: type, user: member.id, at: try ProgressLog.instant(s, 2), category: s.optionalText(4))
                ids.insert(event.id)
                arrivals.append(Arrival(ingest: s.int64(7), line: s.int(6), file: s.optionalText(5), item: .event(event)))
            }
            if !ids.isEmpty {
                // The rejects table names the id of a refused event, not its user: a conflict is this user's when
                // it names one of their accepted ids (the first one stands, so it arrived after it).
                let r = try db.prepare("SELECT ingest, line, file, reason, text, field FROM rejects WHERE code = 'conflict'")
                defer { r.reset() }
                while try r.step() {
                    guard let eventID = r.optionalText(4), ids.contains(eventID) else { continue }
                    let why = Rejection(.conflict, field: nil, r.text(3))
                    arrivals.append(Arrival(ingest: r.int64(0), line: r.int(1), file: r.text(2), item: .conflict(eventID, why)))
                }
            }
            return try Arrival.explanation(of: member, catalog: catalog, zones: zones, arrivals: arrivals, today: today, program: program,
                                           path: db.path)
        }
    }
}

/// One stored line of a user, placed by the ingest and line it arrived on (either store's).
struct Arrival {
    enum Item {
        case event(Event)
        case conflict(String, Rejection)
    }

    let ingest: Int64
    let line: Int
    let file: String?
    let item: Item
}

extension Arrival {
    /// The explanation of a user's stored lines, whichever store they come from: the same admission and engine
    /// as ingest (`Explainer`) over them in arrival order.
    static func explanation(of member: Member, catalog: Catalog, zones: ZoneDirectory, arrivals: [Arrival], today: LocalDate?,
                            program: String?, path: String) throws -> Explanation {
        let engine: Engine
        do {
            engine = try Engine(catalog: catalog, roster: Roster(members: [member]), zones: zones)
        } catch {
            throw StoreError.corrupt(path: path, reason: "\(error)")
        }
        let explainer = try Explainer(intake: Intake(engine: engine), user: member.id)
        // Arrival order: ingests in the order they ran, lines in file order (events are already in it).
        let sorted = arrivals.sorted { ($0.ingest, $0.line) < ($1.ingest, $1.line) }
        for a in sorted {
            switch a.item {
            case .event(let e): explainer.take(e, file: a.file, line: a.line)
            case .conflict(let eventID, let why): explainer.refused(why, id: eventID, file: a.file, line: a.line)
            }
        }
        let day = today ?? engine.zone(of: member.id)!.localDate(of: Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down))))
        return explainer.explanation(today: day, program: program)
    }
}
