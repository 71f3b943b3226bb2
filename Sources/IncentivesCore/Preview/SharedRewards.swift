/// Which rewards a preview needs to evaluate once only. A reward that both catalogs define alike — same
/// employer, program and dates, same name, same incentive asking the same thing, same first counting day —
/// earns the same achievements under either, because every rule reads and writes only its own reward's progress
/// (DESIGN §13). Its limit may differ: a user's awards under limit L are the first L of their awards under any
/// higher limit (nothing changes until the L-th award, then the lower limit stops), so evaluating it once with
/// the higher of the two limits and counting each award by its ordinal answers for both.
///
/// So the proposed catalog is evaluated whole (shared rewards at the higher limit), and the current one only
/// for the rewards the proposal redefines, re-dates or drops; a typical proposal touches a few rewards, and the
/// current catalog's intake then has little or nothing to do.
struct SharedRewards {
    /// Everything but the limit that decides a reward's achievements.
    struct Identity: Hashable {
        let employer, program: String
        let starts, ends: LocalDate
        let reward, incentive, definition: String
        let countsFrom: LocalDate?
    }

    /// The shared rewards, with their limit in the current and the proposed catalog.
    let limits: [Identity: (current: Int, proposed: Int)]

    init(_ current: Catalog, _ proposed: Catalog) {
        let before = Self.limits(current)
        var shared: [Identity: (current: Int, proposed: Int)] = [:]
        for (id, limit) in Self.limits(proposed) {
            if let old = before[id] { shared[id] = (old, limit) }
        }
        limits = shared
    }

    private static func limits(_ c: Catalog) -> [Identity: Int] {
        var out: [Identity: Int] = [:]
        for e in c.employers {
            for p in e.programs {
                for r in p.rewards {
                    if let id = identity(e, p, r, in: c) { out[id] = r.limit }
                }
            }
        }
        return out
    }

    static func identity(_ e: Employer, _ p: Program, _ r: Reward, in c: Catalog) -> Identity? {
        // In a program with points or tiers, a reward's awards add to a total every other reward of the program
        // shares, and the tiers depend on all of them: no reward of it is evaluated once for both catalogs.
        guard !p.hasPoints, p.tiers.isEmpty else { return nil }
        guard let inc = c.incentive(r.incentive) else { return nil }
        return Identity(employer: e.id, program: p.id, starts: p.starts, ends: p.ends, reward: r.reward,
                        incentive: r.incentive, definition: inc.definition, countsFrom: r.countsFrom)
    }

    /// The shared reward's limits, or nil when the other catalog defines it otherwise (or not at all).
    func limits(_ e: Employer, _ p: Program, _ r: Reward, in c: Catalog) -> (current: Int, proposed: Int)? {
        Self.identity(e, p, r, in: c).flatMap { limits[$0] }
    }
}

extension Catalog {
    /// This catalog with each reward replaced by what `change` makes of it, or left out when it gives nil
    /// (employers and programs stay, so the roster still fits).
    func mappingRewards(_ change: (Employer, Program, Reward) -> Reward?) -> Catalog {
        Catalog(incentives: incentives, employers: employers.map { e in
            Employer(id: e.id, name: e.name, programs: e.programs.map { p in
                Program(id: p.id, name: p.name, starts: p.starts, ends: p.ends, rewards: p.rewards.compactMap { change(e, p, $0) }, tiers: p.tiers)
            })
        }, partners: partners)
    }
}

extension Reward {
    /// The same reward with another limit.
    func limited(to limit: Int) -> Reward {
        Reward(incentive: incentive, reward: reward, limit: limit, points: points, countsFrom: countsFrom, generation: generation, cost: cost)
    }
}
