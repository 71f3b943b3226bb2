import Foundation

/// Turns instants into local days for one IANA zone.
///
/// Foundation's `TimeZone` knows the rules; asking it for every event costs a lock and a lookup,
/// so the transitions between 1900 and 2100 are read once into a sorted table and each event's
/// offset is a binary search. Outside that range we ask `TimeZone` directly.
public final class ZoneRules: @unchecked Sendable {
    public let identifier: String
    private let zone: TimeZone
    /// `transitions[i]` is the first second at which `offsets[i + 1]` applies; `offsets[0]` applies before.
    private let transitions: [Int64]
    private let offsets: [Int32]
    private static let tableStart: Int64 = -2_208_988_800 // 1900-01-01
    private static let tableEnd: Int64 = 4_102_444_800    // 2100-01-01

    /// nil for a name that is not an IANA zone.
    public init?(identifier: String) {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else { return nil }
        self.identifier = identifier
        self.zone = zone
        var transitions: [Int64] = []
        var offsets: [Int32] = [Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(ZoneRules.tableStart))))]
        var cursor = Date(timeIntervalSince1970: Double(ZoneRules.tableStart))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor),
              next.timeIntervalSince1970 < Double(ZoneRules.tableEnd) {
            let at = Int64(next.timeIntervalSince1970.rounded(.down))
            let offset = Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(at))))
            if offset != offsets.last {
                transitions.append(at)
                offsets.append(offset)
            }
            guard next > cursor else { break }
            cursor = next
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    /// Seconds east of UTC in force at `instant`.
    public func offset(at instant: Instant) -> Int {
        let t = instant.seconds
        guard t >= ZoneRules.tableStart, t < ZoneRules.tableEnd else {
            return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t)))
        }
        var lo = 0, hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if transitions[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return Int(offsets[lo])
    }

    /// The calendar date of `instant` on a wall clock in this zone.
    public func localDate(of instant: Instant) -> LocalDate {
        instant.localDate(offsetSeconds: offset(at: instant))
    }

    /// The instant at which `date` begins locally (the first second whose local date is `date`).
    public func startOfDay(_ date: LocalDate) -> Instant {
        var guess = Instant(seconds: Int64(date.dayNumber) * 86_400 - Int64(offset(at: Instant(seconds: Int64(date.dayNumber) * 86_400))))
        // A transition near midnight can shift the guess by up to a day's worth of offset: step to the edge.
        while localDate(of: guess) >= date { guess = Instant(seconds: guess.seconds - 900) }
        while localDate(of: guess) < date { guess = Instant(seconds: guess.seconds + 1) }
        return guess
    }

    /// A local wall-clock time in this zone: the day and the seconds after its midnight, as a clock on the wall
    /// reads them (not seconds elapsed since the day began: on a 23- or 25-hour day the two differ).
    public struct WallTime: Hashable, Sendable {
        public let day: LocalDate
        /// 0 ..< 86_400.
        public let secondOfDay: Int
        public init(day: LocalDate, secondOfDay: Int) {
            self.day = day
            self.secondOfDay = secondOfDay
        }
    }

    /// How a wall-clock time maps to an instant: the one instant it names, the earlier of two (clocks went back,
    /// so it happened twice), or none (clocks went forward over it; the instant given is the time as read with
    /// the offset before the change, so the clock is moved on by the length of the gap: 02:30 → 03:30).
    public enum Resolution: Hashable, Sendable { case exact, earlierOfTwo, skipped }

    /// The instant a wall clock in this zone shows `secondOfDay` on `day`, and whether that time was unique,
    /// happened twice or not at all. The one way the product turns a local date and time into an instant.
    public func instant(day: LocalDate, secondOfDay: Int) -> (instant: Instant, resolution: Resolution) {
        let local = Int64(day.dayNumber) * 86_400 + Int64(secondOfDay)
        // The offsets in force a day either side cover every transition near this time (no zone changes twice
        // within two days).
        let before = offset(at: Instant(seconds: local - 86_400))
        let after = offset(at: Instant(seconds: local + 86_400))
        var valid: [Int64] = []
        for o in Set([before, after]) {
            let t = local - Int64(o)
            if offset(at: Instant(seconds: t)) == o { valid.append(t) }
        }
        if let first = valid.min() {
            return (Instant(seconds: first), valid.count > 1 ? .earlierOfTwo : .exact)
        }
        return (Instant(seconds: local - Int64(before)), .skipped)
    }

    /// The wall-clock time in this zone at `instant` (whole seconds).
    public func wallTime(at instant: Instant) -> WallTime {
        let o = offset(at: instant)
        let day = instant.localDate(offsetSeconds: o)
        let s = instant.seconds + Int64(o) - Int64(day.dayNumber) * 86_400
        return WallTime(day: day, secondOfDay: Int(s))
    }

    /// `instant` moved by whole local days: the same wall-clock time `days` later in this zone (so across a DST
    /// change it moves by 23 or 25 hours, not 24), keeping the sub-second part. A time that does not exist on
    /// the new day moves on by the gap, as `instant(day:secondOfDay:)` says.
    public func adding(days: Int, to instant: Instant) -> Instant {
        let wall = wallTime(at: instant)
        let moved = self.instant(day: wall.day.adding(days: days), secondOfDay: wall.secondOfDay).instant
        return Instant(seconds: moved.seconds, nanoseconds: instant.nanoseconds)
    }
}

extension Instant {
    /// RFC 3339 with the given UTC offset (`2026-03-08T23:55:00-05:00`; `Z` for zero). The same instant as
    /// `rfc3339`, written as a wall clock with that offset reads it.
    public func rfc3339(offsetSeconds: Int) -> String {
        guard offsetSeconds != 0 else { return rfc3339 }
        let shifted = Instant(seconds: seconds + Int64(offsetSeconds), nanoseconds: nanoseconds).rfc3339.dropLast()
        return shifted + Instant.offsetText(offsetSeconds)
    }

    /// `+05:30`, `-03:30`, `+00:00`.
    public static func offsetText(_ offsetSeconds: Int) -> String {
        let a = abs(offsetSeconds)
        let h = a / 3600, m = a / 60 % 60
        return (offsetSeconds < 0 ? "-" : "+") + (h < 10 ? "0" : "") + String(h) + ":" + (m < 10 ? "0" : "") + String(m)
    }
}

/// One `ZoneRules` per zone name, shared by every user in that zone.
public final class ZoneDirectory: @unchecked Sendable {
    private var zones: [String: ZoneRules] = [:]
    private let lock = NSLock()

    public init() {}

    public func rules(for identifier: String) -> ZoneRules? {
        lock.lock(); defer { lock.unlock() }
        if let z = zones[identifier] { return z }
        guard let z = ZoneRules(identifier: identifier) else { return nil }
        zones[identifier] = z
        return z
    }
}
