import Dispatch

/// What a proposed catalog would have awarded over real history, beside what the current one awards: events
/// in arrival order through two intakes (the pipeline `replay` and `ingest` use), one per catalog, in memory.
/// Counts achievements completed between `since` and `until` (local days, inclusive); the whole history is
/// evaluated either way, so a streak that began before `since` counts as it would have.
public final class CatalogPreview {
    /// One reward of either catalog.
    public struct Row: Sendable, Equatable {
        public let employer: String
        public let program: String
        public let incentive: String
        public let reward: String
        /// Achievements under the current and the proposed catalog (0 for a reward one of them does not have).
        public let current: Int
        public let proposed: Int
        /// Users who would have earned it at least once under the proposal.
        public let users: Int
        public let inCurrent: Bool
        public let inProposed: Bool

        public var difference: Int { proposed - current }
    }

    private let current: Intake
    private let proposed: Intake
    private let since: LocalDate?
    private let until: LocalDate?
    private let employer: String?
    private var currentCounts: [Key: Int] = [:]
    private var proposedCounts: [Key: Int] = [:]
    private var proposedUsers: [Key: Set<String>] = [:]
    public private(set) var events = 0

    private struct Key: Hashable { let employer, program, incentive, reward: String }

    public init(current: Catalog, proposed: Catalog, roster: Roster, zones: ZoneDirectory = ZoneDirectory(),
                since: LocalDate? = nil, until: LocalDate? = nil, employer: String? = nil, expectedEvents: Int = 0) throws(Engine.SetupError) {
        // Stored events were each admitted once: the intakes skip the duplicate check (`Intake(storedEventsFor:)`).
        _ = expectedEvents
        self.current = Intake(storedEventsFor: try Engine(catalog: current, roster: roster, zones: zones))
        self.proposed = Intake(storedEventsFor: try Engine(catalog: proposed, roster: roster, zones: zones))
        self.since = since
        self.until = until
        self.employer = employer
    }

    /// A batch of events in arrival order; the two catalogs are evaluated on two threads.
    public func take(_ batch: [Event]) {
        let lines = batch.map { Result<Event, Rejection>.success($0) }
        let work = PreviewWork(intakes: [current, proposed], lines: lines)
        DispatchQueue.concurrentPerform(iterations: 2) { i in work.outcomes[i] = work.intakes[i].take(batch: work.lines) }
        defer { work.release() }
        events += batch.count
        for (_, earned) in work.outcomes[0]!.earned { for a in earned where counts(a) { currentCounts[key(a), default: 0] += 1 } }
        for (_, earned) in work.outcomes[1]!.earned {
            for a in earned where counts(a) {
                proposedCounts[key(a), default: 0] += 1
                proposedUsers[key(a), default: []].insert(a.user)
            }
        }
    }

    private func key(_ a: Achievement) -> Key { Key(employer: a.employer, program: a.program, incentive: a.incentive, reward: a.reward) }

    private func counts(_ a: Achievement) -> Bool {
        (since.map { a.completedOn >= $0 } ?? true) && (until.map { a.completedOn <= $0 } ?? true)
            && (employer.map { a.employer == $0 } ?? true)
    }

    /// Every reward of the current catalog in catalog order, then the proposal's new ones in its order.
    public var rows: [Row] {
        func keys(_ c: Catalog) -> [Key] {
            c.employers.filter { e in employer.map { e.id == $0 } ?? true }.flatMap { e in
                e.programs.flatMap { p in p.rewards.map { Key(employer: e.id, program: p.id, incentive: $0.incentive, reward: $0.reward) } }
            }
        }
        let inCurrent = keys(current.engine.catalog), inProposed = keys(proposed.engine.catalog)
        let currentSet = Set(inCurrent), proposedSet = Set(inProposed)
        var seen = Set<Key>()
        return (inCurrent + inProposed).compactMap { k in
            guard seen.insert(k).inserted else { return nil }
            return Row(employer: k.employer, program: k.program, incentive: k.incentive, reward: k.reward,
                       current: currentCounts[k] ?? 0, proposed: proposedCounts[k] ?? 0, users: proposedUsers[k]?.count ?? 0,
                       inCurrent: currentSet.contains(k), inProposed: proposedSet.contains(k))
        }
    }
}

/// What the two preview threads share: each writes only its own outcome.
private final class PreviewWork: @unchecked Sendable {
    let intakes: [Intake]
    let lines: [Result<Event, Rejection>]
    /// Two slots written by two threads: raw memory, not an array (whose storage two writers would share).
    let outcomes: UnsafeMutablePointer<Intake.BatchOutcome?>

    init(intakes: [Intake], lines: [Result<Event, Rejection>]) {
        self.intakes = intakes
        self.lines = lines
        outcomes = .allocate(capacity: intakes.count)
        outcomes.initialize(repeating: nil, count: intakes.count)
    }

    func release() {
        outcomes.deinitialize(count: intakes.count)
        outcomes.deallocate()
    }
}
