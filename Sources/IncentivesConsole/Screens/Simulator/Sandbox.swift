import IncentivesCore

/// The simulator's private world: the open database's catalog, a roster of test users only, and its
/// own engine and intake. Nothing here is written anywhere; closing the console forgets it.
public final class Sandbox {
    public let catalog: Catalog
    public private(set) var members: [Member] = []
    private var intake: Intake
    /// Every event logged so far, replayed when a user is added (the engine's roster is fixed at start).
    private var log: [Event] = []
    private var nextEvent = 1
    let zones = ZoneDirectory()

    public init(catalog: Catalog) {
        self.catalog = catalog
        intake = Intake(engine: try! Engine(catalog: catalog, roster: Roster(members: [])))
    }

    /// Adds a test user and rebuilds the engine with the same history.
    @discardableResult
    public func addUser(employer: String?, zone: String, eligibleFrom: LocalDate) -> Member {
        let member = Member(id: "test-\(members.count + 1)", employer: employer, timezone: zone, eligibleFrom: eligibleFrom, eligibleUntil: nil)
        members.append(member)
        // The catalog already validated and the zones come from a fixed list, so this cannot fail.
        intake = Intake(engine: try! Engine(catalog: catalog, roster: Roster(members: members), zones: zones))
        for e in log { _ = intake.take(e) }
        return member
    }

    /// The instant of a local day and time of day in the user's zone.
    public func instant(day: LocalDate, secondOfDay: Int, user: Member) -> Instant {
        let start = zones.rules(for: user.timezone)?.startOfDay(day) ?? Instant(seconds: Int64(day.dayNumber) * 86_400)
        return Instant(seconds: start.seconds + Int64(secondOfDay))
    }

    /// Logs one event through the intake, as the real ingest would; returns the event and what it earned.
    public func log(type: EventType, category: String?, user: Member, at: Instant) -> (Event, [Achievement]) {
        let event = Event(id: "sim-\(nextEvent)", type: type, user: user.id, at: at, category: category)
        nextEvent += 1
        log.append(event)
        if case .accepted(let earned) = intake.take(event) { return (event, earned) }
        return (event, [])
    }

    public func standings(of user: Member, today: LocalDate) -> [RewardStanding] {
        intake.engine.standings(of: user.id, today: today)
    }

    public func localDay(of event: Event) -> LocalDate? { intake.engine.localDate(of: event.at, for: event.user) }

    public var eventCount: Int { log.count }
}
