/// One item on the menu that every employer chooses from ("log health data 5 days in a row").
public struct Incentive: Sendable {
    public let id: String
    public let name: String
    /// Which events count: this type, and for `health_data_logged` optionally only these categories.
    public let event: EventType
    public let categories: Set<String>?
    /// When the qualifying events add up to an award.
    public let rule: any IncentiveRule

    public init(id: String, name: String, event: EventType, categories: Set<String>?, rule: any IncentiveRule) {
        self.id = id
        self.name = name
        self.event = event
        self.categories = categories
        self.rule = rule
        definition = Self.definition(id: id, event: event, categories: categories, rule: rule)
    }

    /// What the incentive asks, without its display name: the kind, its parameters, the event type and the
    /// categories. Two catalogs whose incentive has the same definition ask the same thing (a renamed incentive
    /// keeps its users' progress; 5 days → 7 days does not). Made once, with the incentive.
    public let definition: String

    static func definition(id: String, event: EventType, categories: Set<String>?, rule: any IncentiveRule) -> String {
        var parts = [id, type(of: rule).kind, event.rawValue]
        parts += rule.parameters.map(\.description)
        if let categories { parts.append("categories=" + categories.sorted().joined(separator: ",")) }
        return parts.joined(separator: "\u{1f}")
    }

    /// Whether an event of this type and category is one this incentive counts.
    public func counts(_ type: EventType, category: String?) -> Bool {
        guard type == event else { return false }
        guard let categories else { return true }
        guard let category else { return false }
        return categories.contains(category)
    }
}

/// An employer's pick from the menu, with what the user gets and how many times.
public struct Reward: Sendable {
    public let incentive: String
    public let reward: String
    public let limit: Int
    /// Added to the user's point total in the program by every award of this reward (0: none; CONTRACT §1).
    public let points: Int
    /// The first local day that counts for this reward when a later catalog version added it (or changed what
    /// its incentive asks) mid-program: days before it do not count. nil: the program's start. Not part of
    /// catalog.json: the store sets it from its catalog versions (`--effective`).
    public let countsFrom: LocalDate?
    /// The catalog version that introduced the reward as it is defined now (1: the first); its awards carry it
    /// (`Achievement.generation`). Set by the store with `countsFrom`.
    public let generation: Int
    /// What one award costs the employer (`"cost"` in catalog.json; nil: not given). Feeds reports only.
    public let cost: Money?

    public init(incentive: String, reward: String, limit: Int = 1, points: Int = 0, countsFrom: LocalDate? = nil, generation: Int = 1,
                cost: Money? = nil) {
        self.cost = cost
        self.incentive = incentive
        self.reward = reward
        self.limit = limit
        self.points = points
        self.countsFrom = countsFrom
        self.generation = generation
    }

    /// The same reward introduced by catalog version `generation` on `day` (nil: from the start).
    public func introduced(_ generation: Int, on day: LocalDate?) -> Reward {
        Reward(incentive: incentive, reward: reward, limit: limit, points: points, countsFrom: day, generation: generation, cost: cost)
    }
}

/// A program runs between two inclusive local dates and offers rewards.
public struct Program: Sendable {
    public let id: String
    public let name: String
    public let starts: LocalDate
    public let ends: LocalDate
    public let rewards: [Reward]
    /// The points ladder, lowest first (empty: the program has none). Points are still totalled without tiers.
    public let tiers: [Tier]

    public init(id: String, name: String, starts: LocalDate, ends: LocalDate, rewards: [Reward], tiers: [Tier] = []) {
        self.id = id
        self.name = name
        self.starts = starts
        self.ends = ends
        self.rewards = rewards
        self.tiers = tiers
    }

    /// Whether any reward of the program adds points: only then does the engine keep a point total for it.
    public var hasPoints: Bool { rewards.contains { $0.points > 0 } }
}

public struct Employer: Sendable {
    public let id: String
    public let name: String
    public let programs: [Program]

    public init(id: String, name: String, programs: [Program]) {
        self.id = id
        self.name = name
        self.programs = programs
    }
}

/// The menu and the employers' programs, validated as a whole (see `IncentivesInput.CatalogDecoder`).
public struct Catalog: Sendable {
    public let incentives: [Incentive]
    public let employers: [Employer]
    /// Reward partners; empty when the catalog names none.
    public let partners: [Partner]
    private let incentiveIndex: [String: Int]
    private let employerIndex: [String: Int]

    public init(incentives: [Incentive], employers: [Employer], partners: [Partner] = []) {
        self.incentives = incentives
        self.employers = employers
        self.partners = partners
        var ii: [String: Int] = [:]
        for (i, inc) in incentives.enumerated() where ii[inc.id] == nil { ii[inc.id] = i }
        var ei: [String: Int] = [:]
        for (i, e) in employers.enumerated() where ei[e.id] == nil { ei[e.id] = i }
        incentiveIndex = ii
        employerIndex = ei
    }

    public func incentive(_ id: String) -> Incentive? { incentiveIndex[id].map { incentives[$0] } }
    public func employer(_ id: String) -> Employer? { employerIndex[id].map { employers[$0] } }
    public func partner(_ id: String) -> Partner? { partners.first { $0.id == id } }

    /// The partners that must receive an achievement, in catalog order.
    public func partners(for achievement: Achievement) -> [Partner] {
        partners.filter { $0.serves(employer: achievement.employer, reward: achievement.reward) }
    }
}
