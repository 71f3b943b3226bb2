/// Decides whether a validated event is new, a duplicate or refused (CONTRACT §4), before the engine
/// sees it: the user must be on the roster, and an id seen before must carry the same content.
///
/// Kept apart from the engine so the two can run on different cores: `Intake` admits a batch in parallel
/// partitions (by event id) before the engine shards evaluate it. One thread at a time.
public final class Admission: @unchecked Sendable {
    private let roster: Roster
    /// id digest → content fingerprint of every admitted event.
    private var seen: IDTable
    /// false for events read back from a store, each admitted once already (one row per id): their ids need no
    /// check, only their users' roster positions. What-if previews and backfills evaluate a million of them.
    let checksIDs: Bool

    public enum Verdict: Sendable {
        case new
        case duplicate
        case rejected(Rejection)
    }

    /// The ids the table is sized for, again after each `forgetSeen()`.
    private let capacity: Int

    public init(roster: Roster, expectedEvents: Int = 0, checksIDs: Bool = true) {
        self.roster = roster
        self.checksIDs = checksIDs
        capacity = checksIDs ? expectedEvents : 0
        seen = IDTable(capacity: capacity)
    }

    /// How many ids are remembered.
    var remembered: Int { seen.count }

    /// Forgets every id remembered (to bound memory), for a caller whose `PriorIDs` knows them all by then.
    func forgetSeen() {
        // As large as before, not empty: the ingest forgets every `maxIDsInMemory` ids and then remembers as many
        // again, so an empty table doubled its way back up each time, rehashing at every step (45 ms each time on
        // the bench load). Its memory costs nothing until touched (`IDTableStorage`).
        seen = IDTable(capacity: capacity)
    }

    /// Admits or refuses one event, in arrival order, with no ids accepted before. A new event is remembered
    /// at once: only admitted events stand, so an id first seen with an unknown user stays free.
    public func admit(_ event: Event) -> Verdict {
        judge(event, key: IDDigest(event.id), prior: NoPriorIDs()).verdict
    }

    /// Starts loading what judging an event with this id will read: call it a few events ahead.
    func prefetch(_ key: IDDigest) { seen.prefetch(key) }

    /// The verdict and, when the user is on the roster, their position in it (-1 when not), so that the
    /// engine need not look the user up again. `key` is `IDDigest(event.id)`. `prior` is asked about an id
    /// this admission does not hold (accepted by an earlier run, or forgotten); what it finds is remembered,
    /// so each id is asked about at most once until the next `forgetSeen()`.
    @inline(__always)
    func judge<Prior: PriorIDs>(_ event: Event, key: IDDigest, prior: Prior) throws(Prior.Failure) -> (verdict: Verdict, member: Int) {
        let userKey = IDDigest(event.user)
        return try judge(event, key: key, user: userKey, member: roster.position(of: event.user, digest: userKey), prior: prior)
    }

    /// The same, for a caller that found the user already: `user` is `IDDigest(event.user)` and `member` their
    /// roster position (nil when not on it). The intake's in-order path looks users up a batch ahead, to prefetch
    /// their state; looking them up again here cost a second digest and two cache misses an event.
    @inline(__always)
    func judge<Prior: PriorIDs>(_ event: Event, key: IDDigest, user userKey: IDDigest, member: Int?, prior: Prior) throws(Prior.Failure)
        -> (verdict: Verdict, member: Int)
    {
        guard let member else { return (.rejected(.unknownUser(event.user)), -1) }
        guard checksIDs else { return (.new, member) }
        let fingerprint = event.contentFingerprint(userDigest: userKey)
        var earlier = seen.value(for: key)
        if earlier == nil, let found = try prior.fingerprint(of: event, key: key) {
            seen.set(found, for: key)
            earlier = found
        }
        if let earlier {
            guard earlier == fingerprint else { return (.rejected(.conflict(id: event.id)), member) }
            return (.duplicate, member)
        }
        seen.set(fingerprint, for: key)
        return (.new, member)
    }
}
