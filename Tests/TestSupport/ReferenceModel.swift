// A slow, obviously-correct model of CONTRACT §2–§4 (issue 26, item 2): at every event it recomputes each
// reward's qualifying days from *all* the events accepted so far and decides from them and the awards already
// recorded, with no progress kept between events. Nothing of the engine's rules is used: only the core's model
// types (Catalog, Member, Event), LocalDate's calendar arithmetic and ZoneRules for an instant's local day.
//
// It is quadratic on purpose; use it on small worlds. Shared by the tests (TestSupport) and the fuzz package
// (Tests/Fuzz/Support/ReferenceModel.swift is a symlink to this file), so it compiles in Swift 5 and 6 modes alike.
import IncentivesCore

/// Points and tiers (CONTRACT §1 "Points and tiers", §3 "Tiers"), given to the model directly: the engine's
/// `Catalog` does not carry them yet (issue 24). Keyed by employer id and program id.
public struct ReferencePoints: Sendable {
    public struct Tier: Sendable, Equatable {
        public let id: String
        public let points: Int
        public let reward: String
        public init(id: String, points: Int, reward: String) {
            self.id = id
            self.points = points
            self.reward = reward
        }
    }

    /// employer → program → the points of each of the program's rewards, in the program's order (missing: 0).
    public var rewardPoints: [String: [String: [Int]]]
    /// employer → program → its tiers, in order.
    public var tiers: [String: [String: [Tier]]]

    public init(rewardPoints: [String: [String: [Int]]] = [:], tiers: [String: [String: [Tier]]] = [:]) {
        self.rewardPoints = rewardPoints
        self.tiers = tiers
    }

    public static let none = ReferencePoints()

    public var isEmpty: Bool {
        rewardPoints.values.allSatisfy { $0.values.allSatisfy { $0.allSatisfy { $0 == 0 } } } && tiers.values.allSatisfy { $0.values.allSatisfy(\.isEmpty) }
    }

    func points(_ employer: String, _ program: String, reward index: Int) -> Int {
        guard let list = rewardPoints[employer]?[program], index < list.count else { return 0 }
        return list[index]
    }

    func tiers(_ employer: String, _ program: String) -> [Tier] { tiers[employer]?[program] ?? [] }
}

/// One achievement as the model records it.
public struct ReferenceAward: Sendable, Equatable {
    public let user: String
    public let employer: String
    public let program: String
    /// The incentive's id; nil for a tier.
    public let incentive: String?
    /// The tier's id; nil for an award of a reward.
    public let tier: String?
    public let reward: String
    public let completedOn: LocalDate
    public let achievedAt: Instant
    public let evidence: [String]

    /// For the model's own bookkeeping: which reward of the program (nil for a tier), the evidence days, the id
    /// of the event that earned it, and its points.
    public let rewardIndex: Int?
    public let evidenceDays: [LocalDate]
    public let earnedBy: String
    public let points: Int

    /// The contract's line (CONTRACT §5), keys in its order, `achievedAt` in UTC with `Z` and the fraction
    /// without trailing zeros. Written here, not by the engine's writer.
    public var jsonLine: String {
        var s = "{\"user\":" + Self.quoted(user) + ",\"employer\":" + Self.quoted(employer) + ",\"program\":" + Self.quoted(program)
        if let tier { s += ",\"tier\":" + Self.quoted(tier) } else { s += ",\"incentive\":" + Self.quoted(incentive ?? "") }
        s += ",\"reward\":" + Self.quoted(reward)
        s += ",\"completedOn\":\"" + Self.iso(completedOn) + "\",\"achievedAt\":\"" + Self.utc(achievedAt) + "\""
        s += ",\"evidence\":[" + evidence.map(Self.quoted).joined(separator: ",") + "]}"
        return s
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    static func iso(_ d: LocalDate) -> String {
        let c = d.components
        return pad(c.year, 4) + "-" + pad(c.month, 2) + "-" + pad(c.day, 2)
    }

    static func utc(_ t: Instant) -> String {
        var days = t.seconds / 86_400
        var rest = t.seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        var s = iso(LocalDate(dayNumber: Int32(days))) + "T" + pad(Int(rest / 3600), 2) + ":" + pad(Int(rest / 60 % 60), 2) + ":" + pad(Int(rest % 60), 2)
        if t.nanoseconds != 0 {
            var f = pad(Int(t.nanoseconds), 9)
            while f.hasSuffix("0") { f.removeLast() }
            s += "." + f
        }
        return s + "Z"
    }
}

/// What the model decided for a list of event lines.
public struct ReferenceOutcome: Sendable {
    public enum Disposition: Sendable, Equatable { case accepted, duplicate, rejected }
    /// Per input line: what became of it, and what it earned (in the order recorded).
    public var dispositions: [Disposition] = []
    public var earned: [[ReferenceAward]] = []
    public var read = 0, accepted = 0, duplicates = 0, rejected = 0, achievements = 0

    /// Every achievement line, in the order recorded.
    public var lines: [String] { earned.flatMap { $0.map(\.jsonLine) } }
    /// CONTRACT §5's summary line.
    public var summary: String {
        "events: \(read) read, \(accepted) accepted, \(duplicates) duplicates, \(rejected) rejected; achievements: \(achievements)"
    }
}

public enum ReferenceModel {
    /// Runs the contract over `events` in order. A nil entry is a line refused before it became an event (bad
    /// JSON, a bad field): read and rejected. `members` is the roster.
    public static func run(catalog: Catalog, members: [Member], events: [Event?], points: ReferencePoints = .none) -> ReferenceOutcome {
        var out = ReferenceOutcome()
        var zones: [String: ZoneRules] = [:]
        func localDay(_ e: Event, _ m: Member) -> LocalDate {
            if zones[m.timezone] == nil { zones[m.timezone] = ZoneRules(identifier: m.timezone) }
            guard let z = zones[m.timezone] else { preconditionFailure("the model was given an unknown zone \(m.timezone)") }
            return z.localDate(of: e.at)
        }
        /// Every event accepted so far, in arrival order, with its user's local day.
        var history: [(event: Event, day: LocalDate)] = []
        /// Every achievement recorded so far, in order.
        var log: [ReferenceAward] = []

        for entry in events {
            out.read += 1
            guard let e = entry, let member = members.first(where: { $0.id == e.user }) else {
                out.dispositions.append(.rejected); out.earned.append([]); out.rejected += 1
                continue
            }
            // CONTRACT §4: an id accepted before: the same content is a duplicate, other content a conflict.
            if let first = history.first(where: { $0.event.id == e.id })?.event {
                let same = first.type == e.type && first.user == e.user && first.at == e.at && first.category == e.category
                out.dispositions.append(same ? .duplicate : .rejected); out.earned.append([])
                if same { out.duplicates += 1 } else { out.rejected += 1 }
                continue
            }
            let day = localDay(e, member)
            history.append((e, day))
            out.accepted += 1
            out.dispositions.append(.accepted)
            var earned: [ReferenceAward] = []
            defer { out.earned.append(earned); out.achievements += earned.count }
            guard let employerID = member.employer, let employer = catalog.employers.first(where: { $0.id == employerID }) else { continue }

            for program in employer.programs {
                for (index, reward) in program.rewards.enumerated() {
                    guard let incentive = catalog.incentives.first(where: { $0.id == reward.incentive }) else { continue }
                    func qualifies(_ x: Event, _ d: LocalDate) -> Bool {
                        guard x.user == member.id, x.type == incentive.event else { return false }
                        if x.type == .healthDataLogged, let categories = incentive.categories {
                            guard let c = x.category, categories.contains(c) else { return false }
                        }
                        if let from = reward.countsFrom, d < from { return false }
                        return d >= program.starts && d <= program.ends && d >= member.eligibleFrom
                            && (member.eligibleUntil.map { d <= $0 } ?? true)
                    }
                    guard qualifies(e, day) else { continue }
                    let prior = log.filter { $0.user == member.id && $0.employer == employer.id && $0.program == program.id && $0.rewardIndex == index }
                    guard prior.count < reward.limit else { continue }
                    // The qualifying days so far, each with the first arriving qualifying event of that day.
                    var firstOfDay: [LocalDate: String] = [:]
                    for h in history where qualifies(h.event, h.day) && firstOfDay[h.day] == nil { firstOfDay[h.day] = h.event.id }

                    var evidenceDays: [LocalDate]?
                    switch incentive.rule {
                    case is SingleEventRule:
                        evidenceDays = [day]
                    case let r as StreakRule:
                        evidenceDays = window(days: r.days, window: r.days, day: day, qualifying: Set(firstOfDay.keys), prior: prior)
                    case let r as DaysInWindowRule:
                        evidenceDays = window(days: r.days, window: r.window, day: day, qualifying: Set(firstOfDay.keys), prior: prior)
                    case let r as DaysInPeriodRule:
                        // Only a new day can earn: this event must be the first qualifying one of its day.
                        guard firstOfDay[day] == e.id else { break }
                        let period = r.period == .week ? week(holding: day) : month(holding: day)
                        guard !prior.contains(where: { $0.evidenceDays.contains(where: period.contains) }) else { break }
                        let inPeriod = firstOfDay.keys.filter(period.contains).sorted()
                        if inPeriod.count >= r.days { evidenceDays = Array(inPeriod.prefix(r.days)) }
                    default:
                        preconditionFailure("the model does not know the kind \(type(of: incentive.rule).kind)")
                    }
                    guard let days = evidenceDays, let last = days.max() else { continue }
                    let carried = points.points(employer.id, program.id, reward: index)
                    let award = ReferenceAward(
                        user: member.id, employer: employer.id, program: program.id, incentive: incentive.id, tier: nil,
                        reward: reward.reward, completedOn: last, achievedAt: e.at,
                        evidence: incentive.rule is SingleEventRule ? [e.id] : days.map { firstOfDay[$0]! },
                        rewardIndex: index, evidenceDays: days, earnedBy: e.id, points: carried)
                    log.append(award)
                    earned.append(award)
                    guard carried > 0 else { continue }
                    // Tiers: right after an award that carries points, every tier not yet reached that the total reaches.
                    let mine = log.filter { $0.user == member.id && $0.employer == employer.id && $0.program == program.id }
                    let awards = mine.filter { $0.tier == nil && $0.points > 0 }
                    let total = awards.reduce(0) { $0 + $1.points }
                    for tier in points.tiers(employer.id, program.id)
                    where total >= tier.points && !mine.contains(where: { $0.tier == tier.id }) {
                        var evidence: [String] = []
                        var running = 0
                        for a in awards {
                            if !evidence.contains(a.earnedBy) { evidence.append(a.earnedBy) }
                            running += a.points
                            if running >= tier.points { break }
                        }
                        let t = ReferenceAward(
                            user: member.id, employer: employer.id, program: program.id, incentive: nil, tier: tier.id,
                            reward: tier.reward, completedOn: award.completedOn, achievedAt: award.achievedAt, evidence: evidence,
                            rewardIndex: nil, evidenceDays: [], earnedBy: e.id, points: 0)
                        log.append(t)
                        earned.append(t)
                    }
                }
            }
        }
        return out
    }

    /// `streak` / `days_in_window`: among the windows of `window` days that contain `day` and hold at least `days`
    /// days not used by an earlier award of this reward, the one that starts earliest; its earliest `days` unused days.
    static func window(days: Int, window: Int, day: LocalDate, qualifying: Set<LocalDate>, prior: [ReferenceAward]) -> [LocalDate]? {
        let used = Set(prior.flatMap(\.evidenceDays))
        let unused = qualifying.subtracting(used)
        for offset in stride(from: window - 1, through: 0, by: -1) {
            let start = day.adding(days: -offset), end = start.adding(days: window - 1)
            let inside = unused.filter { $0 >= start && $0 <= end }.sorted()
            if inside.count >= days { return Array(inside.prefix(days)) }
        }
        return nil
    }

    /// Monday to Sunday.
    static func week(holding d: LocalDate) -> ClosedRange<LocalDate> {
        let sinceMonday = (d.weekday + 6) % 7 // weekday: 0 = Sunday
        let monday = d.adding(days: -sinceMonday)
        return monday...monday.adding(days: 6)
    }

    static func month(holding d: LocalDate) -> ClosedRange<LocalDate> {
        let c = d.components
        let first = LocalDate(year: c.year, month: c.month, day: 1)!
        var last = first
        while last.adding(days: 1).components.month == c.month { last = last.adding(days: 1) }
        return first...last
    }
}
