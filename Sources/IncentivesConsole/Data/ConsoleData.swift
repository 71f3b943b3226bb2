import IncentivesCore

/// Exactly the questions the console's screens ask, and nothing more. Two implementations:
/// `InMemoryConsoleData` (catalog, roster and events files run through the engine: the demo, tests and
/// benchmarks) and an adapter over the SQLite store's read API. Implementations are thread-safe: the
/// live refresher asks for changes on its own thread while the UI thread reads pages.
public protocol ConsoleData: AnyObject, Sendable {
    /// What the tab bar shows as "database": a path or "demo files".
    var sourceName: String { get }
    /// The catalog the data was recorded under; the simulator rehearses with it.
    var catalog: Catalog { get }

    /// Screen 1: employers, their programs, the menu items each chose, enrolment and achievements.
    func programsOverview() -> [EmployerOverview]

    /// Screen 2: users whose id starts with `prefix` (all when empty), sorted by id.
    func searchUsers(prefix: String, limit: Int) -> [UserSummary]
    /// A user's page as of `today` (the calendar's last day); nil for an unknown id.
    func userProfile(id: String, today: LocalDate) -> UserProfile?

    /// Screen 3: one page of achievements matching the filter, in the requested order, with the total.
    func achievements(_ query: AchievementQuery) -> AchievementPage
    /// The events that prove an achievement, by day.
    func evidence(of achievement: AchievementRecord) -> [EventRecord]

    /// Screen 5: what arrived after the cursor (events and achievements), oldest first, at most `limit`
    /// of each, and the cursor to ask from next time. `LiveCursor.start` asks for the latest `limit`.
    func changes(since cursor: LiveCursor, limit: Int) -> LiveChanges

    /// Screen 6: per partner, pending / delivered / failed deliveries and the last error.
    func deliveries() -> [PartnerDeliveries]
    /// Puts a failed delivery back in the queue; false (with a reason) when it cannot be retried.
    func retryDelivery(id: String) -> Result<Void, ConsoleDataError>
}

public struct ConsoleDataError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

// MARK: - Programs

public struct EmployerOverview: Sendable {
    public let employer: Employer
    /// Users on the roster with this employer.
    public let users: Int
    public let programs: [ProgramOverview]

    public init(employer: Employer, users: Int, programs: [ProgramOverview]) {
        self.employer = employer
        self.users = users
        self.programs = programs
    }
}

public struct ProgramOverview: Sendable {
    public let program: Program
    /// Users eligible for at least one day of the program.
    public let enrolled: Int
    public let rewards: [RewardOverview]
    public var achievements: Int { rewards.reduce(0) { $0 + $1.achievements } }

    public init(program: Program, enrolled: Int, rewards: [RewardOverview]) {
        self.program = program
        self.enrolled = enrolled
        self.rewards = rewards
    }
}

public struct RewardOverview: Sendable {
    public let reward: Reward
    public let incentive: Incentive
    public let achievements: Int

    public init(reward: Reward, incentive: Incentive, achievements: Int) {
        self.reward = reward
        self.incentive = incentive
        self.achievements = achievements
    }
}

// MARK: - Users

public struct UserSummary: Sendable, Equatable {
    public let id: String
    public let employer: String?
    public let timezone: String

    public init(id: String, employer: String?, timezone: String) {
        self.id = id
        self.employer = employer
        self.timezone = timezone
    }
}

public struct UserProfile: Sendable {
    public let member: Member
    public let employerName: String?
    /// Per reward of the employer's programs, in catalog order.
    public let standings: [RewardProgress]
    /// Local days with at least one accepted event, and the days some achievement used as evidence.
    public let loggedDays: Set<LocalDate>
    public let evidenceDays: Set<LocalDate>
    public let achievements: [AchievementRecord]
    /// Newest first.
    public let recentEvents: [EventRecord]
    /// The user's latest local day with an event (the calendar falls back to it for old activity).
    public let lastActiveDay: LocalDate?

    public init(member: Member, employerName: String?, standings: [RewardProgress], loggedDays: Set<LocalDate>,
                evidenceDays: Set<LocalDate>, achievements: [AchievementRecord], recentEvents: [EventRecord], lastActiveDay: LocalDate?) {
        self.member = member
        self.employerName = employerName
        self.standings = standings
        self.loggedDays = loggedDays
        self.evidenceDays = evidenceDays
        self.achievements = achievements
        self.recentEvents = recentEvents
        self.lastActiveDay = lastActiveDay
    }
}

/// A user's standing on one reward, as the progress bars show it (from the engine or the store).
public struct RewardProgress: Sendable, Equatable {
    public let reward: String
    public let program: String
    public let incentive: String
    public let awards: Int
    public let limit: Int
    /// Days (or events) toward the next award, of those needed; full once the limit is reached.
    public let done: Int
    public let needed: Int
    /// The rule's words for it: "day 3 of 5", "2 of 3 days in March".
    public let text: String

    public init(reward: String, program: String, incentive: String, awards: Int, limit: Int, done: Int, needed: Int, text: String) {
        self.reward = reward
        self.program = program
        self.incentive = incentive
        self.awards = awards
        self.limit = limit
        self.done = done
        self.needed = needed
        self.text = text
    }

    public var limitReached: Bool { awards >= limit }

    public init(_ s: RewardStanding) {
        let (done, needed) = s.bar
        self.init(reward: s.slot.reward.reward, program: s.slot.program.id, incentive: s.slot.incentive.id,
                  awards: s.awards, limit: s.slot.reward.limit, done: done, needed: needed, text: s.progressText)
    }
}

// MARK: - Events and achievements

/// An accepted event with its place in the log and the user's local day.
public struct EventRecord: Sendable, Equatable {
    public let sequence: Int
    public let event: Event
    public let localDay: LocalDate

    public init(sequence: Int, event: Event, localDay: LocalDate) {
        self.sequence = sequence
        self.event = event
        self.localDay = localDay
    }
}

public struct AchievementRecord: Sendable, Equatable {
    public let sequence: Int
    public let achievement: Achievement

    public init(sequence: Int, achievement: Achievement) {
        self.sequence = sequence
        self.achievement = achievement
    }
}

public enum AchievementSort: String, Sendable, CaseIterable {
    case recorded, completedOn, user, program, reward

    public var label: String {
        switch self {
        case .recorded: return "recorded"
        case .completedOn: return "completed"
        case .user: return "user"
        case .program: return "program"
        case .reward: return "reward"
        }
    }
}

public struct AchievementQuery: Sendable, Equatable {
    public var employer: String?
    public var program: String?
    public var incentive: String?
    /// A user id prefix.
    public var user: String?
    public var from: LocalDate?
    public var through: LocalDate?
    public var sort: AchievementSort = .recorded
    public var descending = true
    public var offset = 0
    public var limit = 100

    public init() {}
}

public struct AchievementPage: Sendable {
    public let rows: [AchievementRecord]
    public let total: Int

    public init(rows: [AchievementRecord], total: Int) {
        self.rows = rows
        self.total = total
    }
}

// MARK: - Live

public struct LiveCursor: Sendable, Equatable {
    public var event: Int
    public var achievement: Int
    /// "Show me the latest": the first question the live screen asks.
    public static let start = LiveCursor(event: -1, achievement: -1)

    public init(event: Int, achievement: Int) {
        self.event = event
        self.achievement = achievement
    }
}

public struct LiveChanges: Sendable {
    public let events: [EventRecord]
    public let achievements: [AchievementRecord]
    public let cursor: LiveCursor
    /// Totals in the whole data set, for the header.
    public let totalEvents: Int
    public let totalAchievements: Int
    /// Rows that arrived since the cursor but older than the newest `limit`: counted, not fetched, so the
    /// screen shows the newest rows at once whatever the ingest's speed.
    public let skipped: Int

    public init(events: [EventRecord], achievements: [AchievementRecord], cursor: LiveCursor, totalEvents: Int, totalAchievements: Int,
                skipped: Int = 0) {
        self.events = events
        self.achievements = achievements
        self.cursor = cursor
        self.totalEvents = totalEvents
        self.totalAchievements = totalAchievements
        self.skipped = skipped
    }
}

// MARK: - Deliveries

public enum DeliveryStatus: String, Sendable {
    case pending, delivered, failed
}

public struct DeliveryRecord: Sendable, Equatable {
    public let id: String
    public let partner: String
    public let achievementID: String
    public let user: String
    public let reward: String
    public let status: DeliveryStatus
    public let attempts: Int
    public let lastError: String?

    public init(id: String, partner: String, achievementID: String, user: String, reward: String,
                status: DeliveryStatus, attempts: Int, lastError: String?) {
        self.id = id
        self.partner = partner
        self.achievementID = achievementID
        self.user = user
        self.reward = reward
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
    }
}

public struct PartnerDeliveries: Sendable {
    public let partnerID: String
    public let partnerName: String
    public let pending: Int
    public let delivered: Int
    public let failed: Int
    public let lastError: String?
    /// The failed ones (newest first), which the screen lists and can retry.
    public let failures: [DeliveryRecord]

    public init(partnerID: String, partnerName: String, pending: Int, delivered: Int, failed: Int, lastError: String?, failures: [DeliveryRecord]) {
        self.partnerID = partnerID
        self.partnerName = partnerName
        self.pending = pending
        self.delivered = delivered
        self.failed = failed
        self.lastError = lastError
        self.failures = failures
    }
}
