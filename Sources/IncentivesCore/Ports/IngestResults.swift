/// What an ingest is asked and what it answers, the same for every store (the ingest core in
/// `IncentivesInput/Ingest` drives them; SQLite and PostgreSQL implement its write port, `IntakeStore`).

/// How an ingest runs: batch sizes and the bounds on its memory.
public struct IngestOptions: Sendable {
    /// Lines per transaction: larger batches are faster, smaller ones redo less after a crash.
    public var batchLines = 50_000
    /// Read the file from its first line again even when an earlier ingest of it got further.
    public var restart = false
    /// Accepted events between two saves of users' progress (a store that evaluates as it ingests). Saving is the
    /// costliest part of a batch, so it is done less often than committing; a crash costs a replay of at most this
    /// many stored events through the engine, never a lost or doubled award.
    public var progressEvery = 1_000_000
    /// Users whose progress may stay in memory after a save before it is dropped (it is in the database).
    public var maxUsersInMemory = 200_000
    /// Users whose progress is encoded and handed to the writer at a time when it is saved (a few MB):
    /// all parts go in one transaction (`IngestBatch.continues`), so memory holds a few parts, not all.
    public var progressPartUsers = 2_000
    /// Event ids the duplicate check holds in memory (24 bytes each in a table at most 70% full: 12 MB for
    /// the default) before it forgets them and asks the database about older ids instead.
    public var maxIDsInMemory = 250_000
    /// The size of the filter that spares the database a look-up for ids certainly never accepted
    /// (SQLite's `IDFilter`): 8 MB keeps wrong "perhaps" answers (each a look-up) under 1% up to 3M ids, an estimated 5-10% at 10M.
    public var idFilterBytes = 8 << 20
    /// An ingest expected to add at least this many events (from the file's size), and at least as many as
    /// are stored, drops events' per-user index and builds it again at its end (SQLite's `UserIndex`).
    public var rebuildUserIndexFrom = 200_000
    /// Threads that parse a file's lines, and, in a store that evaluates as it ingests, shards of the intake
    /// (admission by event id, engines by user, `Intake(shards:)`); 1: one parsing thread and one engine.
    /// The stored results are the same whatever the number.
    public var threads = 1

    public init() {}
}

/// How far an ingest got, for the progress bar.
public struct IngestProgress: Sendable {
    public let bytes: Int64
    /// nil when the size is unknown (standard input, a stream).
    public let totalBytes: Int64?
    public let counts: IntakeCounts

    public init(bytes: Int64, totalBytes: Int64?, counts: IntakeCounts) {
        self.bytes = bytes
        self.totalBytes = totalBytes
        self.counts = counts
    }
}

/// One refused line, as `replay` reports it: `FILE:LINE: REASON` (a stream's message: `nats://HOST:PORT/STREAM:seq N: REASON`).
public struct RejectedLine: Sendable, Equatable {
    public let file: String
    public let line: Int
    public let reason: String
    /// Before the line's number: "" for a file, "seq " for a stream (`EventSource.lineLabel`).
    public var lineLabel = ""

    public init(file: String, line: Int, reason: String, lineLabel: String = "") {
        self.file = file
        self.line = line
        self.reason = reason
        self.lineLabel = lineLabel
    }

    public var message: String { "\(file):\(lineLabel)\(line): \(reason)" }
}

/// What an ingest came to.
public struct IngestOutcome: Sendable {
    /// The source's counts, including what earlier interrupted runs of the same ingest committed, so that a
    /// resumed ingest reports the same summary as an uninterrupted one. On a store that only admits (PostgreSQL's
    /// inbox), achievements are those stored when the ingest ended: the evaluation stage adds the rest.
    public var counts: IntakeCounts
    /// The line the run started after (0: from the start).
    public let resumedAfterLine: Int
    /// Whether the file had been ingested to its end already.
    public let alreadyComplete: Bool
    public let ingestID: Int64

    public init(counts: IntakeCounts, resumedAfterLine: Int, alreadyComplete: Bool, ingestID: Int64) {
        self.counts = counts
        self.resumedAfterLine = resumedAfterLine
        self.alreadyComplete = alreadyComplete
        self.ingestID = ingestID
    }
}

/// The `ingests` row of one source: how far its ingest got and its counts so far (the source's position is kept
/// in the store, in each batch's transaction: Kafka's "offsets outside Kafka").
public struct IngestCheckpoint: Sendable, Equatable {
    public let id: Int64
    public var line: Int
    public var offset: Int64
    public var counts: IntakeCounts
    public var finished: Bool
    /// The file's size when it was read to its end (nil while unfinished).
    public var size: Int64?

    public init(id: Int64, line: Int = 0, offset: Int64 = 0, counts: IntakeCounts = IntakeCounts(), finished: Bool = false, size: Int64? = nil) {
        self.id = id
        self.line = line
        self.offset = offset
        self.counts = counts
        self.finished = finished
        self.size = size
    }
}

/// An event a store cannot hold (PostgreSQL: an id too large for its index), found when its batch is committed.
/// The ingest core records it (`IntakeStore.recordRefused`), rejects it wherever it comes again, and reads the
/// source again from the checkpoint, so that no rerun fails where the last one did (issue 21).
public struct StoreRefusedEvent: Error {
    public let id: String
    public let line: Int
    /// The store's own words, for the reject.
    public let message: String
    /// Thrown if the same event is refused again (the refusal is then not its own).
    public let storeError: any Error
    /// Thrown for standard input, which cannot be read again: its next re-send goes on past the event.
    public let onStandardInput: any Error

    public init(id: String, line: Int, message: String, storeError: any Error, onStandardInput: any Error) {
        self.id = id
        self.line = line
        self.message = message
        self.storeError = storeError
        self.onStandardInput = onStandardInput
    }
}

/// What loading a catalog and roster changed (`incentives init`), on either store.
public struct LoadSummary: Sendable, Equatable {
    public let users: Int
    public let added: Int
    public let removed: Int
    public let employers: Int
    /// The catalog version now current, and what the load changed (nil on the first load).
    public let version: Int
    public let change: CatalogChange?
    /// Awards a backfill recorded for the rewards the version added or redefined.
    public let backfilled: Int

    public init(users: Int, added: Int, removed: Int, employers: Int, version: Int, change: CatalogChange?, backfilled: Int) {
        self.users = users
        self.added = added
        self.removed = removed
        self.employers = employers
        self.version = version
        self.change = change
        self.backfilled = backfilled
    }
}
