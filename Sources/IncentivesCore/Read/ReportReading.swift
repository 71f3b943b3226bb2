/// What `incentives report` reads from a store (issue 25): an employer's roster, their users' stored events and
/// the employer's awards, streamed. Both stores implement it (`StoreReader`, `PGStoreReader`); the numbers are
/// made in the core (`ParticipationCounter`, `BillingReport`) from these rows with the engine's own rules — the
/// local day in the user's zone and the qualification check of CONTRACT §2 — so SQL never re-states the contract.
public protocol ReportReading: StoreReading {
    /// The users on `employer`'s roster now, in id order.
    func members(employer: String) throws -> [Member]
    /// Every stored (accepted) event of a user on `employer`'s roster, streamed: each user's events in arrival
    /// order (one user's after another's, users in any order), so an engine fed them decides as the ingest did.
    func forEachEvent(employer: String, _ body: (Event) throws -> Void) throws
    /// The achievements `query` selects, in its order, streamed.
    func forEachAchievement(_ query: AchievementQuery, _ body: (AchievementRecord) throws -> Void) throws
}

extension ReportReading {
    /// Participation per program of `employer` (or only `program`) and per period (see `ParticipationCounter`).
    public func participation(employer: Employer, program: String?, by grouping: ReportGrouping, from: LocalDate?, to: LocalDate?,
                              zones: ZoneDirectory = ZoneDirectory()) throws -> [ParticipationRow] {
        let counter = ParticipationCounter(catalog: catalog, employer: employer, program: program, by: grouping, from: from, to: to,
                                           members: try members(employer: employer.id), zones: zones)
        if counter.needsEvents { try forEachEvent(employer: employer.id) { counter.count($0) } }
        var q = AchievementQuery(employer: employer.id, program: program)
        q.since = counter.earliest
        q.until = counter.latest
        if counter.earliest != nil { try forEachAchievement(q) { counter.count($0.achievement) } }
        return try counter.rows()
    }

    /// One line per award of `employer` (or only `program`) completed in `first`...`last`, in recording order.
    public func billing(employer: Employer, program: String?, first: LocalDate, last: LocalDate) throws -> BillingReport {
        var report = BillingReport()
        var q = AchievementQuery(employer: employer.id, program: program, since: first, until: last)
        q.order = .recorded
        let prices = CostTable(employer)
        try forEachAchievement(q) { r in
            let a = r.achievement
            let cost = prices.cost(of: a)
            report.lines.append(BillingLine(id: a.id, user: a.user, program: a.program, incentive: a.incentive, reward: a.reward, tier: a.tier,
                                            completedOn: a.completedOn, cost: cost, partners: catalog.partners(for: a).map(\.id)))
            if let cost, !report.total.add(cost) { throw ReportError.costOverflow(program: a.program) }
        }
        return report
    }
}

/// A report's periods: calendar months ("2026-03") or ISO 8601 weeks, Monday to Sunday ("2026-W10").
public enum ReportGrouping: String, Sendable, CaseIterable {
    case month, week

    /// The period holding `day`: its name, first and last day.
    public func period(of day: LocalDate) -> (name: String, first: LocalDate, last: LocalDate) {
        switch self {
        case .month:
            let (y, m, d) = day.components
            let first = day.adding(days: 1 - d)
            let last = first.adding(days: LocalDate.daysIn(month: m, year: y) - 1)
            return (Self.pad(y, 4) + "-" + Self.pad(m, 2), first, last)
        case .week:
            let mondayBased = (day.weekday + 6) % 7
            let monday = day.adding(days: -mondayBased)
            // The ISO week-year is the year of the week's Thursday; week 1 holds that year's first Thursday.
            let thursday = monday.adding(days: 3)
            let year = thursday.components.year
            let january1 = LocalDate(year: year, month: 1, day: 1) ?? thursday
            let week = thursday.days(since: january1) / 7 + 1
            return (Self.pad(year, 4) + "-W" + Self.pad(week, 2), monday, monday.adding(days: 6))
        }
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

public enum ReportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A currency's sum left 64 bits (amounts are below 10⁹, so it takes some 900,000 awards of the largest).
    case costOverflow(program: String)
    /// The engine refused the stored catalog and roster (which `init` validated: a damaged store).
    case engine(String)

    public var description: String {
        switch self {
        case .costOverflow(let p): return "the cost of program \(JSONText.quote(p)) does not fit in 64 bits"
        case .engine(let why): return "the stored catalog and roster do not make an engine: \(why)"
        }
    }
}

/// One program in one period: the numbers issue 25 defines.
public struct ParticipationRow: Sendable, Equatable {
    public let employer: String
    public let program: String
    /// "2026-03" or "2026-W10".
    public let period: String
    /// The days counted: the period, cut to the program's span and to `--from`/`--to`.
    public let first: LocalDate
    public let last: LocalDate
    /// The employer's users eligible on at least one of those days.
    public var eligible = 0
    /// Users with at least one stored event that qualifies (CONTRACT §2) for one of the program's rewards on a
    /// local day among them.
    public var active = 0
    /// Distinct users with an award (tiers included) completed on one of those days.
    public var awarded = 0
    /// Those awards.
    public var awards = 0
    /// What they cost, by currency (awards whose reward or tier has no cost add nothing).
    public var cost = MoneyTotals()

    /// `{"employer":…,"program":…,"period":…,"eligible":…,"active":…,"awarded":…,"awards":…,"cost":{…}}`.
    public var jsonLine: String {
        "{\"employer\":\(JSONText.quote(employer)),\"program\":\(JSONText.quote(program)),\"period\":\(JSONText.quote(period)),"
            + "\"eligible\":\(eligible),\"active\":\(active),\"awarded\":\(awarded),\"awards\":\(awards),\"cost\":\(cost.json)}"
    }
}

extension ParticipationRow {
    /// The rows as a table (`incentives report`'s table and CSV, and the console's export, so the two files agree):
    /// one cost column per currency any row has, amounts as the catalog writes them.
    public static func table(_ rows: [ParticipationRow]) -> (columns: [String], cells: [[String]]) {
        let currencies = Set(rows.flatMap { $0.cost.units.keys }).sorted()
        let columns = ["employer", "program", "period", "eligible", "active", "awarded", "awards"] + currencies.map { "cost " + $0 }
        let cells = rows.map { r in
            [r.employer, r.program, r.period, String(r.eligible), String(r.active), String(r.awarded), String(r.awards)]
                + currencies.map { Money.format(r.cost.units[$0] ?? 0) }
        }
        return (columns, cells)
    }
}

/// The prices of an employer's rewards and tiers, as the current catalog gives them.
struct CostTable {
    private var rewards: [String: Money] = [:]
    private var tiers: [String: Money] = [:]

    init(_ employer: Employer) {
        for p in employer.programs {
            for r in p.rewards { if let c = r.cost { rewards[p.id + "\u{1f}" + r.incentive + "\u{1f}" + r.reward] = c } }
            for t in p.tiers { if let c = t.cost { tiers[p.id + "\u{1f}" + t.id] = c } }
        }
    }

    func cost(of a: Achievement) -> Money? {
        if let tier = a.tier { return tiers[a.program + "\u{1f}" + tier] }
        return rewards[a.program + "\u{1f}" + a.incentive + "\u{1f}" + a.reward]
    }
}

/// Counts participation from an employer's roster, events and awards, fed one at a time (so a store streams
/// them). Events are judged exactly as the engine's gates judge them: the local day in the user's roster zone,
/// the incentive's event type and categories, the program's days (from a reward's `countsFrom` when a catalog
/// version added it) and the user's eligibility.
public final class ParticipationCounter {
    private struct Slot {
        let program: Program
        let first: LocalDate
        let last: LocalDate
        var rows: [ParticipationRow]
        /// Per period: the members (by position) active, the users awarded.
        var active: [Set<Int32>]
        var awarded: [Set<String>]
        /// Per reward: its incentive and the first day it counts.
        let gates: [(incentive: Incentive, from: LocalDate)]
    }

    private let grouping: ReportGrouping
    private var slots: [Slot] = []
    private var slotIndex: [String: Int] = [:]
    private let members: [Member]
    private let memberIndex: [String: Int32]
    private let memberZones: [ZoneRules?]
    private let prices: CostTable
    private var overflowed: String?

    /// The first and last day any row counts (nil: no program has a day in range).
    public let earliest: LocalDate?
    public let latest: LocalDate?

    public init(catalog: Catalog, employer: Employer, program: String?, by grouping: ReportGrouping, from: LocalDate?, to: LocalDate?,
                members: [Member], zones: ZoneDirectory = ZoneDirectory()) {
        self.grouping = grouping
        self.members = members
        var index: [String: Int32] = [:]
        for (i, m) in members.enumerated() where m.employer == employer.id { index[m.id] = Int32(i) }
        memberIndex = index
        memberZones = members.map { zones.rules(for: $0.timezone) }
        prices = CostTable(employer)
        // Eligibility as two sorted lists, so that each period's count is two binary searches: a program may run
        // from 0001 to 9999 (520,000 weeks), and members × periods would not end.
        let employed = members.filter { $0.employer == employer.id }
        let starts = employed.map(\.eligibleFrom.dayNumber).sorted()
        let ends = employed.compactMap { $0.eligibleUntil?.dayNumber }.sorted()
        func eligible(from first: LocalDate, to last: LocalDate) -> Int {
            // Eligible on a day of first...last: started by `last`, and not ended before `first`.
            Self.count(starts, atMost: last.dayNumber) - Self.count(ends, below: first.dayNumber)
        }
        var lo: LocalDate?, hi: LocalDate?
        for p in employer.programs where program == nil || p.id == program {
            let first = max(p.starts, from ?? p.starts), last = min(p.ends, to ?? p.ends)
            guard first <= last else { continue }
            var rows: [ParticipationRow] = []
            var day = first
            while day <= last {
                let period = grouping.period(of: day)
                let end = min(period.last, last)
                var row = ParticipationRow(employer: employer.id, program: p.id, period: period.name, first: day, last: end)
                row.eligible = eligible(from: day, to: end)
                rows.append(row)
                guard end < LocalDate(dayNumber: .max) else { break }
                day = end.adding(days: 1)
            }
            let gates = p.rewards.compactMap { r in catalog.incentive(r.incentive).map { ($0, max(p.starts, r.countsFrom ?? p.starts)) } }
            slotIndex[p.id] = slots.count
            slots.append(Slot(program: p, first: first, last: last, rows: rows, active: Array(repeating: [], count: rows.count),
                              awarded: Array(repeating: [], count: rows.count), gates: gates))
            lo = min(lo ?? first, first)
            hi = max(hi ?? last, last)
        }
        earliest = lo
        latest = hi
    }

    /// How many of the sorted `values` are at most `limit`.
    static func count(_ values: [Int32], atMost limit: Int32) -> Int {
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid] <= limit { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// How many of the sorted `values` are below `limit`.
    static func count(_ values: [Int32], below limit: Int32) -> Int { limit == .min ? 0 : count(values, atMost: limit - 1) }

    /// Whether any program is in range (else no event can count).
    public var needsEvents: Bool { !slots.isEmpty && !memberIndex.isEmpty }

    private func periodIndex(_ slot: Slot, _ day: LocalDate) -> Int? {
        guard day >= slot.first, day <= slot.last else { return nil }
        switch grouping {
        case .month:
            let a = slot.first.components, b = day.components
            return (b.year * 12 + b.month) - (a.year * 12 + a.month)
        case .week:
            func monday(_ d: LocalDate) -> Int { Int(d.dayNumber) - (d.weekday + 6) % 7 }
            return (monday(day) - monday(slot.first)) / 7
        }
    }

    /// One stored event of anyone; those of other employers' users are ignored.
    public func count(_ event: Event) {
        guard let m = memberIndex[event.user], let zone = memberZones[Int(m)] else { return }
        let member = members[Int(m)]
        let day = zone.localDate(of: event.at)
        guard member.isEligible(on: day) else { return }
        for s in slots.indices {
            let slot = slots[s]
            guard let i = periodIndex(slot, day) else { continue }
            let qualifies = slot.gates.contains { gate in
                day >= gate.from && gate.incentive.counts(event.type, category: event.category)
            }
            if qualifies { slots[s].active[i].insert(m) }
        }
    }

    /// One award; those of other programs or outside the range are ignored.
    public func count(_ a: Achievement) {
        guard let s = slotIndex[a.program], let i = periodIndex(slots[s], a.completedOn) else { return }
        slots[s].rows[i].awards += 1
        slots[s].awarded[i].insert(a.user)
        if let cost = prices.cost(of: a), !slots[s].rows[i].cost.add(cost) { overflowed = a.program }
    }

    /// The rows, program by program in catalog order, periods in order.
    public func rows() throws -> [ParticipationRow] {
        if let overflowed { throw ReportError.costOverflow(program: overflowed) }
        var out: [ParticipationRow] = []
        for slot in slots {
            for (i, var row) in slot.rows.enumerated() {
                row.active = slot.active[i].count
                row.awarded = slot.awarded[i].count
                out.append(row)
            }
        }
        return out
    }
}

/// One award as finance reconciles it.
public struct BillingLine: Sendable, Equatable {
    public let id: String
    public let user: String
    public let program: String
    /// Empty for a tier.
    public let incentive: String
    public let reward: String
    public let tier: String?
    public let completedOn: LocalDate
    /// nil: the reward or tier has no cost in the catalog.
    public let cost: Money?
    /// The partners it goes to, in catalog order.
    public let partners: [String]

    public var jsonLine: String {
        var s = "{\"id\":\(JSONText.quote(id)),\"user\":\(JSONText.quote(user)),\"program\":\(JSONText.quote(program)),"
        s += tier.map { "\"tier\":\(JSONText.quote($0))," } ?? "\"incentive\":\(JSONText.quote(incentive)),"
        s += "\"reward\":\(JSONText.quote(reward)),\"completedOn\":\"\(completedOn.iso)\","
        s += "\"cost\":" + (cost.map { "{\"amount\":\(JSONText.quote($0.amount)),\"currency\":\(JSONText.quote($0.currency))}" } ?? "null")
        s += ",\"partners\":[" + partners.map(JSONText.quote).joined(separator: ",") + "]}"
        return s
    }
}

public struct BillingReport: Sendable, Equatable {
    public var lines: [BillingLine] = []
    public var total = MoneyTotals()
    public init() {}
}
