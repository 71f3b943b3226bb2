/// `streak`: qualifying events on `days` consecutive local days. The same as `days_in_window`
/// with `window == days`, so it reuses that progress.
public struct StreakRule: IncentiveRule {
    public static let kind = "streak"
    public let days: Int

    public static var examples: [StreakRule] { [StreakRule(days: 5), StreakRule(days: 1), StreakRule(days: 30)] }

    public init(days: Int) { self.days = days }

    private enum Keys: String, CodingKey { case days }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self = try StreakRule(days: c.decode(Int.self, forKey: .days)).validated(from: decoder)
    }

    public var parameters: [RuleParameter] { [RuleParameter("days", .integer(days))] }

    public func validate() throws(RuleParameterError) {
        guard (1...366).contains(days) else { throw RuleParameterError("days", "must be between 1 and 366, got \(days)") }
    }

    public var summary: String { "\(days) days in a row" }
    /// Any missed day breaks the run.
    public var dayGrouping: DayGrouping { .runs(needed: days, allowedGap: 0) }

    /// "day 3 of 5": the run that ends today (or yesterday, while today can still extend it).
    public func describe(_ status: ProgressStatus) -> String {
        status.done == 0 ? "0 of \(status.needed) days in a row" : "day \(status.done) of \(status.needed)"
    }

    public func daysThatEarn(from day: LocalDate) -> [LocalDate] { (0..<days).map { day.adding(days: $0) } }

    /// The run that ends today (or yesterday), what is left of it, where it broke, and whether it still fits
    /// before the last day that counts.
    public func nextStep(_ progress: (any RuleProgress)?, today: LocalDate, span: ClosedRange<LocalDate>) -> String {
        let days = CountedDays(progress)
        if today > span.upperBound { return "too late: the last day that counted was \(DayFormat.short(span.upperBound))" }
        var run = 0
        var d = days.isUnused(today) ? today : today.adding(days: -1)
        while days.isUnused(d), run < self.days { run += 1; d = d.adding(days: -1) }
        var parts: [String] = []
        // `d` is the day before the run: a gap when it and the days back to an earlier unused day hold no log.
        if let earlier = days.latestUnused(before: d), today >= span.lowerBound,
           days.counted(from: earlier.adding(days: 1), through: d) == 0 {
            parts.append("the run broke on \(DayFormat.short(earlier.adding(days: 1))): no log that day")
        }
        let next = max(days.isUnused(today) ? today.adding(days: 1) : today, span.lowerBound)
        let left = self.days - run
        let finish = next.adding(days: left - 1)
        if finish > span.upperBound {
            parts.append("\(self.days) in a row no longer fit before the last day that counts, \(DayFormat.short(span.upperBound))")
        } else if left == 1 {
            parts.append("log \(DayFormat.relative(next, today: today)) to finish \(self.days) in a row")
        } else {
            parts.append("log every day from \(DayFormat.relative(next, today: today)) to \(DayFormat.short(finish)) to finish \(self.days) in a row")
        }
        return parts.joined(separator: "; ")
    }

    public func makeProgress(span: ClosedRange<LocalDate>?) -> any RuleProgress {
        DayWindow.make(days: days, window: days, measure: .run, span: span)
    }

    public func decodeProgress(span: ClosedRange<LocalDate>?, from reader: inout ByteReader) throws -> any RuleProgress {
        try DayWindow.decode(days: days, window: days, measure: .run, span: span, from: &reader)
    }
}
