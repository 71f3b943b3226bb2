import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesSQL

/// SQLite's side of the ingest's write port (`IntakeStore`): the ingest lock beside the file, the `ingests` rows,
/// and a run (`SQLiteIntakeRun`) that evaluates as it stores. The loop is the ingest core's (`IngestPipeline`).
extension Store: IntakeStore {
    public func withIngestLock<T>(onLocked: () throws -> Void, _ body: () throws -> T) throws -> T {
        guard isInitialized else { throw StoreError.notInitialized(path: path) }
        let lock = try IngestLock(databasePath: path)
        defer { lock.release() }
        try onLocked()
        return try body()
    }

    public func ingestEngine() throws -> Engine { try engine() }

    /// A run gives each shard's engine its own progress connection and each id partition its own `StoredIDs`.
    public var evaluatesInShards: Bool { true }

    public func checkpointTransaction<T>(_ body: () throws -> T) throws -> T { try db.transaction(body) }

    public func checkpoints(of f: FileIdentity) throws -> [(checkpoint: IngestCheckpoint, head: String)] {
        try db.rows("""
            SELECT id, line, offset, read, accepted, duplicates, rejected, achievements, finished_at IS NOT NULL, size, head
            FROM ingests WHERE inode = ? AND device = ? AND path = ? AND offset <= ? ORDER BY id DESC
            """, .int(f.inode), .int(f.device), .text(f.absolutePath), .int(f.size)) { s in
            (IngestCheckpoint(id: s.int64(0), line: s.int(1), offset: s.int64(2), counts: Self.counts(s, from: 3), finished: s.int(8) == 1,
                              size: s.isNull(9) ? nil : s.int64(9)), s.text(10))
        }
    }

    public func latestCheckpoint(key: String) throws -> (checkpoint: IngestCheckpoint, identity: String?)? {
        try db.rows("""
            SELECT id, line, offset, read, accepted, duplicates, rejected, achievements, finished_at IS NOT NULL, head
            FROM ingests WHERE path = ? AND inode IS NULL ORDER BY id DESC LIMIT 1
            """, .text(key)) { s in
            (IngestCheckpoint(id: s.int64(0), line: s.int(1), offset: s.int64(2), counts: Self.counts(s, from: 3), finished: s.int(8) == 1),
             s.isNull(9) ? nil : s.text(9))
        }.first
    }

    /// `read, accepted, duplicates, rejected, achievements` from column `first` on.
    private static func counts(_ s: Statement, from first: Int32) -> IntakeCounts {
        var c = IntakeCounts()
        c.read = s.int(first); c.accepted = s.int(first + 1); c.duplicates = s.int(first + 2)
        c.rejected = s.int(first + 3); c.achievements = s.int(first + 4)
        return c
    }

    public func setSourceIdentity(_ identity: String, ofIngest id: Int64) throws {
        try db.run("UPDATE ingests SET head = ? WHERE id = ?", .text(identity), .int(id))
    }

    public func startCheckpoint(source: String, file f: FileIdentity?, key: String?, identity: String?) throws -> IngestCheckpoint {
        let now = Date().timeIntervalSince1970
        try db.run("INSERT INTO ingests(source, path, device, inode, head, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   .text(source), .optional(f?.absolutePath ?? key), f.map { .int($0.device) } ?? .null, f.map { .int($0.inode) } ?? .null,
                   .optional(f?.head ?? identity), .double(now), .double(now))
        return IngestCheckpoint(id: db.lastInsertRowID)
    }

    public func rejects(ofIngest id: Int64) throws -> [(line: Int, reason: String)] {
        try db.rows("SELECT line, reason FROM rejects WHERE ingest = ? ORDER BY seq", .int(id), map: { ($0.int(0), $0.text(1)) })
    }

    /// SQLite holds any event the intake admits.
    public func refusedEvents() throws -> [String: Rejection] { [:] }

    public func recordRefused(_ id: String, _ why: Rejection) throws {}

    public func beginRun(_ start: IntakeRunStart) throws -> SQLiteIntakeRun { try SQLiteIntakeRun(store: self, start) }
}

/// One run of an ingest into SQLite, the store's side. Duplicates are decided by the intake in memory, so the
/// engine never waits for SQLite; ids accepted before it (by earlier ingests, or forgotten by it) are looked up on
/// a read-only connection (`StoredIDs`), which also loads users' saved progress. `BatchWriter` commits each batch
/// in one transaction on the store's connection, on a thread of its own.
public final class SQLiteIntakeRun: IntakeRun {
    private let db: Database
    private let engine: Engine
    /// The intake's engines sharded by user, or nil for one engine.
    private let shards: EngineShards?
    private let writer: BatchWriter
    /// One per id partition of the intake (one without shards), each on its own read-only connection: the
    /// partitions' threads ask theirs at once.
    private let storedIDs: [StoredIDs]
    /// Read-only connections: users' saved progress (one per engine: the shards load on their own threads at
    /// once) and earlier events' content (one per id partition).
    private let lookups: [Database]
    /// A first load (or one much larger than what is stored) builds events' per-user index at its end.
    private let rebuildUserIndex: Bool
    private let checkpointer: WALCheckpointer

    public let firstSeq: Int64
    public var evaluates: Bool { true }
    public var buildsIndexAtEnd: Bool { rebuildUserIndex }
    public var answersForgottenIDs: Bool { true }

    init(store: Store, _ start: IntakeRunStart) throws {
        db = store.db
        engine = start.engine
        shards = start.shards
        let engines = start.shards?.engines ?? [start.engine]
        // Connection k serves engine k's progress and id partition k's look-ups (as many of each as shards): never
        // at once, since a batch's admission step ends before its engines run (`Intake.takeSharded`).
        let lookups = try engines.map { _ in try Database(path: store.path, mode: .readOnly) }
        self.lookups = lookups
        for (e, lookup) in zip(engines, lookups) {
            let loadState = try lookup.prepare("SELECT state FROM progress WHERE user = ?")
            e.loadProgress = { member in
                guard (try? loadState.bind(1, member.id)) != nil else { return nil }
                defer { loadState.reset() }
                return (try? loadState.step()) == true ? loadState.blob(0) : nil
            }
        }
        let writer = BatchWriter(db: db, catalog: engine.catalog, userKeys: try UserKeys.Roster(engine.roster, in: db), ingestID: start.checkpoint.id,
                             display: start.display, achievementsBefore: start.checkpoint.counts.achievements)
        self.writer = writer
        // Sequence numbers are handed out on the ingest core's thread (`BatchFiller`).
        firstSeq = Int64(try db.integer("SELECT coalesce(max(seq), 0) FROM events")) + 1
        // The ids filter's memory shared out among the partitions (each holds only its own partition's ids).
        let filterBytes = start.options.idFilterBytes / lookups.count
        let storedEarlier = firstSeq > 1
        storedIDs = try lookups.map { lookup in
            try StoredIDs(lookup: lookup, storedEarlier: storedEarlier, filterBytes: filterBytes, drain: { [writer] in try writer.drain() })
        }
        rebuildUserIndex = start.isFile && start.expectedEvents >= max(Int64(start.options.rebuildUserIndexFrom), firstSeq - 1)
        // The log is copied into the database by a thread of its own while ingesting (`WALCheckpointer`), in
        // large steps (a page changed by many batches is copied once per checkpoint, not once per batch), and the
        // writer never waits for the disk's syncs. Back to SQLite's own checkpoint (1000 pages) at the end.
        let checkpointer = try WALCheckpointer(path: store.path, writer: db, pageBytes: max(try db.pragma("page_size"), 512))
        self.checkpointer = checkpointer
        writer.betweenBatches = { checkpointer.restartIfLarge() }
        do {
            try catchUp()
            try prepareUserIndex()
        } catch {
            checkpointer.stop()
            throw error
        }
        writer.start()
    }

    /// Events stored after the last progress save (a crash, or an ingest stopped mid-way) go through the
    /// engine again, so that its state is that of an uninterrupted run before this source goes on. The awards
    /// they earn are stored already (their batch committed them), so this stores nothing new but in odd cases.
    private func catchUp() throws {
        try db.transaction {
            _ = try ProgressLog.catchUp(engine, shards: shards, in: db) { earned, seq in for a in earned { _ = try writer.record(.init(a, eventSeq: seq)) } }
        }
    }

    /// Drops events' per-user index before a first load (built again at its end), or builds it after an
    /// ingest killed without it.
    private func prepareUserIndex() throws {
        if rebuildUserIndex {
            try db.transaction { try UserIndex.drop(in: db) }
        } else {
            try db.transaction { try UserIndex.build(in: db) }
        }
    }

    public func priorIDs(for items: [EventStream.Item]) throws -> StoredIDs { storedIDs[0] }

    public func priorIDs(for items: [EventStream.Item], partitions: Int) throws -> [StoredIDs] {
        precondition(partitions == storedIDs.count, "one prior per id partition: the run was begun with as many shards")
        return storedIDs
    }

    public func submit(_ batch: IngestBatch) throws { try writer.submit(batch) }

    public func drain() throws { try writer.drain() }

    public var achievementsSoFar: Int? { writer.achievementsSoFar }

    /// A run dropped without `finish` or `abandon` must not leave the writer without SQLite's own checkpoint.
    deinit { checkpointer.stop() }

    public func finish() throws -> Int? {
        var finished = false
        defer { checkpointer.stop(emptyingLog: finished) }
        let count = try writer.finish()
        finished = true
        return count
    }

    /// Stops the writer without committing what waits (a no-op after `finish`), and builds the index this run
    /// dropped (its normal end builds it in its last batch).
    public func abandon() {
        writer.cancel()
        checkpointer.stop()
        if rebuildUserIndex { _ = try? db.transaction { try UserIndex.build(in: db) } }
    }
}
