import IncentivesCore

/// The ingest's `PriorIDs`: event ids accepted before the ones the intake holds in memory — by earlier
/// ingests, or earlier in this one and since forgotten (`Intake.forgetIDs`, to bound memory) — answered from
/// the events table on a read-only connection, which sees committed rows only.
///
/// On a store that held no events before the ingest, only ids this run accepted can be stored, so an
/// `IDFilter` of them spares the database the look-ups of ids certainly never seen (nearly all); until the
/// intake first forgets, it holds every id itself and nothing is asked at all. On a store that held events,
/// every id the intake does not hold is looked up.
public final class StoredIDs: PriorIDs {
    public typealias Failure = any Error

    /// The read-only connection, kept open as long as its statement.
    private let lookup: Database
    private let findEvent: Statement
    /// Earlier ingests stored events: any id may be stored.
    private let storedEarlier: Bool
    /// The ids this run accepted.
    private var accepted: IDFilter
    /// The intake has forgotten ids at least once: those it no longer holds may be stored.
    private var forgotSome = false
    /// Set when the intake forgot ids whose batches may not be committed yet: the database can answer for
    /// them once the writer is drained, which is done before the next look-up (rarely needed: repeats of old
    /// ids are few), not at every forgetting.
    private var drainBeforeLookup = false
    /// Waits until every batch handed to the writer is committed (`BatchWriter.drain`).
    private let drain: () throws -> Void

    /// `lookup`: a read-only connection to the store; `storedEarlier`: whether it held events before the ingest;
    /// `drain`: commits what the writer holds.
    init(lookup: Database, storedEarlier: Bool, filterBytes: Int, drain: @escaping () throws -> Void) throws {
        self.lookup = lookup
        findEvent = try lookup.prepare("SELECT e.type, k.id, e.at_s, e.at_nanos, e.category FROM events e JOIN user_keys k ON k.key = e.user_key WHERE e.id = ?")
        self.storedEarlier = storedEarlier
        accepted = IDFilter(bytes: filterBytes)
        self.drain = drain
    }

    /// The fingerprint an earlier batch or ingest stored `event.id` with, or nil.
    public func fingerprint(of event: Event, key: IDDigest) throws -> UInt64? {
        guard storedEarlier || (forgotSome && accepted.mightContain(key)) else { return nil }
        if drainBeforeLookup {
            try drain()
            drainBeforeLookup = false
        }
        try findEvent.bind(1, event.id)
        defer { findEvent.reset() }
        guard try findEvent.step() else { return nil }
        guard let type = EventType(rawValue: findEvent.text(0)) else { return ~event.contentFingerprint }
        return Event(id: event.id, type: type, user: findEvent.text(1), at: try ProgressLog.instant(findEvent, 2),
                     category: findEvent.optionalText(4)).contentFingerprint
    }

    public func prefetch(_ key: IDDigest) { accepted.prefetch(key) }

    public func admitted(_ key: IDDigest) { accepted.insert(key) }

    public func forgotten() {
        forgotSome = true
        drainBeforeLookup = true
    }
}
