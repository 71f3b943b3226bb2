/// `streak`: qualifying events on `days` consecutive local days. The same as `days_in_window`
/// with `window == days`, so it reuses that progress.
public struct StreakRule: IncentiveRule {
    public static let kind = "streak"
    public let days: Int

    public init(days: Int) { self.days = days }

    private enum Keys: String, CodingKey { case days }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        days = try c.decode(Int.self, forKey: .days)
        guard (1...366).contains(days) else {
            throw DecodingError.dataCorruptedError(forKey: .days, in: c, debugDescription: "must be between 1 and 366, got \(days)")
        }
    }

    public var summary: String { "\(days) days in a row" }
    public var parameters: [(String, Int)] { [("days", days)] }

    public func makeProgress(span: ClosedRange<LocalDate>?) -> any RuleProgress {
        DayWindowProgress.make(days: days, window: days, span: span)
    }

    public func decodeProgress(span: ClosedRange<LocalDate>?, from reader: inout ByteReader) throws -> any RuleProgress {
        try DayWindowProgress.decode(days: days, window: days, span: span, from: &reader)
    }
}
