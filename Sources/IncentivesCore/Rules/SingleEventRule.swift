/// `single`: one qualifying event earns the reward. Evidence: that event.
public struct SingleEventRule: IncentiveRule {
    public static let kind = "single"

    public static var examples: [SingleEventRule] { [SingleEventRule()] }

    public init() {}
    public init(from decoder: any Decoder) throws {}

    public var parameters: [RuleParameter] { [] }
    public func validate() throws(RuleParameterError) {}

    public var summary: String { "one event" }
    public var dayGrouping: DayGrouping { .none }
    /// Between awards there is nothing to be partway through.
    public func describe(_ status: ProgressStatus) -> String { "not yet" }
    public func daysThatEarn(from day: LocalDate) -> [LocalDate] { [day] }

    public func nextStep(_ progress: (any RuleProgress)?, today: LocalDate, span: ClosedRange<LocalDate>) -> String {
        today > span.upperBound ? "too late: the last day that counted was \(DayFormat.short(span.upperBound))"
            : "one qualifying event by \(DayFormat.short(span.upperBound)) earns it"
    }

    public func makeProgress(span: ClosedRange<LocalDate>?) -> any RuleProgress { Progress() }

    public func decodeProgress(span: ClosedRange<LocalDate>?, from reader: inout ByteReader) throws -> any RuleProgress {
        let p = Progress()
        let n = try reader.readCount()
        for _ in 0..<n { p.days.append(LocalDate(dayNumber: try reader.readInt32())) }
        return p
    }

    final class Progress: RuleProgress {
        /// Days of the events that earned awards (at most `limit` of them).
        var days: [LocalDate] = []

        func record(_ event: QualifyingEvent) -> Evidence? {
            days.append(event.day)
            return [.event(event)]
        }

        func status(today: LocalDate?) -> ProgressStatus { ProgressStatus(done: 0, needed: 1, lastDay: days.last) }
        var countedDays: [LocalDate] { days }
        var usedDays: [LocalDate] { days }

        func encode(into writer: inout ByteWriter) {
            writer.write(days.count)
            for d in days { writer.write(Int(d.dayNumber)) }
        }
    }
}
