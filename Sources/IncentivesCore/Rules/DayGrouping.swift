/// How a kind's qualifying days belong together toward one award (`IncentiveRule.dayGrouping`): what the
/// why-not summary calls a run, and what breaks one.
public enum DayGrouping: Sendable, Equatable {
    /// One qualifying event earns: days do not add up.
    case none
    /// Days count together while at most `allowedGap` days in a row are missed between two of them (0: a
    /// streak); `needed` of them earn.
    case runs(needed: Int, allowedGap: Int)
    /// Days count within one calendar period; `needed` of them in one period earn.
    case periods(CalendarPeriod, needed: Int)
}
