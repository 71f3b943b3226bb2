/// `days_in_period`: qualifying events on at least `days` distinct local days within one calendar
/// `period` of the user's local calendar, a week (Monday to Sunday) or a month. At most one award per
/// period; the reward's `limit` counts across periods (CONTRACT §1, §3).
public struct DaysInPeriodRule: IncentiveRule {
    public static let kind = "days_in_period"
    public let days: Int
    public let period: CalendarPeriod

    public init(days: Int, period: CalendarPeriod) {
        self.days = days
        self.period = period
    }

    public static var examples: [DaysInPeriodRule] {
        [DaysInPeriodRule(days: 3, period: .month), DaysInPeriodRule(days: 4, period: .week),
         DaysInPeriodRule(days: 7, period: .week), DaysInPeriodRule(days: 31, period: .month)]
    }

    private enum Keys: String, CodingKey { case days, period }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let days = try c.decode(Int.self, forKey: .days)
        let name = try c.decode(String.self, forKey: .period)
        guard let period = CalendarPeriod(rawValue: name) else {
            let names = CalendarPeriod.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or ")
            throw DecodingError.dataCorruptedError(forKey: .period, in: c, debugDescription: "must be \(names), got \(JSONText.quote(name))")
        }
        self = try DaysInPeriodRule(days: days, period: period).validated(from: decoder)
    }

    public var parameters: [RuleParameter] {
        [RuleParameter("days", .integer(days)), RuleParameter("period", .text(period.rawValue))]
    }

    public func validate() throws(RuleParameterError) {
        guard (1...period.longest).contains(days) else {
            throw RuleParameterError("days", "must be between 1 and \(period.longest) for period \"\(period.rawValue)\", got \(days)")
        }
    }

    public var summary: String { "\(days) days in \(period.phrase)" }

    /// "2 of 3 days in March", "1 of 4 days, week of Mon 2 Mar".
    public func describe(_ status: ProgressStatus) -> String {
        "\(status.done) of \(status.needed) days" + (status.within.map(period.name(of:)) ?? " in \(period.phrase)")
    }

    /// The first `days` days from `day` on that fit in one period: this one if enough of it is left,
    /// otherwise the next period (a month shorter than `days` is skipped).
    public func daysThatEarn(from day: LocalDate) -> [LocalDate] {
        var start = day
        for _ in 0..<12 {
            let p = period.days(holding: start)
            if p.upperBound.days(since: start) + 1 >= days { break }
            start = p.upperBound.adding(days: 1)
        }
        return (0..<days).map { start.adding(days: $0) }
    }

    public func makeProgress(span: ClosedRange<LocalDate>?) -> any RuleProgress {
        DaysInPeriodProgress(days: days, period: period, span: span)
    }

    public func decodeProgress(span: ClosedRange<LocalDate>?, from reader: inout ByteReader) throws -> any RuleProgress {
        try DaysInPeriodProgress.decode(days: days, period: period, span: span, from: &reader)
    }
}

/// A calendar period of the user's local calendar.
public enum CalendarPeriod: String, Sendable, CaseIterable {
    /// Monday to Sunday (ISO 8601 weeks), so a week may span two months or two years.
    case week
    case month

    /// The most days one period can hold.
    var longest: Int { self == .week ? 7 : 31 }

    /// "a week (Mon–Sun)", "a calendar month".
    var phrase: String { self == .week ? "a week (Mon–Sun)" : "a calendar month" }

    /// The period that holds `day`, whole (a program or eligibility may cut it; the rule clips).
    public func days(holding day: LocalDate) -> ClosedRange<LocalDate> {
        switch self {
        case .week:
            // `weekday` is 0 for Sunday: days since Monday.
            let monday = day.adding(days: -((day.weekday + 6) % 7))
            return monday...monday.adding(days: 6)
        case .month:
            let (y, m, d) = day.components
            return day.adding(days: 1 - d)...day.adding(days: LocalDate.daysIn(month: m, year: y) - d)
        }
    }

    /// " in March", ", week of Mon 2 Mar": what follows "2 of 3 days".
    func name(of days: ClosedRange<LocalDate>) -> String {
        self == .week ? ", week of \(DayFormat.short(days.lowerBound))" : " in \(DayFormat.month(of: days.lowerBound))"
    }
}
