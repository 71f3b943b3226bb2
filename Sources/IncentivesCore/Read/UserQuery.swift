/// Which users a list holds: one meaning for every reader (the console's Users screen, each store, the
/// in-memory data), so the same words find the same users wherever they are asked.
///
/// Every filter is optional and they combine with AND. Users come in id order (byte order of the UTF-8 id,
/// as SQLite compares text); `afterID` pages on from the last id shown, at the same cost at any depth.
public struct UserQuery: Sendable, Equatable {
    /// Users whose id starts with this (exactly, case and all): the CLI's nearest-id suggestions.
    public var idPrefix: String?
    /// Users whose id contains this anywhere, ignoring ASCII case (`10` finds `u-1001` and `u-0100`).
    public var idContains: String?
    /// Users of exactly this employer id.
    public var employer: String?
    /// Users whose time zone contains this, ignoring ASCII case (`paris` finds `Europe/Paris`).
    public var zone: String?
    /// Keyset paging: only ids after this one.
    public var afterID: String?
    /// nil: no limit.
    public var limit: Int?
    /// Rows skipped after the filters (and `afterID`).
    public var offset = 0

    public init(idPrefix: String? = nil, idContains: String? = nil, employer: String? = nil, zone: String? = nil,
                afterID: String? = nil, limit: Int? = nil, offset: Int = 0) {
        self.idPrefix = idPrefix
        self.idContains = idContains
        self.employer = employer
        self.zone = zone
        self.afterID = afterID
        self.limit = limit
        self.offset = offset
    }

    /// The same query without paging: what a count answers.
    public var unpaged: UserQuery {
        var q = self
        q.afterID = nil
        q.limit = nil
        q.offset = 0
        return q
    }

    /// Whether a member passes the filters, paging aside (for readers that hold the roster in memory). An empty
    /// string filters nothing.
    public func matches(_ m: Member) -> Bool {
        if let p = idPrefix, !p.isEmpty, !m.id.utf8.starts(with: p.utf8) { return false }
        if let s = idContains, !s.isEmpty, !Self.contains(m.id, s) { return false }
        if let e = employer, !e.isEmpty, m.employer != e { return false }
        if let z = zone, !z.isEmpty, !Self.contains(m.timezone, z) { return false }
        return true
    }

    /// Whether `a` sorts before `b` in the list's order (UTF-8 bytes, as SQLite's BINARY collation).
    public static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// Whether `needle` occurs in `haystack`, ignoring ASCII case only: what SQLite's `instr(lower(x), lower(y))`
    /// answers (its `lower` folds ASCII letters only), with no pattern characters at all (unlike LIKE, `%` and
    /// `_` are themselves).
    public static func contains(_ haystack: String, _ needle: String) -> Bool {
        let h = Array(asciiLowered(haystack).utf8), n = Array(asciiLowered(needle).utf8)
        guard !n.isEmpty else { return true }
        guard h.count >= n.count else { return false }
        for start in 0...(h.count - n.count) where h[start] == n[0] {
            if h[start..<(start + n.count)].elementsEqual(n) { return true }
        }
        return false
    }

    /// `A`–`Z` to `a`–`z`, every other character unchanged (SQLite's built-in `lower`).
    public static func asciiLowered(_ s: String) -> String {
        String(decoding: s.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }
}

/// One page of users and how many match in all.
public struct UserList: Sendable, Equatable {
    public let rows: [Member]
    public let total: Int

    public init(rows: [Member], total: Int) {
        self.rows = rows
        self.total = total
    }
}
