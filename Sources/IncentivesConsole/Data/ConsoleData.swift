import Foundation
import IncentivesCore

/// Exactly the questions the console's screens ask, and nothing more, answered with the core's read models
/// (`EventRecord`, `AchievementRecord`, `StandingRecord`...). Two implementations: `InMemoryConsoleData`
/// (catalog, roster and events files run through the engine: the demo, tests and benchmarks) and
/// `ReaderConsoleData` over any store's `StoreReading` (the console never sees a database). Implementations are thread-safe: the
/// live refresher asks for changes on its own thread while the UI thread reads pages.
public protocol ConsoleData: AnyObject, Sendable {
    /// What the tab bar shows as "database": a path or "demo files".
    var sourceName: String { get }
    /// The catalog the data was recorded under; the simulator rehearses with it.
    var catalog: Catalog { get }

    /// Screen 1: employers, their programs, the menu items each chose, enrolment and achievements.
    func programsOverview() -> [EmployerOverview]
    /// The catalog versions, oldest first (the last is `catalog`'s).
    func catalogVersions() -> [CatalogVersion]
    /// What `proposed` would have awarded over the data's events, beside the current catalog (`CatalogPreview`);
    /// a failure says why.
    func preview(_ proposed: Catalog) -> Result<[CatalogPreview.Row], ConsoleDataError>

    /// Screen 1's report pane (`r`): the program's participation per month (`incentives report`'s rows, issue 25);
    /// a failure says why.
    func participation(employer: String, program: String) -> Result<[ParticipationRow], ConsoleDataError>
    /// The Reports screen (7): `program`'s participation per month (as `participation`) and where the employer's
    /// eligible users stand on the way to each of its rewards on `asOf` (`incentives report --funnel --to`), asked
    /// together so that a store reads the events once; a failure says why.
    func employerReport(employer: String, program: String, asOf: LocalDate) -> Result<EmployerReport, ConsoleDataError>

    /// Screen 2: one page of the users matching the query (id order), with how many match in all.
    func users(_ query: UserQuery) -> UserList
    /// The same, narrowed to the users in `state` as of `today` (`UserStateFilter`: the same answer from memory and
    /// from either store).
    func users(_ query: UserQuery, in state: UserStateFilter, today: LocalDate) -> UserList
    /// A user's page as of `today` (the calendar's last day); nil for an unknown id.
    func userPage(id: String, today: LocalDate) -> UserPage?
    /// Why the user stands where they do: every event, reward by reward, and what each reward needs next,
    /// replayed through the same pipeline as ingest (`Explainer`); nil for an unknown id.
    func explanation(of user: String, today: LocalDate) -> Explanation?

    /// Screen 3: one page of achievements matching the filter, in the requested order, with the total.
    func achievements(_ query: AchievementQuery) -> AchievementPage
    /// The events that prove an achievement, by day.
    func evidence(of achievement: AchievementRecord) -> [EventRecord]

    /// Screen 5: what arrived after the cursor (events and achievements), oldest first, at most `limit`
    /// of each, and the cursor to ask from next time. `LiveCursor.start` asks for the latest `limit`.
    func changes(since cursor: LiveCursor, limit: Int) -> LiveChanges
    /// Between two `changes`, on the live thread: waits up to `seconds` and says whether `changes` is worth asking
    /// (true: something may have arrived). The default waits the whole time and says true: polling, as on SQLite.
    /// Over a store with a `ChangeSignal` (PostgreSQL's NOTIFY) it returns as soon as a commit is announced, and
    /// false when none was.
    func waitForChanges(upTo seconds: Double) -> Bool

    /// Screen 6: per partner, pending / delivered / failed deliveries and the last error.
    func deliveries() -> [PartnerDeliveries]
    /// Puts a failed delivery back in the queue; false (with a reason) when it cannot be retried.
    func retryDelivery(id: String) -> Result<Void, ConsoleDataError>
    /// The database the `incentives export` / `deliver` commands would be given (`--db`), for the hints the
    /// Deliveries screen shows; nil when the data lives in memory (nothing is ever delivered from it).
    var databasePath: String? { get }
}

extension ConsoleData {
    public func waitForChanges(upTo seconds: Double) -> Bool {
        if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
        return true
    }

    /// Users whose id starts with `prefix` (all when empty), sorted by id.
    public func searchUsers(prefix: String, limit: Int) -> [Member] {
        users(UserQuery(idPrefix: prefix, limit: limit)).rows
    }
}

/// What the Reports screen shows of one program: `incentives report`'s rows by month and `--funnel`'s report.
public struct EmployerReport: Sendable, Equatable {
    public let rows: [ParticipationRow]
    public let funnel: FunnelReport

    public init(rows: [ParticipationRow], funnel: FunnelReport) {
        self.rows = rows
        self.funnel = funnel
    }
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

/// What the user page shows: the user, their standing on each reward, and the days for the calendar.
public struct UserPage: Sendable {
    public let member: Member
    public let employerName: String?
    /// Per reward of the employer's programs, in catalog order.
    public let standings: [StandingRecord]
    /// Local days with at least one accepted event, and the days some achievement used as evidence.
    public let loggedDays: Set<LocalDate>
    public let evidenceDays: Set<LocalDate>
    public let achievements: [AchievementRecord]
    /// Newest first.
    public let recentEvents: [EventRecord]
    /// The user's latest local day with an event (the calendar falls back to it for old activity).
    public let lastActiveDay: LocalDate?
    /// Points per program that has them, in catalog order (empty for most employers).
    public let points: [PointsRecord]
    /// Where each award stands with each partner that ships it (the outbox), in the awards' recording order.
    public var deliveries: [AchievementDelivery] = []

    public init(member: Member, employerName: String?, standings: [StandingRecord], loggedDays: Set<LocalDate>,
                evidenceDays: Set<LocalDate>, achievements: [AchievementRecord], recentEvents: [EventRecord], lastActiveDay: LocalDate?,
                points: [PointsRecord] = []) {
        self.points = points
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

// MARK: - Achievements

/// The orders the Achievements screen cycles through with `o`, and their words in the header.
extension AchievementQuery.Order {
    static let cycle: [AchievementQuery.Order] = [.recorded, .completed, .user, .program, .reward]

    var label: String {
        switch self {
        case .recorded, .newest: return "recorded"
        case .completed: return "completed"
        case .user: return "user"
        case .program: return "program"
        case .reward: return "reward"
        }
    }
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
    /// The look failed (the database went away for a moment): no rows, and totals that mean nothing, which the
    /// screen must not show as "0 events".
    public let failed: Bool

    public init(events: [EventRecord], achievements: [AchievementRecord], cursor: LiveCursor, totalEvents: Int, totalAchievements: Int,
                skipped: Int = 0, failed: Bool = false) {
        self.failed = failed
        self.events = events
        self.achievements = achievements
        self.cursor = cursor
        self.totalEvents = totalEvents
        self.totalAchievements = totalAchievements
        self.skipped = skipped
    }

    /// Whether the Live screen must hear of this look, `previous` being the last one it heard of (nil: none yet).
    /// New rows, of course; but also totals alone: the totals and the rows are read one after the other, so a
    /// commit landing between them gives rows newer than the totals, and the next look (woken by that commit's
    /// NOTIFY) finds no new row, only the right totals. Dropping it left the header a count behind its own list.
    public func changesTheScreen(after previous: LiveChanges?) -> Bool {
        if failed { return false }
        guard let previous else { return true }
        return !events.isEmpty || !achievements.isEmpty || skipped > 0
            || totalEvents != previous.totalEvents || totalAchievements != previous.totalAchievements
    }
}

