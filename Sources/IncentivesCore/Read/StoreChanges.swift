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

/// What arrived after given sequence numbers, for a live screen.
public struct StoreChanges: Sendable, Equatable {
    public let events: [EventRecord]
    public let achievements: [AchievementRecord]
    public let rejects: [RejectRecord]
    /// Pass these back next time.
    public let lastEventSeq: Int64
    public let lastAchievementSeq: Int64
    public let lastRejectSeq: Int64

    public init(events: [EventRecord], achievements: [AchievementRecord], rejects: [RejectRecord],
                lastEventSeq: Int64, lastAchievementSeq: Int64, lastRejectSeq: Int64) {
        self.events = events
        self.achievements = achievements
        self.rejects = rejects
        self.lastEventSeq = lastEventSeq
        self.lastAchievementSeq = lastAchievementSeq
        self.lastRejectSeq = lastRejectSeq
    }
}
