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
    /// A window of `window` days holding `days` counted days fits across a gap of at most `window - days` missed
    /// days; a longer gap leaves the days on either side in no common window.
    public var dayGrouping: DayGrouping { .runs(needed: days, allowedGap: window - days) }

    /// "3 of 4 days within 7": unused days in the window that ends today.
    public func describe(_ status: ProgressStatus) -> String { "\(status.done) of \(status.needed) days within \(window)" }

    /// Consecutive days earn in any window that holds them.
    public func daysThatEarn(from day: LocalDate) -> [LocalDate] { (0..<days).map { day.adding(days: $0) } }

    /// The unused days of the window that ends today, and how many more days it needs by the day the
    /// earliest of them falls out of the window.
    public func nextStep(_ progress: (any RuleProgress)?, today: LocalDate, span: ClosedRange<LocalDate>) -> String {
        let days = CountedDays(progress)
        if today > span.upperBound { return "too late: the last day that counted was \(DayFormat.short(span.upperBound))" }
        let next = max(days.isCounted(today) ? today.adding(days: 1) : today, span.lowerBound)
        let inWindow = (0..<window).map { today.adding(days: -$0) }.filter(days.isUnused).sorted()
        let need = self.days - inWindow.count
        if let oldest = inWindow.first {
            let by = min(oldest.adding(days: window - 1), span.upperBound)
            let free = by.days(since: next) + 1 - days.counted(from: next, through: by)
            if free >= need {
                return "log on \(need) more day\(need == 1 ? "" : "s") from \(DayFormat.relative(next, today: today)) to \(DayFormat.short(by)) to have \(self.days) within \(window)"
            }
        }
        let finish = next.adding(days: self.days - 1)
        if finish > span.upperBound {
            return "\(self.days) days no longer fit before the last day that counts, \(DayFormat.short(span.upperBound))"
        }
        return "log on \(self.days) days within \(window), e.g. every day from \(DayFormat.relative(next, today: today)) to \(DayFormat.short(finish))"
    }

    public func makeProgress(span: ClosedRange<LocalDate>?) -> any RuleProgress {
        DayWindow.make(days: days, window: window, measure: .window, span: span)
    }

    public func decodeProgress(span: ClosedRange<LocalDate>?, from reader: inout ByteReader) throws -> any RuleProgress {
        try DayWindow.decode(days: days, window: window, measure: .window, span: span, from: &reader)
    }
}
