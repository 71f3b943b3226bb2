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
