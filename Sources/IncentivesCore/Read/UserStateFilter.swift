/// Users found by where they stand rather than by their id (the console's `f` on the Users screen): "logged on
/// N days or more and no award yet", "one day from earning". One meaning for every reader: the in-memory data and
/// both stores compute the same `UserStateFacts` per user and ask `matches`, so the same filter finds the same users.
public enum UserStateFilter: Sendable, Equatable, Hashable {
    /// Accepted events on at least `days` distinct local days (the calendar's logged days) and no award at all.
    case loggedWithoutAward(days: Int)
    /// A reward not at its limit, with something counted toward its next award, that `days` more counted days
    /// (or fewer) would earn, as of today; the user eligible today and the reward's program not over.
    case nearAward(days: Int)

    /// What `f` cycles through on the Users screen, after "every user".
    public static let presets: [UserStateFilter] = [.loggedWithoutAward(days: 5), .nearAward(days: 1)]

    /// The same filter with its number of days moved by `delta` (at least 1): `+` and `-` on the Users screen.
    public func adjusted(by delta: Int) -> UserStateFilter {
        switch self {
        case .loggedWithoutAward(let n): return .loggedWithoutAward(days: max(1, n.addingSaturated(delta)))
        case .nearAward(let n): return .nearAward(days: max(1, n.addingSaturated(delta)))
        }
    }

    /// Whether the two ask the same question, whatever their number of days.
    public func sameKind(as other: UserStateFilter) -> Bool {
        switch (self, other) {
        case (.loggedWithoutAward, .loggedWithoutAward), (.nearAward, .nearAward): return true
        default: return false
        }
    }

    /// For the screen's header: "logged ≥ 5 days, no award".
    public var label: String {
        switch self {
        case .loggedWithoutAward(let n): return "logged ≥ \(n) day\(n == 1 ? "" : "s"), no award"
        case .nearAward(let n): return n == 1 ? "one day from earning" : "≤ \(n) days from earning"
        }
    }

    /// Whether the filter needs the user's standings (the costly fact: their progress restored); otherwise it
    /// needs their awards and logged days.
    public var needsStandings: Bool {
        if case .nearAward = self { return true }
        return false
    }

    public func matches(_ f: UserStateFacts, catalog: Catalog) -> Bool {
        switch self {
        case .loggedWithoutAward(let n):
            guard let awards = f.awards, let days = f.loggedDays else { return false }
            return awards == 0 && days >= n
        case .nearAward(let n):
            guard f.member.isEligible(on: f.today), let standings = f.standings else { return false }
            return standings.contains { s in
                guard !s.limitReached, let done = s.done, done > 0, s.needed > done, s.needed - done <= n else { return false }
                let program = catalog.employer(s.employer)?.programs.first { $0.id == s.program }
                return program.map { f.today >= $0.starts && f.today <= $0.ends } ?? false
            }
        }
    }
}

/// What a reader knows about one user for `UserStateFilter`: how many local days they logged, how many awards
/// they have, and their standings as of `today`. A reader may leave out (nil) what the filter does not ask
/// (`asks`), since each fact costs queries on a store; a filter never matches on a fact left out.
public struct UserStateFacts: Sendable {
    public let member: Member
    public let today: LocalDate
    public let loggedDays: Int?
    public let awards: Int?
    public let standings: [StandingRecord]?

    public init(member: Member, today: LocalDate, loggedDays: Int?, awards: Int?, standings: [StandingRecord]?) {
        self.member = member
        self.today = today
        self.loggedDays = loggedDays
        self.awards = awards
        self.standings = standings
    }
}

extension UserList {
    /// One page of `matching` (every user that passes, in id order) as `query` pages: after `afterID`, then
    /// `offset`, at most `limit`; `total` counts them all.
    public static func page(_ matching: [Member], _ query: UserQuery) -> UserList {
        var rows = matching[...]
        if let after = query.afterID { rows = rows.drop { !UserQuery.precedes(after, $0.id) } }
        return UserList(rows: Array(rows.dropFirst(max(query.offset, 0)).prefix(query.limit ?? Int.max)), total: matching.count)
    }
}

extension StoreReading {
    /// The users matching `query`'s words and in `state` as of `today` (one day for every user, as the console's
    /// clock gives it), paged as `query` says. Written once over the read port, so that SQLite and PostgreSQL give
    /// the same answer by construction: each user's awards are counted, their events read for logged days, and
    /// their progress restored only when the filter needs standings and the cheaper facts did not already decide.
    /// It reads every user the words match: seconds at 100,000 users, which is why it runs on a key, not as you type.
    public func users(_ query: UserQuery, in state: UserStateFilter, today: LocalDate) throws -> UserList {
        var matching: [Member] = []
        for m in try users(query.unpaged) {
            let facts: UserStateFacts
            if state.needsStandings {
                // One look-up restores the progress; a user with no event has nothing counted.
                guard let p = try profile(of: m.id, today: today, recentEvents: 0, achievementLimit: 0), p.eventCount > 0 else { continue }
                facts = UserStateFacts(member: m, today: today, loggedDays: nil, awards: nil, standings: p.standings)
            } else {
                let awards = try achievementCount(AchievementQuery(user: m.id))
                let days = awards > 0 ? nil : Set(try events(of: m.id, limit: Int(Int32.max), beforeSeq: nil).compactMap(\.localDay)).count
                facts = UserStateFacts(member: m, today: today, loggedDays: days, awards: awards, standings: nil)
            }
            if state.matches(facts, catalog: catalog) { matching.append(m) }
        }
        return UserList.page(matching, query)
    }
}
