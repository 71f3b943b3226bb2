/// Everything `incentives user` and the console's user page show about one user.
public struct UserProfile: Sendable, Equatable {
    public let member: Member
    public let employerName: String?
    /// The user's local day used as "today" for progress.
    public let today: LocalDate
    public let eligibleToday: Bool
    public let standings: [StandingRecord]
    /// In recording order.
    public let achievements: [AchievementRecord]
    /// Newest first.
    public let recentEvents: [EventRecord]
    public let eventCount: Int
    /// The user's points per program that has them (CONTRACT §1 "Points and tiers"), in catalog order.
    public let points: [PointsRecord]

    public init(member: Member, employerName: String?, today: LocalDate, eligibleToday: Bool, standings: [StandingRecord],
                achievements: [AchievementRecord], recentEvents: [EventRecord], eventCount: Int, points: [PointsRecord] = []) {
        self.points = points
        self.member = member
        self.employerName = employerName
        self.today = today
        self.eligibleToday = eligibleToday
        self.standings = standings
        self.achievements = achievements
        self.recentEvents = recentEvents
        self.eventCount = eventCount
    }
}

/// A user's standing on one reward of their employer's programs, in the rule's own words.
public struct StandingRecord: Sendable, Equatable {
    public let employer: String
    public let program: String
    public let programName: String
    public let incentive: String
    public let incentiveName: String
    /// The catalog's `kind` (as the rule names itself).
    public let kind: String
    public let reward: String
    public let limit: Int
    /// Awards earned so far (at most `limit`).
    public let awards: Int
    /// Progress toward the next award: `done` of `needed` (nil when no qualifying event was seen yet).
    public let done: Int?
    public let needed: Int
    /// The same in the rule's words: "day 3 of 5", "2 of 3 days in March".
    public let progress: String
    /// The latest local day that counted, if any.
    public let lastDay: LocalDate?
    /// Days counted toward this reward (used and unused), for calendars.
    public let countedDays: [LocalDate]
    public let usedDays: [LocalDate]
    /// For people: "day 3 of 5, last logged Tue 4 Mar (America/Chicago)", "earned 1/1", ...
    public let summary: String

    public var limitReached: Bool { awards >= limit }

    /// From the engine's standing; `zone` names the user's zone in the summary.
    public init(_ s: RewardStanding, zone: String) {
        employer = s.slot.employer.id
        program = s.slot.program.id
        programName = s.slot.program.name
        incentive = s.slot.incentive.id
        incentiveName = s.slot.incentive.name
        kind = type(of: s.slot.incentive.rule).kind
        reward = s.slot.reward.reward
        limit = s.slot.reward.limit
        awards = s.awards
        done = s.status?.done
        needed = s.outlook.needed
        progress = s.progressText
        lastDay = s.status?.lastDay
        countedDays = s.countedDays
        usedDays = s.usedDays
        summary = Self.describe(s, zone: zone)
    }

    /// "day 3 of 5, last logged Tue 4 Mar (America/Chicago)": the rule words the progress, this adds
    /// what every kind shares.
    static func describe(_ s: RewardStanding, zone: String) -> String {
        let limit = s.slot.reward.limit
        if s.limitReached { return "earned \(s.awards)/\(limit), limit reached" }
        var parts = [s.progressText]
        if s.awards > 0 { parts.append("earned \(s.awards)/\(limit)") }
        if let last = s.status?.lastDay { parts.append("last logged \(DayFormat.short(last)) (\(zone))") }
        else { parts.append("nothing logged yet") }
        return parts.joined(separator: ", ")
    }

    /// The progress bar's fill: `done` of `needed`, full once the limit is reached.
    public var bar: (done: Int, needed: Int) {
        (limitReached ? needed : min(done ?? 0, needed), needed)
    }
}

/// A user's points in one program and where they stand on its ladder.
public struct PointsRecord: Sendable, Equatable {
    public let program: String
    public let programName: String
    public let total: Int
    /// The ids of the tiers reached, in the ladder's order.
    public let reached: [String]
    /// The next tier to reach; nil when every tier is reached or the program has none.
    public let next: Tier?
    /// "70 of 100 points to silver".
    public let text: String

    public init(_ s: PointsStanding) {
        program = s.program.id
        programName = s.program.name
        total = s.total
        reached = s.reached.map(\.id)
        next = s.next
        text = s.text
    }

    /// The progress bar's fill toward the next tier (full when every tier is reached).
    public var bar: (done: Int, needed: Int) {
        guard let next else { return (1, 1) }
        return (min(total, next.points), next.points)
    }
}
