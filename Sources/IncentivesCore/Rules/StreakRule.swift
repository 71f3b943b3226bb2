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

    /// "day 3 of 5": the run that ends today (or yesterday, while today can still extend it).
    public func describe(_ status: ProgressStatus) -> String {
        status.done == 0 ? "0 of \(status.needed) days in a row" : "day \(status.done) of \(status.needed)"
    }

    public func daysThatEarn(from day: LocalDate) -> [LocalDate] { (0..<days).map { day.adding(days: $0) } }

    public func makeProgress(span: ClosedRange<LocalDate>?) -> any RuleProgress {
        DayWindow.make(days: days, window: days, measure: .run, span: span)
    }

    public func decodeProgress(span: ClosedRange<LocalDate>?, from reader: inout ByteReader) throws -> any RuleProgress {
        try DayWindow.decode(days: days, window: days, measure: .run, span: span, from: &reader)
    }
}
