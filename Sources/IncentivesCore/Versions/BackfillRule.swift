/// Which rewards `init --backfill` evaluates over the stored history (DESIGN §13): every reward whose change can
/// make past events earn more than they did — added, redefined, re-dated (an extended program, an earlier start),
/// or given a higher limit. Each is evaluated from nothing over every stored event; the awards it earns that are not
/// stored yet (by id: user, reward, which award) are recorded now, so a reward that kept its awards gains only the
/// ones its change allows, and nothing is recorded twice. A lower limit, a removed reward or a change of points
/// takes nothing back and needs no backfill; a tier is reached with the next award that carries points.
extension CatalogChange {
    /// Whether this change, applied with `--backfill`, re-evaluates the reward over the stored history.
    public static func backfills(_ kind: Kind) -> Bool {
        switch kind {
        case .added, .redefined, .dates: return true
        case .limit(let from, let to): return to > from
        case .removed, .points: return false
        }
    }

    /// The definition keys (`RewardSlot.definitionKey`, in `catalog`, the new one) of the rewards a backfill evaluates.
    public func backfillKeys(in catalog: Catalog) -> Set<String> {
        var wanted = Set<String>()
        for r in rewards where Self.backfills(r.kind) {
            wanted.insert([r.employer, r.program, r.incentive, r.reward].joined(separator: "\u{1f}"))
        }
        var keys = Set<String>()
        for e in catalog.employers {
            for p in e.programs {
                for (i, r) in p.rewards.enumerated() where wanted.contains([e.id, p.id, r.incentive, r.reward].joined(separator: "\u{1f}")) {
                    guard let inc = catalog.incentive(r.incentive) else { continue }
                    keys.insert(RewardSlot(employer: e, program: p, reward: r, rewardIndex: i, incentive: inc).definitionKey)
                }
            }
        }
        return keys
    }

    /// What the store holds for one reward right after the change is applied with `--backfill`, from what the
    /// current catalog awarded over the history (`current`) and what the proposal would have awarded had it always
    /// been in force (`proposed`): what `preview` predicts and `init --backfill` records.
    public static func afterBackfill(_ kinds: [Kind], current: Int, proposed: Int) -> Int {
        // A reward the backfill evaluates is evaluated once, whatever else changed with it (a lower limit and
        // extended dates: it earns up to the new limit over the new dates, and keeps what it had).
        guard let kind = kinds.first(where: backfills) ?? kinds.first else { return current }
        switch kind {
        case .added: return proposed
        // The old reward's awards stay; the redefined one is a new reward (new ids) earning over the whole history.
        case .redefined: return current + proposed
        // Evaluated from nothing: the awards not stored yet (a higher ordinal) are added; none is taken back.
        case .dates, .limit: return backfills(kind) ? max(current, proposed) : current
        case .removed, .points: return current
        }
    }
}
