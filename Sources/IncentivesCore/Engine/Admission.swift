/// Decides whether a validated event is new, a duplicate or refused (CONTRACT §4), before the engine
/// sees it: the user must be on the roster, and an id seen before must carry the same content.
///
/// Kept apart from the engine so the two can run on different cores: `replay` admits events on the
/// reading thread while the engine evaluates the previous batch. One thread at a time.
public final class Admission: @unchecked Sendable {
    private let roster: Roster
    /// id digest → content fingerprint of every admitted event.
    private var seen: IDTable

    public enum Verdict: Sendable {
        case new
        case duplicate
        case rejected(Rejection)
    }

    public init(roster: Roster, expectedEvents: Int = 0) {
        self.roster = roster
        seen = IDTable(capacity: expectedEvents)
    }

    /// How many ids are remembered.
    public var remembered: Int { seen.count }

    /// Forgets every id remembered (to bound memory), for a caller whose `stored` look-up knows them all by then.
    public func forgetSeen() {
        seen = IDTable()
    }

    /// Admits or refuses one event, in arrival order. A new event is remembered at once: only
    /// admitted events stand, so an id first seen with an unknown user stays free.
    public func admit(_ event: Event) -> Verdict {
        admit(event, stored: { _ in nil })
    }

    /// The same, for ids that may also have been accepted before this run (the store): `stored` is asked
    /// about an id this admission has not seen, and gives the content fingerprint it was accepted with, or
    /// nil when it is new. What it finds is remembered, so each id is looked up at most once.
    public func admit(_ event: Event, stored: (Event) throws -> UInt64?) rethrows -> Verdict {
        try judge(event, key: IDDigest(event.id), stored: stored).verdict
    }

    /// Starts loading what judging an event with this id will read: call it a few events ahead.
    public func prefetch(_ key: IDDigest) { seen.prefetch(key) }

    /// The verdict and, when the user is on the roster, their position in it (-1 when not), so that the
    /// engine need not look the user up again. `key` is `IDDigest(event.id)`.
    public func judge(_ event: Event, key: IDDigest) -> (verdict: Verdict, member: Int) {
        judge(event, key: key, stored: { _ in nil })
    }

    public func judge(_ event: Event, key: IDDigest, stored: (Event) throws -> UInt64?) rethrows -> (verdict: Verdict, member: Int) {
        let userKey = IDDigest(event.user)
        guard let member = roster.position(of: event.user, digest: userKey) else { return (.rejected(.unknownUser(event.user)), -1) }
        let fingerprint = event.contentFingerprint(userDigest: userKey)
        var earlier = seen.value(for: key)
        if earlier == nil, let found = try stored(event) {
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
