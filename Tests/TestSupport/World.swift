import IncentivesCore

/// Builds small worlds in code: one employer, one program, the rewards under test, and members.
public struct World {
    public var incentives: [Incentive] = []
    public var rewards: [Reward] = []
    public var employer = (id: "acme", name: "Acme")
    public var program = (id: "p", name: "Program")
    public var programStarts = "2026-01-01"
    public var programEnds = "2028-12-31"
    public var members: [Member] = []
    /// The program's points ladder (CONTRACT §1 "Points and tiers").
    public var tiers: [Tier] = []

    public init() {}

    /// An incentive on the menu (named by its id unless `name` says otherwise) and its reward in the program.
    public mutating func offer(_ id: String, _ rule: any IncentiveRule, name: String? = nil, event: EventType = .healthDataLogged,
                               categories: Set<String>? = nil, reward: String? = nil, limit: Int = 1, points: Int = 0) {
        incentives.append(Incentive(id: id, name: name ?? id, event: event, categories: categories, rule: rule))
        rewards.append(Reward(incentive: id, reward: reward ?? "prize for \(id)", limit: limit, points: points))
    }

    public mutating func member(_ id: String, zone: String = "UTC", from: String = "2020-01-01", until: String? = nil, employer: String? = "acme") {
        members.append(Member(id: id, employer: employer, timezone: zone, eligibleFrom: Self.day(from), eligibleUntil: until.map(Self.day)))
    }

    public func catalog() -> Catalog {
        let program = Program(id: program.id, name: program.name, starts: Self.day(programStarts), ends: Self.day(programEnds), rewards: rewards, tiers: tiers)
        return Catalog(incentives: incentives, employers: [Employer(id: employer.id, name: employer.name, programs: [program])])
    }

    public func roster() -> Roster { Roster(members: members) }

    public func engine() throws -> Engine {
        try Engine(catalog: catalog(), roster: roster())
    }

    private static func day(_ s: String) -> LocalDate {
        guard let d = LocalDate(iso: s) else { fatalError("bad test date \(s)") }
        return d
    }
}
