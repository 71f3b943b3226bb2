/// A user's points in one program (CONTRACT §1 "Points and tiers", §3 "Tiers"): the running total of the points
/// their awards carried, the earning event of each point-carrying award (a tier's evidence), and the tiers reached.
///
/// Small by construction: one entry per point-carrying award, and awards are bounded by the rewards' limits.
struct PointsLedger: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        /// The event that earned the award, and its local day.
        let event: String
        let day: LocalDate
        /// The program total right after this award.
        let total: Int
    }

    private(set) var total = 0
    private(set) var entries: [Entry] = []
    /// The ids of the tiers reached, in the order they were reached.
    private(set) var reached: [String] = []

    init() {}

    /// Restores a saved ledger. nil when the entries contradict themselves (a total that goes down, or does not
    /// end at `total`): saved bytes only a damaged store could hold.
    init?(total: Int, entries: [Entry], reached: [String]) {
        var previous = 0
        for e in entries {
            guard e.total >= previous, e.total > 0 else { return nil }
            previous = e.total
        }
        guard previous == total else { return nil }
        self.total = total
        self.entries = entries
        self.reached = reached
    }

    /// Adds an award's points (more than 0). Totals stop at `Int.max` rather than trap.
    mutating func add(_ points: Int, earnedBy event: String, on day: LocalDate) {
        precondition(points > 0, "only awards that carry points enter the ledger")
        total = total.addingSaturated(points)
        entries.append(Entry(event: event, day: day, total: total))
    }

    /// The tiers of `ladder` that the total reaches and that were not reached before, in the ladder's order;
    /// they count as reached from now on.
    mutating func reach(_ ladder: [Tier]) -> [Tier] {
        var now: [Tier] = []
        for tier in ladder where tier.points <= total && !reached.contains(tier.id) {
            reached.append(tier.id)
            now.append(tier)
        }
        return now
    }

    /// A tier's evidence: the earning events of the point-carrying awards in the order they were recorded, from the
    /// first up to the first whose running total reaches `points`, each event once (one event can earn two awards).
    func evidence(reaching points: Int) -> (events: [String], days: [LocalDate]) {
        var events: [String] = [], days: [LocalDate] = []
        var seen = Set<String>()
        for e in entries {
            if seen.insert(e.event).inserted {
                events.append(e.event)
                days.append(e.day)
            }
            if e.total >= points { break }
        }
        return (events, days)
    }

    /// The first tier of `ladder` not reached yet, if any: what the user works toward.
    func nextTier(of ladder: [Tier]) -> Tier? { ladder.first { !reached.contains($0.id) } }
}

/// What people see of a user's points in one program (`incentives user`, `why`, the console).
public struct PointsStanding: Sendable {
    public let program: Program
    public let total: Int
    /// The tiers reached, in the ladder's order.
    public let reached: [Tier]
    /// The next tier not reached yet; nil when every tier is reached or the program has none.
    public let next: Tier?

    /// "70 of 100 points to silver", or "210 points, every tier reached".
    public var text: String {
        if let next { return "\(total) of \(next.points) points to \(next.id)" }
        return program.tiers.isEmpty ? "\(total) points" : "\(total) points, every tier reached"
    }
}
