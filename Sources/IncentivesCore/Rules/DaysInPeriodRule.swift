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
    public var dayGrouping: DayGrouping { .periods(period, needed: days) }

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

    /// The period of today (or the next one once today's has earned): how many more days it needs and
    /// whether they still fit in it.
    public func nextStep(_ progress: (any RuleProgress)?, today: LocalDate, span: ClosedRange<LocalDate>) -> String {
        let days = CountedDays(progress)
        if today > span.upperBound { return "too late: the last day that counted was \(DayFormat.short(span.upperBound))" }
        var start = max(today, span.lowerBound)
        var notes: [String] = []
        for _ in 0..<3 {
            let whole = period.days(holding: start)
            let lo = max(whole.lowerBound, span.lowerBound), hi = min(whole.upperBound, span.upperBound)
            let name = period.label(of: whole)
            if days.used(from: lo, through: hi) > 0 {
                notes.append("already earned for \(name)")
            } else {
                let need = self.days - days.counted(from: lo, through: hi)
                let next = days.isCounted(start) ? start.adding(days: 1) : start
                let free = next > hi ? 0 : hi.days(since: next) + 1 - days.counted(from: next, through: hi)
                if free >= need {
                    notes.append("log on \(need) more day\(need == 1 ? "" : "s") from \(DayFormat.relative(next, today: today)) to \(DayFormat.short(hi)) to earn it for \(name)")
                    return notes.joined(separator: "; ")
                }
                notes.append("\(name) can no longer earn it (\(need) more days needed, \(free) left)")
            }
            guard hi < span.upperBound else { break }
            start = hi.adding(days: 1)
        }
        return notes.joined(separator: "; ")
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

    /// "March", "the week of Mon 2 Mar".
    func label(of days: ClosedRange<LocalDate>) -> String {
        self == .week ? "the week of \(DayFormat.short(days.lowerBound))" : DayFormat.month(of: days.lowerBound)
    }

    /// " in March", ", week of Mon 2 Mar": what follows "2 of 3 days".
    func name(of days: ClosedRange<LocalDate>) -> String {
        self == .week ? ", week of \(DayFormat.short(days.lowerBound))" : " in \(DayFormat.month(of: days.lowerBound))"
    }
}

extension DaysInPeriodProgress {
    /// A day of a period that already earned cannot count, whether or not it was logged (`record` checks the
    /// period first): that is this kind's own reason, beyond counted and used.
    func regard(_ day: LocalDate) -> DayRegard {
        if used.contains(day.dayNumber) { return .used }
        if let span, span.contains(day) {
            let whole = period.days(holding: day)
            let lo = max(whole.lowerBound, span.lowerBound).dayNumber, hi = min(whole.upperBound, span.upperBound).dayNumber
            if used.contains(where: { $0 >= lo && $0 <= hi }) { return .stretchEarned(whole) }
        }
        return pending.contains(day.dayNumber) ? .counted : .notCounted
    }
}
