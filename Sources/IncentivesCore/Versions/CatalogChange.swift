/// What a new catalog changes for the people half-way through its rewards, reward by reward: what `init`
/// prints before it applies a new catalog version (DESIGN §13 gives the rule for each kind of change).
///
/// Rewards are matched by employer, program, reward name and incentive id. A reward whose incentive now asks
/// something else (5 → 7 days, a category added) is `redefined`: the old reward ends, the new one starts as an
/// added one.
public struct CatalogChange: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case added
        case removed
        case redefined(from: String, to: String)
        case limit(from: Int, to: Int)
        case dates(from: ClosedRange<LocalDate>, to: ClosedRange<LocalDate>)
        case points(from: Int, to: Int)
    }

    /// A change to a program's points ladder (CONTRACT §1 "Points and tiers"), with its rule (DESIGN §13).
    public struct TierChange: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case added(points: Int)
            case removed
            case points(from: Int, to: Int)
            case reward(from: String, to: String)
        }
        public let employer: String
        public let program: String
        public let tier: String
        public let kind: Kind

        public func sentence(effective: LocalDate) -> String {
            let what = "\(employer) / \(program) / tier \(tier)"
            switch kind {
            case .added(let points):
                return "\(what): added at \(points) points; a user whose total already reaches it reaches it with their next award that carries points"
            case .removed:
                return "\(what): removed; no one reaches it any more, no tier reached is taken back"
            case .points(let from, let to):
                return "\(what): \(from) → \(to) points; " + (to > from
                    ? "users who reached it keep it, the others need \(to)"
                    : "a user whose total already reaches \(to) reaches it with their next award that carries points")
            case .reward(let from, let to):
                return "\(what): reward \(JSONText.quote(from)) → \(JSONText.quote(to)) for users who reach it from now on"
            }
        }
    }

    public struct RewardChange: Sendable, Equatable {
        public let employer: String
        public let program: String
        public let reward: String
        public let incentive: String
        public let kind: Kind

        /// One line for people, with what it does to users' progress; with `backfill`, what `init --backfill` does.
        public func sentence(effective: LocalDate, backfill: Bool = false) -> String {
            let what = "\(employer) / \(program) / \(JSONText.quote(reward)) (\(incentive))"
            if backfill, CatalogChange.backfills(kind) {
                switch kind {
                case .added: return "\(what): added; counted over the stored history (--backfill)"
                case .redefined(let from, let to):
                    return "\(what): now \(to) (was \(from)); the new reward is counted over the stored history (--backfill), awards earned stay"
                case .limit(let from, let to):
                    return "\(what): limit \(from) → \(to); counted again over the stored history (--backfill): the awards it now allows are recorded"
                case .dates(let from, let to):
                    return "\(what): program dates \(from.lowerBound.iso)..\(from.upperBound.iso) → \(to.lowerBound.iso)..\(to.upperBound.iso); "
                        + "counted again over the stored history (--backfill): the awards the new dates allow are recorded, none taken back"
                case .removed, .points: break
                }
            }
            switch kind {
            case .added:
                return "\(what): added; counts from \(effective.iso)"
            case .removed:
                return "\(what): removed; nothing more is earned, nothing earned is taken back"
            case .redefined(let from, let to):
                return "\(what): now \(to) (was \(from)); progress toward it starts again and counts from \(effective.iso), awards earned stay"
            case .limit(let from, let to):
                return to > from
                    ? "\(what): limit \(from) → \(to); more awards can follow from events from now on (--backfill also counts the stored history)"
                    : "\(what): limit \(from) → \(to); no award is taken back, none beyond \(to)"
            case .points(let from, let to):
                return "\(what): points \(from) → \(to) an award; awards earned keep the points they added"
            case .dates(let from, let to):
                return "\(what): program dates \(from.lowerBound.iso)..\(from.upperBound.iso) → \(to.lowerBound.iso)..\(to.upperBound.iso); "
                    + "days outside the new dates stop counting, awards stay; stored events on days the new dates add count only with --backfill"
            }
        }
    }

    public let rewards: [RewardChange]
    /// Changes to programs' points ladders.
    public let tiers: [TierChange]
    /// Changes that touch no reward's meaning: names, partners, incentives no program uses.
    public let other: [String]

    public init(rewards: [RewardChange], tiers: [TierChange] = [], other: [String]) {
        self.rewards = rewards
        self.tiers = tiers
        self.other = other
    }

    public var isEmpty: Bool { rewards.isEmpty && tiers.isEmpty && other.isEmpty }

    private struct Key: Hashable { let employer, program, reward, incentive: String }

    public static func between(_ old: Catalog, _ new: Catalog) -> CatalogChange {
        func rewards(_ c: Catalog) -> [(Key, Reward, Program, Incentive?)] {
            c.employers.flatMap { e in
                e.programs.flatMap { p in
                    p.rewards.map { r in (Key(employer: e.id, program: p.id, reward: r.reward, incentive: r.incentive), r, p, c.incentive(r.incentive)) }
                }
            }
        }
        let before = rewards(old), after = rewards(new)
        let oldByKey = Dictionary(before.map { ($0.0, $0) }, uniquingKeysWith: { a, _ in a })
        let newKeys = Set(after.map(\.0))
        var changes: [RewardChange] = []
        var costs: [String] = []
        func change(_ k: Key, _ kind: Kind) {
            changes.append(RewardChange(employer: k.employer, program: k.program, reward: k.reward, incentive: k.incentive, kind: kind))
        }
        for (k, r, p, inc) in after {
            guard let (_, oldReward, oldProgram, oldInc) = oldByKey[k] else { change(k, .added); continue }
            if let inc, let oldInc, inc.definition != oldInc.definition {
                change(k, .redefined(from: oldInc.rule.summary + Self.counting(oldInc), to: inc.rule.summary + Self.counting(inc)))
                continue
            }
            if oldReward.limit != r.limit { change(k, .limit(from: oldReward.limit, to: r.limit)) }
            if oldReward.points != r.points { change(k, .points(from: oldReward.points, to: r.points)) }
            if oldReward.cost != r.cost {
                costs.append("\(k.employer) / \(k.program) / \(JSONText.quote(k.reward)) (\(k.incentive)): cost "
                             + Self.price(oldReward.cost) + " → " + Self.price(r.cost) + "; prices reports and previews, no award changes")
            }
            if oldProgram.starts != p.starts || oldProgram.ends != p.ends {
                change(k, .dates(from: oldProgram.starts...oldProgram.ends, to: p.starts...p.ends))
            }
        }
        for (k, _, _, _) in before where !newKeys.contains(k) { change(k, .removed) }

        var tiers: [TierChange] = []
        let oldPrograms = Dictionary(old.employers.flatMap { e in e.programs.map { ("\(e.id)\u{1f}\($0.id)", $0) } }, uniquingKeysWith: { a, _ in a })
        for e in new.employers {
            for p in e.programs {
                let before = oldPrograms["\(e.id)\u{1f}\(p.id)"]?.tiers ?? []
                func tier(_ id: String, _ kind: TierChange.Kind) { tiers.append(TierChange(employer: e.id, program: p.id, tier: id, kind: kind)) }
                for t in p.tiers {
                    guard let was = before.first(where: { $0.id == t.id }) else { tier(t.id, .added(points: t.points)); continue }
                    if was.points != t.points { tier(t.id, .points(from: was.points, to: t.points)) }
                    if was.reward != t.reward { tier(t.id, .reward(from: was.reward, to: t.reward)) }
                    if was.cost != t.cost {
                        costs.append("\(e.id) / \(p.id) / tier \(t.id): cost " + Self.price(was.cost) + " → " + Self.price(t.cost)
                                     + "; prices reports and previews, no award changes")
                    }
                }
                for t in before where !p.tiers.contains(where: { $0.id == t.id }) { tier(t.id, .removed) }
            }
        }

        var other: [String] = costs
        let oldNames = Dictionary(old.incentives.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        for inc in new.incentives where oldNames[inc.id].map({ $0 != inc.name }) ?? false {
            other.append("incentive \(inc.id) renamed \(JSONText.quote(oldNames[inc.id]!)) → \(JSONText.quote(inc.name))")
        }
        let oldPartners = Set(old.partners.map(\.id)), newPartners = Set(new.partners.map(\.id))
        for p in newPartners.subtracting(oldPartners).sorted() { other.append("partner \(p) added") }
        for p in oldPartners.subtracting(newPartners).sorted() { other.append("partner \(p) removed") }
        return CatalogChange(rewards: changes, tiers: tiers, other: other)
    }

    /// "25.00 USD", or "none" when no cost is given.
    private static func price(_ m: Money?) -> String { m.map { "\($0.amount) \($0.currency)" } ?? "none" }

    /// " (mood, symptom)" for an incentive that counts some categories only.
    private static func counting(_ i: Incentive) -> String {
        i.categories.map { " (" + $0.sorted().joined(separator: ", ") + ")" } ?? ""
    }
}

extension Catalog {
    /// Each reward's key in saved progress and catalog versions (`RewardSlot.definitionKey`), in catalog order.
    public func rewardKeys() -> [(employer: Int, program: Int, reward: Int, key: String)] {
        var out: [(Int, Int, Int, String)] = []
        for (ei, e) in employers.enumerated() {
            for (pi, p) in e.programs.enumerated() {
                for (ri, r) in p.rewards.enumerated() {
                    guard let inc = incentive(r.incentive) else { continue }
                    out.append((ei, pi, ri, RewardSlot(employer: e, program: p, reward: r, rewardIndex: ri, incentive: inc).definitionKey))
                }
            }
        }
        return out
    }

    /// This catalog with each reward whose key is in `introduced` marked as introduced by that catalog version on
    /// that day (`Reward.introduced`); the others as of version 1, from the start.
    public func introducing(_ introduced: [String: (version: Int, day: LocalDate?)]) -> Catalog {
        var byPlace: [String: (version: Int, day: LocalDate?)] = [:]
        for k in rewardKeys() { if let d = introduced[k.key] { byPlace["\(k.employer).\(k.program).\(k.reward)"] = d } }
        let employers = employers.enumerated().map { ei, e in
            Employer(id: e.id, name: e.name, programs: e.programs.enumerated().map { pi, p in
                Program(id: p.id, name: p.name, starts: p.starts, ends: p.ends, rewards: p.rewards.enumerated().map { ri, r in
                    byPlace["\(ei).\(pi).\(ri)"].map { r.introduced($0.version, on: $0.day) } ?? r.introduced(1, on: nil)
                }, tiers: p.tiers)
            })
        }
        return Catalog(incentives: incentives, employers: employers, partners: partners)
    }
}
