import IncentivesCore

// Plain values that the read API returns: Sendable, so that a console can load them on a background
// thread and hand them to its UI. Dates are `YYYY-MM-DD` local days, instants RFC 3339 in UTC.

/// Totals for a status line.
public struct StoreCounts: Sendable, Equatable {
    public var users = 0
    public var employers = 0
    public var programs = 0
    public var events = 0
    public var achievements = 0
    public var rejects = 0
    public var pendingDeliveries = 0
    /// The newest sequence numbers: pass them to `changes(sinceEvent:sinceAchievement:)` to poll.
    public var lastEventSeq: Int64 = 0
    public var lastAchievementSeq: Int64 = 0
    public var lastRejectSeq: Int64 = 0

    public init() {}
}

/// One reward of one program of one employer, as the menus show it (`incentives programs`).
public struct ProgramReward: Sendable, Equatable {
    public let employer: String
    public let employerName: String
    public let program: String
    public let programName: String
    /// Inclusive local dates.
    public let starts: String
    public let ends: String
    /// Position of the reward in its program (catalog order).
    public let rewardIndex: Int
    public let incentive: String
    public let incentiveName: String
    /// The catalog's `kind`.
    public let kind: String
    /// "5 days in a row".
    public let ruleSummary: String
    /// `days=5`, as the rule gives them.
    public let parameters: [RuleParameter]
    public let eventType: String
    /// nil: every category counts.
    public let categories: [String]?
    public let reward: String
    public let limit: Int
    /// Users of this employer on the roster (enrolled in all its programs).
    public let enrolled: Int
    public let achievements: Int
}

/// A roster entry.
public struct UserRecord: Sendable, Equatable {
    public let id: String
    public let employer: String?
    public let timezone: String
    public let eligibleFrom: String
    public let eligibleUntil: String?
    public let partnerIDs: [String: String]
}

/// An accepted event, with the user's local day.
public struct EventRecord: Sendable, Equatable {
    /// Arrival order across all ingests.
    public let seq: Int64
    public let id: String
    public let type: String
    public let user: String
    /// RFC 3339, UTC.
    public let at: String
    /// The local day in the user's zone (nil when the user is no longer on the roster).
    public let localDay: String?
    public let category: String?
    /// Where it came from: the ingest's file as named then, and the line.
    public let file: String?
    public let line: Int
}

/// A recorded achievement.
public struct AchievementRecord: Sendable, Equatable {
    /// Recording order across all ingests.
    public let seq: Int64
    public let id: String
    public let user: String
    public let employer: String
    public let program: String
    public let incentive: String
    public let reward: String
    /// Which award of this reward this is for the user (1...limit).
    public let ordinal: Int
    public let completedOn: String
    public let achievedAt: String
    /// The contract's JSON line, exactly as `replay` prints it.
    public let jsonLine: String
}

/// One evidence event of an achievement, with the day it counted for.
public struct EvidenceRecord: Sendable, Equatable {
    public let position: Int
    public let eventID: String
    public let day: String
    /// The event itself (nil only if it was never stored, which ingest does not allow).
    public let event: EventRecord?
}

/// A user's standing on one reward of their employer's programs.
public struct StandingRecord: Sendable, Equatable {
    public let employer: String
    public let program: String
    public let programName: String
    public let incentive: String
    public let incentiveName: String
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
    public let lastDay: String?
    /// Days counted toward this reward (used and unused), for calendars.
    public let countedDays: [String]
    public let usedDays: [String]
    /// For people: "day 3 of 5, last logged Tue 4 Mar (America/Chicago)", "earned 1/1", ...
    public let summary: String

    public var limitReached: Bool { awards >= limit }
}

/// Everything `incentives user` shows.
public struct UserProfile: Sendable, Equatable {
    public let user: UserRecord
    public let employerName: String?
    /// The user's local day used as "today" for progress.
    public let today: String
    public let eligibleToday: Bool
    public let standings: [StandingRecord]
    public let achievements: [AchievementRecord]
    public let recentEvents: [EventRecord]
    public let eventCount: Int
}

/// A refused line.
public struct RejectRecord: Sendable, Equatable {
    public let seq: Int64
    public let file: String
    public let line: Int
    /// `Rejection.Code` raw value: `invalid-json`, `unknown-user`, `conflict`...
    public let code: String
    public let field: String?
    /// As printed: `FIELD: MESSAGE`.
    public let reason: String
    /// The event id when the line had one.
    public let eventID: String?
    /// Unix seconds when it was refused.
    public let at: Double

    /// `FILE:LINE: REASON`, as `replay` and `ingest` print it.
    public var message: String { "\(file):\(line): \(reason)" }
}

/// Which achievements a page holds.
public struct AchievementQuery: Sendable, Equatable {
    public enum Order: String, Sendable, CaseIterable {
        /// Recording order (what `replay` prints).
        case recorded
        /// Newest first.
        case newest
        case user
        case completed
        case program
        case reward
    }

    public var user: String?
    public var employer: String?
    public var program: String?
    public var incentive: String?
    /// Inclusive bounds on `completedOn` (YYYY-MM-DD).
    public var since: String?
    public var until: String?
    public var order: Order = .recorded
    /// The order's reverse (`newest` reversed is `recorded`); ties always follow recording order the same way.
    public var descending = false
    /// nil: no limit.
    public var limit: Int?
    public var offset = 0
    /// Keyset paging for `.recorded` (rows after this seq) and `.newest` (rows before it): the `seq` of the last
    /// row of the previous page. Constant cost at any depth, unlike `offset`.
    public var afterSeq: Int64?

    public init(user: String? = nil, employer: String? = nil, program: String? = nil, incentive: String? = nil,
                since: String? = nil, until: String? = nil, order: Order = .recorded, descending: Bool = false,
                limit: Int? = nil, offset: Int = 0, afterSeq: Int64? = nil) {
        self.afterSeq = afterSeq
        self.descending = descending
        self.user = user
        self.employer = employer
        self.program = program
        self.incentive = incentive
        self.since = since
        self.until = until
        self.order = order
        self.limit = limit
        self.offset = offset
    }
}

/// What arrived after given sequence numbers, for a live screen.
public struct StoreChanges: Sendable, Equatable {
    public let events: [EventRecord]
    public let achievements: [AchievementRecord]
    public let rejects: [RejectRecord]
    /// Pass these back next time.
    public let lastEventSeq: Int64
    public let lastAchievementSeq: Int64
    public let lastRejectSeq: Int64
}
