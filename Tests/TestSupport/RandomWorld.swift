// Small random worlds for comparing the engine with `ReferenceModel` (issue 26, item 2): every kind (single,
// streak, days_in_window, days_in_period week and month), categories, 1–2 employers × 1–3 programs with edges a
// few days apart, limits 1–4, points and tiers, users in awkward zones with eligibility edges or no employer,
// events with runs of days in shuffled order (late arrivals), exact duplicates, id conflicts and unknown users.
// Shared by the tests (seeded `SplitMix64`) and the fuzz package (the fuzzer's bytes): Tests/Fuzz/Support/RandomWorld.swift
// is a symlink to this file.
import IncentivesCore

/// Where a world's choices come from.
public protocol WorldDice {
    /// A number in 0..<n (n ≥ 1).
    mutating func roll(_ n: Int) -> Int
}

extension WorldDice {
    mutating func within(_ r: ClosedRange<Int>) -> Int { r.lowerBound + roll(r.count) }
    mutating func odds(_ inEight: Int) -> Bool { roll(8) < inEight }
    mutating func any<T>(_ options: [T]) -> T { options[roll(options.count)] }
}

/// Dice from a seeded `SplitMix64`, for the tests.
public struct SeededDice: WorldDice {
    private var generator: SplitMix64
    public init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    public mutating func roll(_ n: Int) -> Int { n <= 1 ? 0 : Int(generator.next() % UInt64(n)) }
}

public struct RandomWorld {
    public var catalog: Catalog
    public var members: [Member]
    public var events: [Event]
    /// The same points and tiers as `catalog`'s, in the model's own input form (it reads nothing else of them).
    /// When it does, `make` puts them in both, and the comparison passes them to the model.
    public var points: ReferencePoints

    public static let zones = [
        "UTC", "America/Chicago", "Asia/Kolkata", "Asia/Kathmandu", "Pacific/Kiritimati", "Pacific/Apia",
        "Pacific/Pago_Pago", "Australia/Lord_Howe", "America/St_Johns", "Europe/Dublin", "America/Sao_Paulo", "Asia/Tokyo",
    ]
    static let categories = ["sleep", "mood", "steps"]
    /// A Sunday, the last day of a month: week and month periods start and end near it.
    static let base = LocalDate(year: 2026, month: 2, day: 28)!

    public static func make<D: WorldDice>(_ d: inout D) -> RandomWorld {
        var incentives: [Incentive] = []
        for i in 0..<d.within(1...4) {
            let type: EventType = d.odds(6) ? .healthDataLogged : .birthReported
            var categories: Set<String>?
            if type == .healthDataLogged, d.odds(3) {
                var c = Set(Self.categories.filter { _ in d.odds(4) })
                if c.isEmpty { c = ["sleep"] }
                categories = c
            }
            let rule: any IncentiveRule
            switch d.roll(5) {
            case 0: rule = SingleEventRule()
            case 1: rule = StreakRule(days: d.within(1...5))
            case 2:
                let window = d.within(1...8)
                rule = DaysInWindowRule(days: d.within(1...window), window: window)
            case 3: rule = DaysInPeriodRule(days: d.within(1...4), period: .week)
            default: rule = DaysInPeriodRule(days: d.within(1...6), period: .month)
            }
            incentives.append(Incentive(id: "i\(i)", name: "i\(i)", event: type, categories: categories, rule: rule))
        }
        var employers: [Employer] = []
        var points = ReferencePoints()
        for e in 0..<d.within(1...2) {
            var programs: [Program] = []
            for p in 0..<d.within(1...3) {
                let starts = base.adding(days: d.within(-4...8))
                let ends = starts.adding(days: d.within(0...30))
                var rewards: [Reward] = []
                var rewardPoints: [Int] = []
                for r in 0..<d.within(1...3) {
                    let incentive = incentives[d.roll(incentives.count)].id, limit = d.within(1...4)
                    let pts = d.odds(2) ? 0 : d.within(1...40)
                    rewards.append(Reward(incentive: incentive, reward: "r\(e)\(p)\(r)", limit: limit, points: pts))
                    rewardPoints.append(pts)
                }
                var tiers: [ReferencePoints.Tier] = []
                var floor = 0
                for t in 0..<d.roll(4) {
                    floor += d.within(1...60)
                    tiers.append(.init(id: "t\(t)", points: floor, reward: "tier\(e)\(p)\(t)"))
                }
                programs.append(Program(id: "p\(e)\(p)", name: "p", starts: starts, ends: ends, rewards: rewards,
                                        tiers: tiers.map { Tier(id: $0.id, points: $0.points, reward: $0.reward) }))
                points.rewardPoints["emp\(e)", default: [:]]["p\(e)\(p)"] = rewardPoints
                points.tiers["emp\(e)", default: [:]]["p\(e)\(p)"] = tiers
            }
            employers.append(Employer(id: "emp\(e)", name: "emp", programs: programs))
        }
        var members: [Member] = []
        for m in 0..<d.within(1...5) {
            let employer: String? = d.odds(7) ? employers[d.roll(employers.count)].id : nil
            let from = base.adding(days: d.within(-6...10))
            let until: LocalDate? = d.odds(3) ? from.adding(days: d.within(0...20)) : nil
            members.append(Member(id: "u\(m)", employer: employer, timezone: d.any(zones), eligibleFrom: from, eligibleUntil: until))
        }
        var events: [Event] = []
        func instant(_ dayOffset: Int, _ d: inout D) -> Instant {
            // Half-hours and a few seconds either side, so that local midnights in every zone are crossed.
            let seconds = Int64(base.dayNumber) * 86_400 + Int64(dayOffset) * 86_400 + Int64(d.roll(48)) * 1_800
                + Int64(d.odds(2) ? d.within(-2...2) : 0)
            return Instant(seconds: seconds, nanoseconds: d.odds(1) ? Int32(d.within(1...999_999_999)) : 0)
        }
        var nextID = 0
        let count = d.within(0...120)
        while events.count < count {
            if !events.isEmpty, d.odds(1) {
                events.append(events[d.roll(events.count)]) // an exact duplicate, perhaps much later
                continue
            }
            let user = d.odds(7) ? members[d.roll(members.count)].id : "stranger"
            let type: EventType = d.odds(7) ? .healthDataLogged : .birthReported
            let category = type.needsCategory ? (d.odds(7) ? d.any(Self.categories) : "other") : nil
            // Mostly fresh ids; now and then one from the pool, which conflicts unless the content matches.
            func id(_ d: inout D) -> String {
                if nextID > 0, d.roll(16) == 0 { return "e\(d.roll(nextID))" }
                nextID += 1
                return "e\(nextID - 1)"
            }
            if d.odds(2) {
                // A run of consecutive days for one user, in shuffled order: late events fill its gaps.
                let first = d.within(-4...30)
                var days = (0..<d.within(2...7)).map { first + $0 }
                for i in stride(from: days.count - 1, to: 0, by: -1) { days.swapAt(i, d.roll(i + 1)) }
                for day in days where events.count < count {
                    events.append(Event(id: id(&d), type: type, user: user, at: instant(day, &d), category: category))
                }
            } else {
                events.append(Event(id: id(&d), type: type, user: user, at: instant(d.within(-5...34), &d), category: category))
            }
        }
        return RandomWorld(catalog: Catalog(incentives: incentives, employers: employers), members: members, events: events, points: points)
    }

    /// The world in a few lines, for a failure's message.
    public var description: String {
        var s = "incentives: " + catalog.incentives.map { "\($0.id) \(type(of: $0.rule).kind) \($0.rule.parameters.map(\.description)) \($0.event.rawValue) \($0.categories.map { $0.sorted().description } ?? "")" }.joined(separator: "; ")
        for e in catalog.employers {
            for p in e.programs {
                s += "\n\(e.id)/\(p.id) \(p.starts)…\(p.ends): " + p.rewards.map { "\($0.incentive)→\($0.reward) ×\($0.limit)" }.joined(separator: ", ")
            }
        }
        s += "\nmembers: " + members.map { "\($0.id) \($0.employer ?? "-") \($0.timezone) \($0.eligibleFrom)…\($0.eligibleUntil?.description ?? "")" }.joined(separator: "; ")
        s += "\nevents:\n" + events.enumerated().map { "  \($0.offset): \($0.element.id) \($0.element.type.rawValue) \($0.element.user) \($0.element.at) \($0.element.category ?? "")" }.joined(separator: "\n")
        return s
    }
}
