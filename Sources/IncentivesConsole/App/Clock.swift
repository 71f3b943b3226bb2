import Foundation
import IncentivesCore

/// The time shown in the tab bar and the "today" of users' calendars. Injected so golden tests are stable.
public struct ConsoleClock: Sendable {
    public let now: @Sendable () -> Instant

    public init(now: @escaping @Sendable () -> Instant) { self.now = now }

    public static let system = ConsoleClock {
        let t = Date().timeIntervalSince1970
        // The fraction times 10⁹ can round up to 10⁹ itself, one past an instant's nanoseconds.
        return Instant(seconds: Int64(t.rounded(.down)), nanoseconds: min(Int32((t - t.rounded(.down)) * 1e9), 999_999_999))
    }

    public static func fixed(_ instant: Instant) -> ConsoleClock { ConsoleClock { instant } }

    /// `console --today DATE`: the day is `day` (users' progress is judged on it, the simulator starts on it) while
    /// the time of day runs on from `clock`'s: a demo whose events end weeks ago reads as it did then, instead of
    /// every streak saying its run broke.
    public static func on(_ day: LocalDate, clock: ConsoleClock = .system) -> ConsoleClock {
        ConsoleClock {
            let real = clock.now()
            let secondOfDay = real.seconds - Int64(real.localDate(offsetSeconds: 0).dayNumber) * 86_400
            return Instant(seconds: Int64(day.dayNumber) * 86_400 + secondOfDay, nanoseconds: real.nanoseconds)
        }
    }

    public var today: LocalDate { now().localDate(offsetSeconds: 0) }

    /// `2026-11-25 14:03:07Z`.
    public var label: String {
        let s = now().rfc3339
        return String(s.prefix(10)) + " " + String(s.dropFirst(11).prefix(8)) + "Z"
    }
}
