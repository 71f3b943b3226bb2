/// Where an employer's people stand on the way to each reward (issue 25, `incentives report --funnel`).
public struct FunnelRow: Sendable, Equatable {
    public let employer: String
    public let program: String
    public let incentive: String
    public let reward: String
    /// What one award needs, in the rule's unit (days; 1 for `single`).
    public let needed: Int
    /// `steps[k]` for k < needed: eligible users whose progress toward their next award is k of `needed` (a user
    /// with no qualifying event is at 0); `steps[needed]`: users who reached the reward's limit.
    public var steps: [Int]
    /// Users with at least one award of it.
    public var awarded = 0
    /// The median, over those users, of the days from their first qualifying event for this reward to their
    /// first award of it (nil when nobody has one).
    public var medianDays: Double?

    /// `{"employer":…,"program":…,"incentive":…,"reward":…,"needed":5,"steps":[…],"awarded":…,"medianDays":…}`.
    public var jsonLine: String {
        "{\"employer\":\(JSONText.quote(employer)),\"program\":\(JSONText.quote(program)),\"incentive\":\(JSONText.quote(incentive)),"
            + "\"reward\":\(JSONText.quote(reward)),\"needed\":\(needed),\"steps\":[\(steps.map(String.init).joined(separator: ","))],"
            + "\"awarded\":\(awarded),\"medianDays\":\(medianDays.map(FunnelRow.number) ?? "null")}"
    }

    /// 4, 4.5: a median of whole days is whole or a half.
    public static func number(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }
}

/// A points program's ladder: eligible users by the highest tier they reached ("" for none yet).
public struct TierFunnelRow: Sendable, Equatable {
    public let employer: String
    public let program: String
    /// ("", users with no tier), then each tier of the ladder, lowest first, with the users whose highest it is.
    public var tiers: [(id: String, users: Int)]

    public static func == (a: TierFunnelRow, b: TierFunnelRow) -> Bool {
        a.employer == b.employer && a.program == b.program && a.tiers.map(\.id) == b.tiers.map(\.id) && a.tiers.map(\.users) == b.tiers.map(\.users)
    }

    /// `{"employer":…,"program":…,"tiers":{"none":12,"bronze":30,"silver":4}}`, in ladder order.
    public var jsonLine: String {
        "{\"employer\":\(JSONText.quote(employer)),\"program\":\(JSONText.quote(program)),\"tiers\":{"
            + tiers.map { JSONText.quote($0.id.isEmpty ? "none" : $0.id) + ":\($0.users)" }.joined(separator: ",") + "}}"
    }
}

public struct FunnelReport: Sendable, Equatable {
    public var rewards: [FunnelRow] = []
    public var tiers: [TierFunnelRow] = []
    public init() {}
}

extension ReportReading {
    /// The funnel of each reward of `employer`'s programs (or only `program`), over the users eligible on at least
    /// one day of the program (up to `asOf`). Standings come from the engine itself: a fresh `Engine` over the
    /// employer's roster takes their stored events in arrival order — only those of local days up to `asOf` when
    /// given — and is asked each user's standing on `asOf` (else on the user's own today), as `incentives user`
    /// words it. The days to a first award run from the first local day with an event that qualifies for that
    /// reward (CONTRACT §2, the engine's gates) to the award's `completedOn`.
    public func funnel(employer: Employer, program: String?, asOf: LocalDate?, zones: ZoneDirectory = ZoneDirectory()) throws -> FunnelReport {
        try FunnelReport.make(catalog: catalog, employer: employer, program: program, asOf: asOf, members: try members(employer: employer.id),
                              zones: zones, events: { try forEachEvent(employer: employer.id, $0) })
    }
}

extension ReportReading {
    /// One program's participation per period and its funnel on `asOf`, from one pass over the employer's events (the
    /// console's Reports screen shows both: reading the events once for each was most of its first frame).
    public func participationAndFunnel(employer: Employer, program: String, by grouping: ReportGrouping, asOf: LocalDate,
                                       zones: ZoneDirectory = ZoneDirectory()) throws -> (rows: [ParticipationRow], funnel: FunnelReport) {
        let members = try members(employer: employer.id)
        let counter = ParticipationCounter(catalog: catalog, employer: employer, program: program, by: grouping, from: nil, to: nil,
                                           members: members, zones: zones)
        let funnel = try FunnelReport.make(catalog: catalog, employer: employer, program: program, asOf: asOf, members: members, zones: zones) { body in
            try forEachEvent(employer: employer.id) { e in
                counter.count(e)
                try body(e)
            }
        }
        var q = AchievementQuery(employer: employer.id, program: program)
        q.since = counter.earliest
        q.until = counter.latest
        if counter.earliest != nil { try forEachAchievement(q) { counter.count($0.achievement) } }
        return (try counter.rows(), funnel)
    }
}

extension FunnelReport {
    /// The funnel from an employer's roster and their events (each user's in arrival order), wherever they are held:
    /// a store (`ReportReading.funnel`) or the console's in-memory data, so both draw the same numbers.
    public static func make(catalog: Catalog, employer: Employer, program: String?, asOf: LocalDate?, members: [Member],
                            zones: ZoneDirectory = ZoneDirectory(), events forEachEvent: ((Event) throws -> Void) throws -> Void) throws -> FunnelReport {
        let programs = employer.programs.filter { program == nil || $0.id == program }
        let engine: Engine
        do { engine = try Engine(catalog: catalog, roster: Roster(members: members), zones: zones) } catch {
            throw ReportError.engine("\(error)")
        }
        // First qualifying day per (program, reward index, user) and first award per (program, incentive, reward,
        // user), from one pass over the employer's events.
        var firstDay: [String: LocalDate] = [:]
        var firstAward: [String: LocalDate] = [:]
        var memberIndex: [String: (Member, ZoneRules?)] = [:]
        for m in members { memberIndex[m.id] = (m, zones.rules(for: m.timezone)) }
        let gates = programs.map { p in
            p.rewards.enumerated().compactMap { i, r in catalog.incentive(r.incentive).map { (i, $0, max(p.starts, r.countsFrom ?? p.starts)) } }
        }
        let inScope = Set(programs.map(\.id))
        try forEachEvent { e in
            guard let (m, zone) = memberIndex[e.user], let zone else { return }
            let day = zone.localDate(of: e.at)
            if let asOf, day > asOf { return }
            if case .success(let awards) = engine.record(e) {
                for a in awards where !a.isTier && inScope.contains(a.program) {
                    let key = "\(a.program)\u{1f}\(a.incentive)\u{1f}\(a.reward)\u{1f}\(a.user)"
                    if firstAward[key].map({ $0 <= a.completedOn }) ?? false { continue }
                    firstAward[key] = a.completedOn
                }
            }
            guard m.isEligible(on: day) else { return }
            for (pi, p) in programs.enumerated() where day <= p.ends {
                for (ri, incentive, from) in gates[pi] where day >= from && incentive.counts(e.type, category: e.category) {
                    let key = "\(p.id)\u{1f}\(ri)\u{1f}\(e.user)"
                    if firstDay[key].map({ $0 <= day }) ?? false { continue }
                    firstDay[key] = day
                }
            }
        }

        var report = FunnelReport()
        var rowIndex: [String: Int] = [:]
        for p in programs {
            for r in p.rewards {
                guard let incentive = catalog.incentive(r.incentive) else { continue }
                let needed = max(1, incentive.rule.freshStatus(today: nil).needed)
                rowIndex["\(p.id)\u{1f}\(r.incentive)\u{1f}\(r.reward)"] = report.rewards.count
                report.rewards.append(FunnelRow(employer: employer.id, program: p.id, incentive: r.incentive, reward: r.reward, needed: needed,
                                                steps: Array(repeating: 0, count: needed + 1)))
            }
            if !p.tiers.isEmpty {
                report.tiers.append(TierFunnelRow(employer: employer.id, program: p.id, tiers: [("", 0)] + p.tiers.map { ($0.id, 0) }))
            }
        }
        var tierIndex: [String: Int] = [:]
        for (i, t) in report.tiers.enumerated() { tierIndex[t.program] = i }
        let programByID = Dictionary(programs.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        func eligible(_ m: Member, in p: Program) -> Bool {
            m.eligibleFrom <= min(p.ends, asOf ?? p.ends) && (m.eligibleUntil.map { $0 >= p.starts } ?? true)
        }

        for m in members {
            for standing in engine.standings(of: m.id, today: asOf) {
                let s = StandingRecord(standing, zone: m.timezone)
                guard let p = programByID[s.program], eligible(m, in: p), let i = rowIndex["\(s.program)\u{1f}\(s.incentive)\u{1f}\(s.reward)"] else { continue }
                let needed = report.rewards[i].needed
                report.rewards[i].steps[s.limitReached ? needed : min(max(s.done ?? 0, 0), needed - 1)] += 1
            }
            for points in engine.pointsStandings(of: m.id).map(PointsRecord.init) {
                guard let t = tierIndex[points.program], let p = programByID[points.program], eligible(m, in: p) else { continue }
                let highest = points.reached.last ?? ""
                if let k = report.tiers[t].tiers.firstIndex(where: { $0.id == highest }) { report.tiers[t].tiers[k].users += 1 }
            }
        }
        // Days from the first qualifying event to the first award, per reward.
        for (pi, p) in programs.enumerated() {
            for (ri, _, _) in gates[pi] {
                let r = p.rewards[ri]
                guard let row = rowIndex["\(p.id)\u{1f}\(r.incentive)\u{1f}\(r.reward)"] else { continue }
                var days: [Int] = []
                for m in members {
                    guard let award = firstAward["\(p.id)\u{1f}\(r.incentive)\u{1f}\(r.reward)\u{1f}\(m.id)"] else { continue }
                    report.rewards[row].awarded += 1
                    if let first = firstDay["\(p.id)\u{1f}\(ri)\u{1f}\(m.id)"] { days.append(award.days(since: first)) }
                }
                report.rewards[row].medianDays = median(days)
            }
        }
        return report
    }

    static func median(_ list: [Int]) -> Double? {
        guard !list.isEmpty else { return nil }
        let sorted = list.sorted(), mid = sorted.count / 2
        return sorted.count % 2 == 1 ? Double(sorted[mid]) : Double(sorted[mid - 1] + sorted[mid]) / 2
    }
}
