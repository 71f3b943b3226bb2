/// `days_in_window`: qualifying events on at least `days` distinct local days within some
/// `window` consecutive local days.
public struct DaysInWindowRule: IncentiveRule {
    public static let kind = "days_in_window"
    public let days: Int
    public let window: Int

    public init(days: Int, window: Int) {
        self.days = days
        self.window = window
    }

    private enum Keys: String, CodingKey { case days, window }

    public static var examples: [DaysInWindowRule] {
        [DaysInWindowRule(days: 4, window: 7), DaysInWindowRule(days: 3, window: 3), DaysInWindowRule(days: 1, window: 366)]
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self = try DaysInWindowRule(days: c.decode(Int.self, forKey: .days), window: c.decode(Int.self, forKey: .window))
            .validated(from: decoder)
    }

    public var parameters: [RuleParameter] { [RuleParameter("days", .integer(days)), RuleParameter("window", .integer(window))] }

    public func validate() throws(RuleParameterError) {
        guard (1...366).contains(window) else { throw RuleParameterError("window", "must be between 1 and 366, got \(window)") }
        guard (1...window).contains(days) else { throw RuleParameterError("days", "must be between 1 and window (\(window)), got \(days)") }
    }

    public var summary: String { "\(days) of any \(window) days" }

    /// "3 of 4 days within 7": unused days in the window that ends today.
    public func describe(_ status: ProgressStatus) -> String { "\(status.done) of \(status.needed) days within \(window)" }

    /// Consecutive days earn in any window that holds them.
    public func daysThatEarn(from day: LocalDate) -> [LocalDate] { (0..<days).map { day.adding(days: $0) } }

    public func makeProgress(span: ClosedRange<LocalDate>?) -> any RuleProgress {
        DayWindow.make(days: days, window: window, measure: .window, span: span)
    }

    public func decodeProgress(span: ClosedRange<LocalDate>?, from reader: inout ByteReader) throws -> any RuleProgress {
        try DayWindow.decode(days: days, window: window, measure: .window, span: span, from: &reader)
    }
}
