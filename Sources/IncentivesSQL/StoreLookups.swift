import IncentivesCore

/// What the CLI's look-ups ask of either store beyond `StoreReading`: the rejects table and achievements streamed.
public protocol StoreLookups: StoreReading, ReportReading, WhyStreaming {
    func rejects(file: String?, code: String?, limit: Int?, offset: Int) throws -> [RejectRecord]
    func forEachAchievement(_ query: AchievementQuery, _ body: (AchievementRecord) throws -> Void) throws
}
