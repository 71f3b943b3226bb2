import IncentivesCore

/// Screen 5: events and achievements as they arrive (another terminal running `incentives ingest`,
/// or lines appended to the events file). The poller thread fetches; this only keeps the newest.
public struct LiveState {
    public static let keep = 500
    public var events: [EventRecord] = []
    public var achievements: [AchievementRecord] = []
    public var cursor = LiveCursor.start
    public var totalEvents = 0
    public var totalAchievements = 0
    /// Frozen: new rows are counted but the lists hold still for reading.
    public var frozen = false
    public var missed = 0
    /// Rows that arrived faster than the screen fetches: counted so the header can say so.
    public var skipped = 0
    public var selected = 0

    mutating func receive(_ c: LiveChanges) {
        cursor = c.cursor
        totalEvents = c.totalEvents
        totalAchievements = c.totalAchievements
        skipped += c.skipped
        if frozen {
            missed += c.events.count + c.achievements.count
            return
        }
        events.append(contentsOf: c.events)
        if events.count > Self.keep { events.removeFirst(events.count - Self.keep) }
        achievements.append(contentsOf: c.achievements)
        if achievements.count > Self.keep { achievements.removeFirst(achievements.count - Self.keep) }
    }

    mutating func handle(_ action: Action) -> Bool {
        switch action {
        case .liveFreeze:
            frozen.toggle()
            if !frozen { missed = 0 }
            return true
        case .back where frozen:
            frozen = false
            missed = 0
            return true
        default:
            return false
        }
    }
}
