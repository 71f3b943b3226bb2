import IncentivesCore

/// The simulator's private world: the open database's catalog, a roster of test users only, and for each
/// user an `Explainer` over its own intake and engine (the pipeline `replay` and `ingest` use), so that every
/// event logged says what it did to every reward. Nothing here is written anywhere; closing the console
/// forgets it.
public final class Sandbox {
    public let catalog: Catalog
    public private(set) var members: [Member] = []
    /// One per member, in the same order. Test users never share an event, so each runs alone.
    private var explainers: [Explainer] = []
    private var log: [Event] = []
    private var nextEvent = 1
    let zones = ZoneDirectory()

    public init(catalog: Catalog) {
        self.catalog = catalog
    }

    /// What one logged event did: the event, what it earned, and one line per reward it reached.
    public struct Logged {
        public let event: Event
        public let earned: [Achievement]
        public let lines: [ExplanationLine]
        /// The rewards the lines' `slotIndex` names.
        public let slots: [RewardSlot]
    }

    /// Adds a test user with a fresh engine of their own.
    @discardableResult
    public func addUser(employer: String?, zone: String, eligibleFrom: LocalDate) -> Member {
        let member = Member(id: "test-\(members.count + 1)", employer: employer, timezone: zone, eligibleFrom: eligibleFrom, eligibleUntil: nil)
        members.append(member)
        // The catalog already validated and the zones come from a fixed list, so neither can fail.
        let engine = try! Engine(catalog: catalog, roster: Roster(members: [member]), zones: zones)
        explainers.append(try! Explainer(intake: Intake(engine: engine), user: member.id))
        return member
    }

    private func explainer(of user: String) -> Explainer? {
        members.firstIndex { $0.id == user }.map { explainers[$0] }
    }

    /// The instant a wall clock in the user's zone shows `secondOfDay` on `day`, through the core's zone rules
    /// (the same rules `replay` reads a local day with), and whether that time was unique, happened twice or was
    /// skipped by a DST change. Not the day's start plus elapsed seconds: on a 23- or 25-hour day those differ.
    public func instant(day: LocalDate, secondOfDay: Int, user: Member) -> (instant: Instant, resolution: ZoneRules.Resolution) {
        guard let rules = zones.rules(for: user.timezone) else {
            return (Instant(seconds: Int64(day.dayNumber) * 86_400 + Int64(secondOfDay)), .exact)
        }
        return rules.instant(day: day, secondOfDay: secondOfDay)
    }

    /// The UTC offset in the user's zone at an instant (0 for a zone the rules do not know).
    public func offset(at instant: Instant, user: Member) -> Int {
        zones.rules(for: user.timezone)?.offset(at: instant) ?? 0
    }

    /// Every event sent so far, in the order sent (resends included), as `replay` would read them.
    public var events: [Event] { log }

    /// Gives a test user another employer (nil for none): the user keeps their id, zone and events, and a fresh
    /// engine reads their events again under the new employer's programs, as `replay` would with that roster.
    @discardableResult
    public func changeEmployer(of user: String, to employer: String?, eligibleFrom: LocalDate) -> Member? {
        guard let i = members.firstIndex(where: { $0.id == user }) else { return nil }
        let old = members[i]
        let member = Member(id: old.id, employer: employer, timezone: old.timezone, eligibleFrom: min(old.eligibleFrom, eligibleFrom), eligibleUntil: old.eligibleUntil)
        members[i] = member
        let engine = try! Engine(catalog: catalog, roster: Roster(members: [member]), zones: zones)
        let explainer = try! Explainer(intake: Intake(engine: engine), user: member.id)
        for event in log where event.user == member.id { _ = Array(explainer.take(event)) }
        explainers[i] = explainer
        return member
    }

    /// Logs one new event (a fresh id) through the user's intake, as the real ingest would.
    public func log(type: EventType, category: String?, user: Member, at: Instant) -> Logged {
        let event = Event(id: "sim-\(nextEvent)", type: type, user: user.id, at: at, category: category)
        nextEvent += 1
        return send(event)
    }

    /// Sends an event as given, id and all: a copy of an earlier one is a duplicate, the same id with other
    /// content a conflict, and the intake says so as it would in `ingest`.
    public func send(_ event: Event) -> Logged {
        log.append(event)
        guard let explainer = explainer(of: event.user) else { return Logged(event: event, earned: [], lines: [], slots: []) }
        let lines = Array(explainer.take(event))
        let earned = lines.compactMap { line -> Achievement? in
            switch line.outcome {
            case .earned(let a), .tierReached(let a): return a
            default: return nil
            }
        }
        awarded += earned
        return Logged(event: event, earned: earned, lines: lines, slots: explainer.rewardSlots)
    }

    public func standings(of user: Member, today: LocalDate) -> [RewardStanding] {
        explainer(of: user.id)?.engine.standings(of: user.id, today: today) ?? []
    }

    public func localDay(of event: Event) -> LocalDate? { explainer(of: event.user)?.engine.localDate(of: event.at, for: event.user) }

    public var eventCount: Int { log.count }

    /// Every award the rehearsal earned, in order.
    public private(set) var awarded: [Achievement] = []

    /// The rehearsal as files `replay` runs: the test users as roster lines and every event sent (resends too)
    /// as event lines, each time written with the offset the user's zone had then. `replay --catalog` with the
    /// open catalog over them records what the feed announced.
    public func exportLines() -> (roster: [String], events: [String]) {
        let roster = members.map { m in
            "{\"id\": \(JSONText.quote(m.id)), \"employer\": \(m.employer.map(JSONText.quote) ?? "null"), \"timezone\": \(JSONText.quote(m.timezone)), \"eligibleFrom\": \"\(m.eligibleFrom.iso)\"}"
        }
        let events = log.map { e -> String in
            let offset = zones.rules(for: members.first { $0.id == e.user }?.timezone ?? "UTC")?.offset(at: e.at) ?? 0
            var line = "{\"id\": \(JSONText.quote(e.id)), \"type\": \"\(e.type.rawValue)\", \"user\": \(JSONText.quote(e.user)), \"at\": \"\(e.at.rfc3339(offsetSeconds: offset))\""
            if let c = e.category { line += ", \"category\": \(JSONText.quote(c))" }
            return line + "}"
        }
        return (roster, events)
    }
}
