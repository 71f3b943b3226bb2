/// The read side of a store, as the console and the CLI's tables ask it: every answer is one of the typed
/// read models in this folder. The SQLite store implements it (`StoreReader`) and the PostgreSQL store will;
/// the console depends on this protocol only, never on a database.
///
/// One reader is used by one thread at a time (open one per thread).
public protocol StoreReading: AnyObject {
    /// The catalog the data was recorded under.
    var catalog: Catalog { get }

    func counts() throws -> StoreCounts
    /// Every catalog version, oldest first; the last is `catalog`'s.
    func catalogVersions() throws -> [CatalogVersion]
    /// Every reward of every program (of one employer), in catalog order, with enrolment and achievement counts.
    func programs(employer: String?) throws -> [ProgramReward]

    func user(_ id: String) throws -> Member?
    /// Every user on the roster (what-if previews evaluate all of them).
    func members() throws -> [Member]
    /// Users matching `query` (see `UserQuery`), in id order, at most `query.limit`.
    func users(_ query: UserQuery) throws -> [Member]
    /// How many users match `query`, paging aside.
    func userCount(_ query: UserQuery) throws -> Int
    /// `today`: the local day progress is judged on (default: the user's today).
    func profile(of id: String, today: LocalDate?, recentEvents: Int, achievementLimit: Int) throws -> UserProfile?

    /// A user's events, newest first; `beforeSeq` pages further back.
    func events(of user: String, limit: Int, beforeSeq: Int64?) throws -> [EventRecord]
    func event(id: String) throws -> EventRecord?
    /// Every stored event after `afterSeq`, in arrival order, streamed: `body` gets the sequence number and the
    /// event (no local day or source, which a full pass does not need).
    func forEachEvent(afterSeq: Int64, _ body: (Int64, Event) throws -> Void) throws

    func achievements(_ query: AchievementQuery) throws -> [AchievementRecord]
    func achievementCount(_ query: AchievementQuery) throws -> Int
    func achievement(id: String) throws -> AchievementRecord?
    /// The events that prove an achievement, by day.
    func evidence(of achievementID: String) throws -> [EvidenceRecord]

    /// Events, achievements and rejects recorded after the given sequence numbers (at most `limit` of each).
    func changes(sinceEvent: Int64, sinceAchievement: Int64, sinceReject: Int64, limit: Int) throws -> StoreChanges
    /// Per partner of the catalog: pending, delivered and failed deliveries, the `failureLimit` newest failures.
    func deliveries(failureLimit: Int) throws -> [PartnerDeliveries]
    /// Why the user stands where they do on each reward (see `Explainer`); nil for an unknown user.
    func explain(user: String, today: LocalDate?, program: String?) throws -> Explanation?
}

/// The one thing support staff change from a read screen: putting a failed delivery back in the queue.
public protocol DeliveryRetrying: AnyObject {
    /// false when the delivery has not failed (nothing to retry).
    func retry(delivery id: String, at unixSeconds: Double) throws -> Bool
}

/// What the console's Live screen asks between looks at `changes`: has anyone committed something since? A store
/// that can say so (PostgreSQL: LISTEN/NOTIFY, `PGChangeSignal`) spares the timer's queries; without one the
/// console polls `changes` (SQLite).
public protocol ChangeSignal: AnyObject {
    /// True when something may have been committed since the last call, waiting up to `seconds` for it (0: a look
    /// without waiting). A signal that has lost its source answers true after the wait: the caller then polls.
    func anythingNew(waitingUpTo seconds: Double) -> Bool
}

extension StoreReading {
    /// Users whose id starts with `prefix`, in id order.
    public func users(prefix: String, limit: Int = 20) throws -> [Member] { try users(UserQuery(idPrefix: prefix, limit: limit)) }
    public func profile(of id: String, today: LocalDate? = nil, recentEvents: Int = 10) throws -> UserProfile? {
        try profile(of: id, today: today, recentEvents: recentEvents, achievementLimit: 100)
    }
    public func events(of user: String, limit: Int = 20) throws -> [EventRecord] { try events(of: user, limit: limit, beforeSeq: nil) }
    public func programs() throws -> [ProgramReward] { try programs(employer: nil) }
    public func changes(sinceEvent: Int64, sinceAchievement: Int64, sinceReject: Int64 = 0, limit: Int = 200) throws -> StoreChanges {
        try changes(sinceEvent: sinceEvent, sinceAchievement: sinceAchievement, sinceReject: sinceReject, limit: limit)
    }
}
