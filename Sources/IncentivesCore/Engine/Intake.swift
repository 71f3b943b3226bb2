/// The in-memory front of the engine used by `replay` and the console's simulator: admission
/// (unknown users, duplicates, conflicts — CONTRACT §4), then the engine, and the run's counts.
/// The store does the same admission against its event table instead.
public final class Intake {
    /// The engine; with shards, the first shard's (use `engine(for:)` to reach a user's).
    public let engine: Engine
    private let shards: EngineShards?
    /// Used by `take(_:)`. Callers that admit on another thread pass their verdicts to `take(_:verdict:)`.
    public let admission: Admission
    public private(set) var counts = IntakeCounts()

    public init(engine: Engine, expectedEvents: Int = 0) {
        self.engine = engine
        shards = nil
        admission = Admission(roster: engine.roster, expectedEvents: expectedEvents)
    }

    /// Evaluates with several engines partitioned by user, in parallel a batch at a time (`take(batch:)`).
    public init(shards: EngineShards, expectedEvents: Int = 0) {
        engine = shards.engines[0]
        self.shards = shards
        admission = Admission(roster: engine.roster, expectedEvents: expectedEvents)
    }

    /// The engine that holds this user's progress.
    public func engine(for user: String) -> Engine { shards?.engine(for: user) ?? engine }

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
            return count(engine(for: event.user).record(event))
        }
    }

    /// A batch of admitted events, in arrival order; with shards the new ones are evaluated in parallel.
    /// Returns each event's disposition at its place.
    public func take(batch: [(event: Event, verdict: Admission.Verdict)]) -> [Disposition] {
        guard let shards else { return batch.map { take($0.event, verdict: $0.verdict) } }
        var fresh: [Event] = []
        for entry in batch { if case .new = entry.verdict { fresh.append(entry.event) } }
        var recorded = shards.record(fresh).makeIterator()
        return batch.map { entry in
            counts.read += 1
            switch entry.verdict {
            case .duplicate:
                counts.duplicates += 1
                return .duplicate
            case .rejected(let why):
                return reject(why)
            case .new:
                return count(recorded.next()!)
            }
        }
    }

    private func count(_ result: Result<[Achievement], Rejection>) -> Disposition {
        switch result {
        case .failure(let why):
            return reject(why)
        case .success(let achievements):
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
