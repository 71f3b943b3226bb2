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

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        days = try c.decode(Int.self, forKey: .days)
        window = try c.decode(Int.self, forKey: .window)
        guard (1...366).contains(window) else {
            throw DecodingError.dataCorruptedError(forKey: .window, in: c, debugDescription: "must be between 1 and 366, got \(window)")
        }
        guard (1...window).contains(days) else {
            throw DecodingError.dataCorruptedError(forKey: .days, in: c, debugDescription: "must be between 1 and window (\(window)), got \(days)")
        }
    }

    public var summary: String { "\(days) days within \(window)" }
    public var parameters: [(String, Int)] { [("days", days), ("window", window)] }

    public func makeProgress(span: ClosedRange<LocalDate>?) -> any RuleProgress {
        DayWindowProgress.make(days: days, window: window, span: span)
    }

    public func decodeProgress(span: ClosedRange<LocalDate>?, from reader: inout ByteReader) throws -> any RuleProgress {
        try DayWindowProgress.decode(days: days, window: window, span: span, from: &reader)
    }
}
