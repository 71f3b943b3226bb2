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
        /// What the proposal changes about this reward (empty: nothing; a limit and the dates can change together).
        public let changes: [CatalogChange.Kind]
        /// What the store holds for it right after `init --backfill` applies the proposal (`CatalogChange.afterBackfill`).
        /// Without `--backfill` nothing is recorded for past events: the store keeps `current`.
        public let afterBackfill: Int

        public var difference: Int { proposed - current }

        /// The change in a word or two, for the CHANGE column: "added", "limit 1 → 2", "dates", ...
        public var changeText: String {
            changes.map { change in
                switch change {
                case .added: return "added"
                case .removed: return "removed"
                case .redefined: return "redefined"
                case .limit(let from, let to): return "limit \(from) → \(to)"
                case .dates: return "dates"
                case .points(let from, let to): return "points \(from) → \(to)"
                }
            }.joined(separator: ", ")
        }
    }

    /// The current catalog's intake, for the rewards the proposal changes or drops only (nil: it changes none);
    /// the proposed catalog's, for all its rewards (`SharedRewards`).
    private let current: Intake?
    private let proposed: Intake
    private let currentCatalog: Catalog
    private let proposedCatalog: Catalog
    /// Rewards both catalogs define alike but maybe for their limit, with both limits: what the proposal earns
    /// for them is what the current catalog earns too, each within its own limit (`SharedRewards`).
    private let sharedLimits: [Key: (current: Int, proposed: Int)]
    private let since: LocalDate?
    private let until: LocalDate?
    private let employer: String?
    private var currentCounts: [Key: Int] = [:]
    private var proposedCounts: [Key: Int] = [:]
    private var proposedUsers: [Key: Set<String>] = [:]
    public private(set) var events = 0

    private struct Key: Hashable { let employer, program, incentive, reward: String }

    public init(current: Catalog, proposed: Catalog, roster: Roster, zones: ZoneDirectory = ZoneDirectory(),
                since: LocalDate? = nil, until: LocalDate? = nil, employer: String? = nil) throws(Engine.SetupError) {
        let shared = SharedRewards(current, proposed)
        // Rewards of other employers than the one asked for count nowhere: they are not evaluated.
        let asked = { (e: Employer) in employer.map { e.id == $0 } ?? true }
        let currentPart = current.mappingRewards { e, p, r in
            asked(e) && shared.limits(e, p, r, in: current) == nil ? r : nil
        }
        var sharedLimits: [Key: (current: Int, proposed: Int)] = [:]
        let proposedPart = proposed.mappingRewards { e, p, r in
            guard asked(e) else { return nil }
            guard let limits = shared.limits(e, p, r, in: proposed) else { return r }
            sharedLimits[Key(employer: e.id, program: p.id, incentive: r.incentive, reward: r.reward)] = limits
            return r.limited(to: max(limits.current, limits.proposed))
        }
        // Stored events were each admitted once: the intakes skip the duplicate check (`Intake(storedEventsFor:)`).
        self.current = currentPart.employers.contains { $0.programs.contains { !$0.rewards.isEmpty } }
            ? Intake(storedEventsFor: try Engine(catalog: currentPart, roster: roster, zones: zones)) : nil
        self.proposed = Intake(storedEventsFor: try Engine(catalog: proposedPart, roster: roster, zones: zones))
        currentCatalog = current
        proposedCatalog = proposed
        self.sharedLimits = sharedLimits
        self.since = since
        self.until = until
        self.employer = employer
    }

    /// Whether the current catalog's rewards all come out as the proposal's (it changes none of them): then only
    /// one intake runs.
    public var evaluatesOneCatalog: Bool { current == nil }

    /// A batch of events in arrival order; the two catalogs are evaluated on two threads.
    public func take(_ batch: [Event]) {
        let lines = batch.map { Result<Event, Rejection>.success($0) }
        let intakes = [proposed] + (current.map { [$0] } ?? [])
        let work = PreviewWork(intakes: intakes, lines: lines)
        if intakes.count == 1 {
            work.outcomes[0] = proposed.take(batch: lines)
        } else {
            DispatchQueue.concurrentPerform(iterations: intakes.count) { i in work.outcomes[i] = work.intakes[i].take(batch: work.lines) }
        }
        defer { work.release() }
        events += batch.count
        for (_, earned) in work.outcomes[0]!.earned {
            for a in earned where counts(a) {
                let k = key(a)
                let limits = sharedLimits[k]
                if a.ordinal <= limits?.proposed ?? Int.max {
                    proposedCounts[k, default: 0] += 1
                    proposedUsers[k, default: []].insert(a.user)
                }
                if let limits, a.ordinal <= limits.current { currentCounts[k, default: 0] += 1 }
            }
        }
        if intakes.count > 1 {
            for (_, earned) in work.outcomes[1]!.earned { for a in earned where counts(a) { currentCounts[key(a), default: 0] += 1 } }
        }
    }

    private func key(_ a: Achievement) -> Key {
        Key(employer: a.employer, program: a.program, incentive: a.tier.map(Self.tierKey) ?? a.incentive, reward: a.reward)
    }

    /// A tier's row names it in the incentive's place: "tier:silver".
    public static func tierKey(_ tier: String) -> String { "tier:" + tier }

    private func counts(_ a: Achievement) -> Bool {
        (since.map { a.completedOn >= $0 } ?? true) && (until.map { a.completedOn <= $0 } ?? true)
            && (employer.map { a.employer == $0 } ?? true)
    }

    /// Every reward of the current catalog in catalog order (a program's tiers after its rewards, `tierKey`), then the
    /// proposal's new ones in its order.
    public var rows: [Row] {
        func keys(_ c: Catalog) -> [Key] {
            c.employers.filter { e in employer.map { e.id == $0 } ?? true }.flatMap { e in
                e.programs.flatMap { p in
                    p.rewards.map { Key(employer: e.id, program: p.id, incentive: $0.incentive, reward: $0.reward) }
                        + p.tiers.map { Key(employer: e.id, program: p.id, incentive: Self.tierKey($0.id), reward: $0.reward) }
                }
            }
        }
        let inCurrent = keys(currentCatalog), inProposed = keys(proposedCatalog)
        let currentSet = Set(inCurrent), proposedSet = Set(inProposed)
        var changes: [Key: [CatalogChange.Kind]] = [:]
        for r in CatalogChange.between(currentCatalog, proposedCatalog).rewards {
            changes[Key(employer: r.employer, program: r.program, incentive: r.incentive, reward: r.reward), default: []].append(r.kind)
        }
        var seen = Set<Key>()
        return (inCurrent + inProposed).compactMap { k in
            guard seen.insert(k).inserted else { return nil }
            let current = currentCounts[k] ?? 0, proposed = proposedCounts[k] ?? 0
            return Row(employer: k.employer, program: k.program, incentive: k.incentive, reward: k.reward,
                       current: current, proposed: proposed, users: proposedUsers[k]?.count ?? 0,
                       inCurrent: currentSet.contains(k), inProposed: proposedSet.contains(k), changes: changes[k] ?? [],
                       afterBackfill: CatalogChange.afterBackfill(changes[k] ?? [], current: current, proposed: proposed))
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
