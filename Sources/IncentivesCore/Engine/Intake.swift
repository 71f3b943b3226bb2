/// The in-memory front of the engine used by `replay` and the console's simulator: it refuses
/// unknown users, tells duplicates from conflicts (CONTRACT §4) and keeps the run's counts.
/// The store does the same duplicate check against its event table instead.
public final class Intake {
    public let engine: Engine
    /// id digest → content fingerprint of every accepted event.
    private var seen: IDTable
    public private(set) var counts = IntakeCounts()

    public init(engine: Engine, expectedEvents: Int = 0) {
        self.engine = engine
        seen = IDTable(capacity: expectedEvents)
    }

    public enum Disposition: Sendable {
        case accepted([Achievement])
        case duplicate
        case rejected(Rejection)
    }

    /// One validated event, in arrival order.
    public func take(_ event: Event) -> Disposition {
        counts.read += 1
        // Only accepted events are remembered, so an id first seen with an unknown user is not "seen".
        let fingerprint = event.contentFingerprint
        let key = IDDigest(event.id)
        if let earlier = seen.value(for: key) {
            if earlier == fingerprint {
                counts.duplicates += 1
                return .duplicate
            }
            return reject(Rejection(.conflict, field: "id",
                                    "\(JSONText.quote(event.id)) was already accepted with other content; the first one stands"))
        }
        switch engine.record(event) {
        case .failure(let why):
            return reject(why)
        case .success(let achievements):
            seen.set(fingerprint, for: key)
            counts.accepted += 1
            counts.achievements += achievements.count
            return .accepted(achievements)
        }
    }

    /// A line that failed before it became an event (bad JSON, missing field...).
    @discardableResult
    public func reject(_ why: Rejection, countAsRead: Bool = false) -> Disposition {
        if countAsRead { counts.read += 1 }
        counts.rejected += 1
        return .rejected(why)
    }
}

/// The numbers in the closing summary line.
public struct IntakeCounts: Sendable, Equatable {
    public var read = 0
    public var accepted = 0
    public var duplicates = 0
    public var rejected = 0
    public var achievements = 0

    public init() {}

    /// `events: R read, A accepted, D duplicates, X rejected; achievements: N` (CONTRACT §5).
    public var summary: String {
        "events: \(read) read, \(accepted) accepted, \(duplicates) duplicates, \(rejected) rejected; achievements: \(achievements)"
    }

    public static func + (a: IntakeCounts, b: IntakeCounts) -> IntakeCounts {
        var c = a
        c.read += b.read; c.accepted += b.accepted; c.duplicates += b.duplicates
        c.rejected += b.rejected; c.achievements += b.achievements
        return c
    }
}
