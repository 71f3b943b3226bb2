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

    /// Admits or refuses one event, in arrival order. A new event is remembered at once: only
    /// admitted events stand, so an id first seen with an unknown user stays free.
    public func admit(_ event: Event) -> Verdict {
        guard roster.position(of: event.user) != nil else {
            return .rejected(Rejection(.unknownUser, field: "user", "unknown user \(JSONText.quote(event.user))"))
        }
        let fingerprint = event.contentFingerprint
        let key = IDDigest(event.id)
        if let earlier = seen.value(for: key) {
            guard earlier == fingerprint else {
                return .rejected(Rejection(.conflict, field: "id",
                                           "\(JSONText.quote(event.id)) was already accepted with other content; the first one stands"))
            }
            return .duplicate
        }
        seen.set(fingerprint, for: key)
        return .new
    }
}
