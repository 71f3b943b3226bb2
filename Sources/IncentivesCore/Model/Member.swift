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
    private let index: [String: Int]

    public init(members: [Member]) {
        self.members = members
        var index: [String: Int] = [:]
        index.reserveCapacity(members.count)
        for (i, m) in members.enumerated() where index[m.id] == nil { index[m.id] = i }
        self.index = index
    }

    public func position(of id: String) -> Int? { index[id] }
    public func member(_ id: String) -> Member? { index[id].map { members[$0] } }
}
