/// Which achievements a page holds, in which order: one meaning for every reader, so the console, the
/// CLI and each store answer the same question the same way.
public struct AchievementQuery: Sendable, Equatable {
    public enum Order: String, Sendable, CaseIterable {
        /// Recording order (what `replay` prints).
        case recorded
        /// Newest first.
        case newest
        case user
        case completed
        case program
        case reward
    }

    /// Exactly this user.
    public var user: String?
    /// Users whose id starts with this (the console's `user:` filter).
    public var userPrefix: String?
    public var employer: String?
    public var program: String?
    public var incentive: String?
    /// Only this tier's achievements (CONTRACT §3 "Tiers").
    public var tier: String?
    /// Inclusive bounds on `completedOn`.
    public var since: LocalDate?
    public var until: LocalDate?
    public var order: Order = .recorded
    /// The order's reverse (`newest` reversed is `recorded`); ties always follow recording order the same way.
    public var descending = false
    /// nil: no limit.
    public var limit: Int?
    public var offset = 0
    /// Keyset paging for `.recorded` (rows after this seq) and `.newest` (rows before it): the `seq` of the last
    /// row of the previous page. Constant cost at any depth, unlike `offset`.
    public var afterSeq: Int64?

    public init(user: String? = nil, userPrefix: String? = nil, employer: String? = nil, program: String? = nil,
                incentive: String? = nil, since: LocalDate? = nil, until: LocalDate? = nil, order: Order = .recorded,
                descending: Bool = false, limit: Int? = nil, offset: Int = 0, afterSeq: Int64? = nil) {
        self.user = user
        self.userPrefix = userPrefix
        self.employer = employer
        self.program = program
        self.incentive = incentive
        self.since = since
        self.until = until
        self.order = order
        self.descending = descending
        self.limit = limit
        self.offset = offset
        self.afterSeq = afterSeq
    }

    /// Whether an achievement passes the filters (for readers that hold achievements in memory).
    public func matches(_ a: Achievement) -> Bool {
        if let u = user, a.user != u { return false }
        if let p = userPrefix, !a.user.hasPrefix(p) { return false }
        if let e = employer, a.employer != e { return false }
        if let p = program, a.program != p { return false }
        if let i = incentive, a.incentive != i { return false }
        if let t = tier, a.tier != t { return false }
        if let s = since, a.completedOn < s { return false }
        if let u = until, a.completedOn > u { return false }
        return true
    }

    /// Whether `l` comes before `r` in this order (for readers that sort in memory): the order's key, then
    /// recording order for ties, all in the one direction asked for — as the SQL stores sort.
    public func precedes(_ l: AchievementRecord, _ r: AchievementRecord) -> Bool {
        let newestFirst = (order == .newest) != descending
        func key(_ x: AchievementRecord) -> String {
            switch order {
            case .recorded, .newest: return ""
            case .user: return x.achievement.user
            case .completed: return x.achievement.completedOn.iso
            case .program: return x.achievement.program
            case .reward: return x.achievement.reward
            }
        }
        let a = (key(l), l.seq), b = (key(r), r.seq)
        return newestFirst ? a > b : a < b
    }
}
