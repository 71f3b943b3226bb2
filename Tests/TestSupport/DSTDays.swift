import Foundation
import IncentivesCore

/// The days clocks change, for tests of local date and time → instant: every zone of the demo roster
/// (Assets/demo/roster.jsonl) with a DST rule, and Lord Howe (a half-hour change). Found with Foundation's
/// `TimeZone`, independently of the core's `ZoneRules`.
public enum DSTDays {
    /// One zone of each DST rule in the demo roster (US, Canada's Newfoundland, EU, UK, Australia's south-east and
    /// south, New Zealand, Chatham), plus Lord Howe.
    public static let zones = ["America/Chicago", "America/New_York", "America/Denver", "America/Los_Angeles",
                               "America/St_Johns", "Europe/London", "Europe/Berlin", "Europe/Madrid",
                               "Australia/Sydney", "Australia/Adelaide", "Pacific/Auckland", "Pacific/Chatham",
                               "Australia/Lord_Howe"]

    public struct Change: Sendable, CustomStringConvertible {
        public let zone: String
        /// The local day the clocks change on.
        public let day: LocalDate
        /// Seconds the clocks move: positive forward (spring), negative back (autumn).
        public let shift: Int
        public var description: String { "\(zone) \(day.iso) \(shift > 0 ? "forward" : "back") \(abs(shift) / 60) min" }
    }

    /// Every change in `year` in `zone` (both directions).
    public static func changes(in zone: String, year: Int) -> [Change] {
        guard let tz = TimeZone(identifier: zone), let first = LocalDate(year: year, month: 1, day: 1),
              let last = LocalDate(year: year + 1, month: 1, day: 1) else { return [] }
        var out: [Change] = []
        var cursor = Date(timeIntervalSince1970: Double(Int64(first.dayNumber) * 86_400))
        let end = Date(timeIntervalSince1970: Double(Int64(last.dayNumber) * 86_400))
        while let next = tz.nextDaylightSavingTimeTransition(after: cursor), next < end {
            let before = tz.secondsFromGMT(for: next.addingTimeInterval(-1))
            let after = tz.secondsFromGMT(for: next)
            let at = Int64(next.timeIntervalSince1970)
            if before != after {
                out.append(Change(zone: zone, day: Instant(seconds: at).localDate(offsetSeconds: before), shift: after - before))
            }
            cursor = next
        }
        return out
    }

    /// Every change in `year` in every zone of `zones`.
    public static func all(year: Int = 2026) -> [Change] { zones.flatMap { changes(in: $0, year: year) } }

    /// The wall-clock date and time (`y, m, d, h, min`) Foundation reads at an instant in a zone.
    public static func wallClock(_ instant: Instant, zone: String) -> [Int] {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: zone)!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: Double(instant.seconds)))
        return [c.year!, c.month!, c.day!, c.hour!, c.minute!]
    }
}
