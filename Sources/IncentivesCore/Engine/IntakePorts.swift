/// What differs between the callers of the one intake pipeline (`Intake`) enters through these two
/// protocols: which ids were accepted before (`PriorIDs`), and where the pipeline's decisions go
/// (`IntakeSink`). Everything else — admission, prefetching, roster positions, the engine or its shards,
/// the counts — is the pipeline's own, the same for `replay`, `ingest`, the console and the simulator.

/// Event ids accepted before the ones the intake's admission holds: by earlier runs (the store answers from
/// its events table), or earlier in this run and since forgotten to bound memory (`Intake.forgetIDs`).
/// An in-memory run has none (`NoPriorIDs`).
///
/// Asked in arrival order, on the intake's thread, about each id its admission does not hold (of an event whose
/// user is on the roster). An intake with shards admits in parallel partitions by id digest and takes one prior
/// per partition (`Intake.take(_:priors:into:)`), each asked only about its partition's ids, on that partition's
/// thread: a conformer needs no lock, only one instance per partition (its own connection, its own filter).
/// The requirements are not mutating: a conformer that keeps state is a class (the store's `StoredIDs`).
public protocol PriorIDs: SendableMetatype { // used on the admission partitions' threads (one instance each)
    associatedtype Failure: Error

    /// The content fingerprint (`Event.contentFingerprint`) an event with `event.id` was accepted with, or
    /// nil when none was. `key` is `IDDigest(event.id)`. Each id is asked about at most once until the
    /// intake forgets its ids: the answer is remembered.
    func fingerprint(of event: Event, key: IDDigest) throws(Failure) -> UInt64?

    /// A hint, a few events ahead of asking about `key`: start loading what the answer will read.
    func prefetch(_ key: IDDigest)

    /// An event with this id was accepted now (it may be asked about again once the intake forgets it).
    func admitted(_ key: IDDigest)

    /// The intake has forgotten every id it held: from now on any of them may be asked about.
    func forgotten()
}

extension PriorIDs {
    public func prefetch(_ key: IDDigest) {}
    public func admitted(_ key: IDDigest) {}
    public func forgotten() {}
}

/// No id was accepted before this run: `replay`, the console, the simulator, the explainer.
public struct NoPriorIDs: PriorIDs {
    public typealias Failure = Never

    public init() {}

    @inline(__always)
    public func fingerprint(of event: Event, key: IDDigest) -> UInt64? { nil }
}

/// Where the pipeline's decisions on a batch of lines go: `replay`'s output, the ingest's batch of rows,
/// a test's list. `index` is the line's index in the lines taken.
///
/// Each kind of call comes in line order; how the two kinds interleave within one `take` is not promised
/// (with shards, a batch's refusals come before its accepted events, which are evaluated after admission).
/// Duplicates change nothing: they are counted (`Intake.counts`) and, for a sink that records where they arrived
/// (the ingest, for `why`), told to `duplicate`.
public protocol IntakeSink {
    /// A refused line: one that never became an event (`event` nil: bad JSON, a missing field...), an
    /// unknown user or a conflict.
    mutating func reject(at index: Int, _ why: Rejection, event: Event?)

    /// A new event, accepted and recorded by the engine, with what it earned (most often nothing; see
    /// `takesEventsThatEarnNothing`).
    mutating func accept(at index: Int, _ event: Event, earned: [Achievement])

    /// The same, with the user's position in the engine's roster, found by admission: a sink that keys its rows by
    /// user need not look the user up again (the ingest's writer, the ingest's busiest thread). Calls the form
    /// above unless a sink says otherwise.
    mutating func accept(at index: Int, _ event: Event, member: Int, earned: [Achievement])

    /// Whether `accept` is called for accepted events that earned nothing too. The ingest stores every event;
    /// `replay` prints only awards, and most events earn nothing, so it is spared a call per event. True unless
    /// a sink says otherwise.
    static var takesEventsThatEarnNothing: Bool { get }

    /// An exact re-send: an event with the id and content of one accepted before. It changes nothing; the store
    /// keeps where it arrived so that `why` can show it (issue 20). Nothing by default.
    mutating func duplicate(at index: Int, _ event: Event)
}

extension IntakeSink {
    public static var takesEventsThatEarnNothing: Bool { true }
    public mutating func duplicate(at index: Int, _ event: Event) {}
    public mutating func accept(at index: Int, _ event: Event, member: Int, earned: [Achievement]) {
        accept(at: index, event, earned: earned)
    }
}
