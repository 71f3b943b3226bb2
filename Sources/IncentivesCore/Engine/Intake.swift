/// The in-memory front of the engine used by `replay` and the console's simulator: admission
/// (unknown users, duplicates, conflicts — CONTRACT §4), then the engine, and the run's counts.
/// The store does the same admission against its event table instead.
public final class Intake {
    public let engine: Engine
    /// Used by `take(_:)`. Callers that admit on another thread pass their verdicts to `take(_:verdict:)`.
    public let admission: Admission
    public private(set) var counts = IntakeCounts()

    public init(engine: Engine, expectedEvents: Int = 0) {
        self.engine = engine
        admission = Admission(roster: engine.roster, expectedEvents: expectedEvents)
    }

    public enum Disposition: Sendable {
        case accepted([Achievement])
        case duplicate
        case rejected(Rejection)
    }

    /// One validated event, in arrival order.
    public func take(_ event: Event) -> Disposition {
        take(event, verdict: admission.admit(event))
    }

    /// One event already admitted (by this intake's `admission`, possibly on another thread), in arrival order.
    public func take(_ event: Event, verdict: Admission.Verdict) -> Disposition {
        counts.read += 1
        switch verdict {
        case .duplicate:
            counts.duplicates += 1
            return .duplicate
        case .rejected(let why):
            return reject(why)
        case .new:
            switch engine.record(event) {
            case .failure(let why):
                return reject(why)
            case .success(let achievements):
                counts.accepted += 1
                counts.achievements += achievements.count
                return .accepted(achievements)
            }
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
