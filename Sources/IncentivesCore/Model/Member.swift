/// An enterprise user from the roster: whose employer's programs apply, in which zone their days
/// are counted, and between which local dates they may earn.
public struct Member: Sendable, Hashable {
    public let id: String
    /// nil: a user with no employer. Their events are accepted and never earn anything.
    public let employer: String?
    public let timezone: String
    public let eligibleFrom: LocalDate
    /// nil: open-ended.
    public let eligibleUntil: LocalDate?
    /// Partner id → the partner's own member id for this user, when the roster supplies one
    /// (`"partnerIds": {"pillowco": "PC-1234"}`). Otherwise partners get a pseudonym.
    public let partnerMemberIDs: [String: String]

    public init(id: String, employer: String?, timezone: String, eligibleFrom: LocalDate, eligibleUntil: LocalDate?,
                partnerMemberIDs: [String: String] = [:]) {
        self.partnerMemberIDs = partnerMemberIDs
        self.id = id
        self.employer = employer
        self.timezone = timezone
        self.eligibleFrom = eligibleFrom
        self.eligibleUntil = eligibleUntil
    }

    public func isEligible(on day: LocalDate) -> Bool {
        day >= eligibleFrom && (eligibleUntil.map { day <= $0 } ?? true)
    }
}

/// All enterprise users, looked up by id.
public struct Roster: Sendable {
    public let members: [Member]
    private let index: IDTable

    public init(members: [Member]) {
        self.members = members
        var index = IDTable(capacity: members.count)
        for (i, m) in members.enumerated() {
            let key = IDDigest(m.id)
            if index.value(for: key) == nil { index.set(UInt64(i), for: key) }
        }
        self.index = index
    }

    /// The member's position in `members`. The digest finds the slot; comparing the id keeps it exact.
    public func position(of id: String) -> Int? {
        position(of: id, digest: IDDigest(id))
    }

    /// The same, for a caller that already holds the id's digest (the hot path digests each id once).
    public func position(of id: String, digest: IDDigest) -> Int? {
        guard let i = index.value(for: digest).map({ Int($0) }), members[i].id == id else { return nil }
        return i
    }

    public func member(_ id: String) -> Member? { position(of: id).map { members[$0] } }
}
