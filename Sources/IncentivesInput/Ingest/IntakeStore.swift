import IncentivesCore

/// The ingest's write port (ARCHITECTURE: `IntakeStore`), the other end of `EventSource`: what the one ingest
/// core (`IngestPipeline`) asks of a store. The store keeps the source's position in the same transaction as the
/// rows it reached (Kafka's "storing offsets outside Kafka"), so a restart resumes exactly after its last commit.
/// SQLite (`Store`) and PostgreSQL (`PGStore`) implement it; neither owns a loop.
///
/// Here: the lock, the engine, and the checkpoints (the `ingests` rows). A run's writing is `IntakeRun`.
public protocol IntakeStore: AnyObject {
    associatedtype Run: IntakeRun

    /// The database as messages name it.
    var path: String { get }

    /// Runs `body` holding the store's ingest lock (one ingest at a time per database; two engines over the same
    /// users would each miss the other's events). `onLocked` runs once it is held, before `body`. Throws when the
    /// store has no catalog yet, or another ingest holds the lock.
    func withIngestLock<T>(onLocked: () throws -> Void, _ body: () throws -> T) throws -> T

    /// A fresh engine over the stored catalog and roster.
    func ingestEngine() throws -> Engine
    /// Whether the store's runs take engines sharded by user (`IntakeRunStart.shards`) and answer for prior ids
    /// per id partition (`IntakeRun.priorIDs(for:partitions:)`): only then does `IngestOptions.threads` shard the
    /// intake (a file is parsed that wide either way). False by default.
    var evaluatesInShards: Bool { get }

    /// `body` in one transaction (finding or starting a checkpoint).
    func checkpointTransaction<T>(_ body: () throws -> T) throws -> T
    /// Earlier ingests of this file (same path, device and inode, not past its size), newest first, each with
    /// the `head` recorded for it (`FileIdentity.startsLike`).
    func checkpoints(of file: FileIdentity) throws -> [(checkpoint: IngestCheckpoint, head: String)]
    /// The latest ingest of a live source named `key`, with the source identity recorded for it.
    func latestCheckpoint(key: String) throws -> (checkpoint: IngestCheckpoint, identity: String?)?
    /// Records `identity` as the source of ingest `id` (nothing read from it yet).
    func setSourceIdentity(_ identity: String, ofIngest id: Int64) throws
    /// A new ingest of `source` (as messages name it): of a file (`file`), or of a source named `key` with
    /// `identity`, or of standard input (neither).
    func startCheckpoint(source: String, file: FileIdentity?, key: String?, identity: String?) throws -> IngestCheckpoint

    /// The lines ingest `id` refused so far, in source order.
    func rejects(ofIngest id: Int64) throws -> [(line: Int, reason: String)]
    /// The events earlier ingests found this store cannot hold, by id (`StoreRefusedEvent`).
    func refusedEvents() throws -> [String: Rejection]
    /// Records that the store cannot hold event `id`.
    func recordRefused(_ id: String, _ why: Rejection) throws

    /// Starts writing one run of an ingest from `checkpoint`: the store prepares (catches its saved progress up,
    /// drops indexes a large load rebuilds) and starts its writer.
    func beginRun(_ start: IntakeRunStart) throws -> Run
}

extension IntakeRun {
    public func priorIDs(for items: [EventStream.Item], partitions: Int) throws -> [Prior] {
        precondition(partitions == 1, "this store answers for prior ids of one id partition")
        return [try priorIDs(for: items)]
    }
}

extension IntakeStore {
    public var evaluatesInShards: Bool { false }

    public func withIngestLock<T>(_ body: () throws -> T) throws -> T { try withIngestLock(onLocked: {}, body) }
}

/// What a store is told when a run begins.
public struct IntakeRunStart {
    /// The engine the run's intake drives (the store may give it a way to load users' saved progress).
    public let engine: Engine
    /// With `IngestOptions.threads` above 1, the intake's engines sharded by user (`engine` is the first): a store
    /// that evaluates gives each its own `loadProgress` (called on its shard's thread, several at once) and
    /// catches each user up in their own shard's engine. Nil: one engine.
    public let shards: EngineShards?
    public let checkpoint: IngestCheckpoint
    /// The source as rejects name it.
    public let display: String
    /// The events the rest of the source should hold (from a file's size; 0 when unknown).
    public let expectedEvents: Int64
    /// Whether the source is a file (read to an end it may be resumed from), not standard input or a stream.
    public let isFile: Bool
    public let options: IngestOptions
}

/// One run of an ingest, the store's side: it answers for ids accepted before (`PriorIDs`) and commits the core's
/// batches, each in ONE transaction with its checkpoint, strictly in the order handed over, on threads of its own
/// while the core reads and decides the next.
public protocol IntakeRun: AnyObject {
    associatedtype Prior: PriorIDs

    /// Whether the run evaluates (awards and users' progress in its batches: SQLite), or only admits (PostgreSQL's
    /// inbox, whose workers evaluate the stored events later through the same intake).
    var evaluates: Bool { get }
    /// The `seq` of the first event this run stores.
    var firstSeq: Int64 { get }
    /// Whether the last batch with events builds the indexes the run dropped (`IngestBatch.buildUserIndex`).
    var buildsIndexAtEnd: Bool { get }
    /// Whether the prior ids answer for ids the intake forgets (`Intake.forgetIDs`), so that its memory is bounded.
    var answersForgottenIDs: Bool { get }

    /// What answers for ids accepted before, for one reader batch (asked once per batch, before the intake runs).
    func priorIDs(for items: [EventStream.Item]) throws -> Prior
    /// The same for an intake with `partitions` id partitions (`Intake.idPartitions`): one per partition, each
    /// asked only on its partition's thread, so several are asked at once. The default serves one partition.
    func priorIDs(for items: [EventStream.Item], partitions: Int) throws -> [Prior]
    /// Hands a batch over to be committed; throws the writer's failure once it has failed.
    func submit(_ batch: IngestBatch) throws
    /// Waits until every batch handed over is committed.
    func drain() throws
    /// Achievements committed so far (the source's, earlier runs included), or nil when the run evaluates nothing.
    var achievementsSoFar: Int? { get }
    /// Commits what was handed over and stops the writer; returns `achievementsSoFar`.
    func finish() throws -> Int?
    /// The core failed: the store keeps what its lock-holder must (committed batches) and puts back what the run
    /// changed for itself (dropped indexes). A no-op after `finish`.
    func abandon()
}
