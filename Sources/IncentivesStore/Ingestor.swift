import Foundation
import IncentivesCore
import IncentivesInput
#if canImport(Glibc)
import Glibc
#endif

/// Streams an events file into the store: the same decisions as `replay` (CONTRACT §4), made durable. The
/// decisions are the core's `Intake`, the pipeline `replay` runs too, given the store's ids (`StoredIDs`) and a
/// batch to fill (`BatchFiller`); this file keeps batching, checkpoints and the writer (`IngestRun`).
///
/// Lines are processed in batches; each batch is ONE transaction holding its accepted events, its rejects,
/// the achievements it earned with their evidence and outbox rows, users' progress when it is saved, and the
/// checkpoint (line and byte offset reached). A crash (even kill -9) therefore loses at most the batches in
/// flight, which the next run of the same ingest reads again from the checkpoint; event ids make any overlap
/// harmless. Parsing, the engine and SQLite run on three threads (DESIGN.md §4). Memory is bounded whatever the
/// file's size: lines are streamed, one batch waits while the writer commits another, users' progress is dropped
/// from memory once it is committed and too many are held, the duplicate check holds a fixed number of ids (older
/// ones are asked of the database, behind a fixed-size `IDFilter`: `StoredIDs`), and SQLite's page cache has a fixed size.
public final class Ingestor {
    public struct Options: Sendable {
        /// Lines per transaction: larger batches are faster, smaller ones redo less after a crash.
        public var batchLines = 50_000
        /// Read the file from its first line again even when an earlier ingest of it got further.
        public var restart = false
        /// Accepted events between two saves of users' progress (see `ProgressLog`). Saving is the costliest
        /// part of a batch, so it is done less often than committing; a crash costs a replay of at most this many
        /// stored events through the engine, never a lost or doubled award.
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
        /// (`IDFilter`): 8 MB keeps wrong "perhaps" answers (each a look-up) under 1% up to 3M ids, an estimated 5-10% at 10M.
        public var idFilterBytes = 8 << 20
        /// An ingest expected to add at least this many events (from the file's size), and at least as many as
        /// are stored, drops events' per-user index and builds it again at its end (`UserIndex`).
        public var rebuildUserIndexFrom = 200_000

        public init() {}
    }

    /// How far an ingest got, for the progress bar.
    public struct Progress: Sendable {
        public let bytes: Int64
        /// nil when the size is unknown (standard input).
        public let totalBytes: Int64?
        public let counts: IntakeCounts
    }

    /// One refused line, as `replay` reports it: `FILE:LINE: REASON` (a stream's message: `nats://HOST:PORT/STREAM:seq N: REASON`).
    public struct RejectedLine: Sendable, Equatable {
        public let file: String
        public let line: Int
        public let reason: String
        /// Before the line's number: "" for a file, "seq " for a stream (`EventSource.lineLabel`).
        public var lineLabel = ""

        public var message: String { "\(file):\(lineLabel)\(line): \(reason)" }
    }

    public struct Outcome: Sendable {
        /// The file's counts, including what earlier interrupted runs of the same ingest committed,
        /// so that a resumed ingest reports the same summary as an uninterrupted one.
        public var counts: IntakeCounts
        /// The line the run started after (0: from the start).
        public let resumedAfterLine: Int
        /// Whether the file had been ingested to its end already.
        public let alreadyComplete: Bool
        public let ingestID: Int64
    }

    private let store: Store
    private var db: Database { store.db }

    /// A rough size of an event line, to guess a file's events from its size.
    static let bytesPerLine: Int64 = 120

    public init(store: Store) { self.store = store }

    /// Ingests `path` (`-`: standard input). `onReject` gets every refused line in file order, including
    /// those committed by an earlier interrupted run of the same ingest; `onProgress` gets called after each batch.
    public func ingest(path: String, options: Options = Options(),
                       onReject: (RejectedLine) -> Void = { _ in },
                       onProgress: (Progress) -> Void = { _ in }) throws -> Outcome {
        guard store.isInitialized else { throw StoreError.notInitialized(path: store.path) }
        // One ingest at a time: two engines over the same users would each miss the other's events.
        let lock = try IngestLock(databasePath: store.path)
        defer { lock.release() }
        let display = InputFile.displayName(path)
        let identity = try FileIdentity(path: path)
        let engine = try store.engine()

        let checkpoint = try db.transaction { () -> Checkpoint in
            if !options.restart, let identity, let found = try Checkpoint.find(identity, in: db) { return found }
            return try Checkpoint.start(source: display, identity: identity, in: db)
        }
        if checkpoint.line > 0 || checkpoint.counts.rejected > 0 {
            // Report what the earlier runs refused, so the output matches an uninterrupted run.
            for r in try db.rows("SELECT line, reason FROM rejects WHERE ingest = ? ORDER BY seq", .int(checkpoint.id),
                                 map: { RejectedLine(file: display, line: $0.int(0), reason: $0.text(1)) }) { onReject(r) }
        }
        if let identity, checkpoint.finished, checkpoint.size == identity.size {
            return Outcome(counts: checkpoint.counts, resumedAfterLine: checkpoint.line, alreadyComplete: true, ingestID: checkpoint.id)
        }

        // Fewer, larger WAL checkpoints while ingesting: a page changed by many batches is copied into the
        // database once per checkpoint, not once per batch. A checkpoint every 64 MB of WAL, whatever the page
        // size (a file's own; see `Store.pageSize`). Back to SQLite's default (1000 pages) afterwards.
        let pageBytes = max(try db.pragma("page_size"), 512)
        try db.execute("PRAGMA wal_autocheckpoint = \((64 << 20) / pageBytes)")
        defer { _ = try? db.execute("PRAGMA wal_autocheckpoint = 1000") }
        let run = try IngestRun(store: store, engine: engine, checkpoint: checkpoint, identity: identity, display: display, options: options)
        try run.catchUp()
        try run.prepareUserIndex()
        defer { run.buildUserIndexIfDropped() } // stopped early
        let counts = try run.read(EventStream(path: path), onReject: onReject, onProgress: onProgress)
        return Outcome(counts: counts, resumedAfterLine: checkpoint.line, alreadyComplete: false, ingestID: checkpoint.id)
    }

    /// Ingests a live source (a JetStream stream) named `key` (its address without credentials, e.g.
    /// `nats://HOST:PORT/STREAM`): from after the position the last ingest of the same key committed, whatever
    /// the source itself remembers, until the source ends (idle, or asked to stop). Each batch commits its events,
    /// rejects, awards and the source position reached in one transaction, so that a crash at any moment, then a
    /// rerun, loses and doubles nothing. `onReject` gets this run's refused messages (earlier runs' are in `rejects`).
    public func ingest(source: any EventSource, key: String, options: Options = Options(),
                       onReject: (RejectedLine) -> Void = { _ in },
                       onProgress: (Progress) -> Void = { _ in }) throws -> Outcome {
        guard store.isInitialized else { throw StoreError.notInitialized(path: store.path) }
        let lock = try IngestLock(databasePath: store.path)
        defer { lock.release() }
        let engine = try store.engine()
        let checkpoint = try db.transaction { () -> Checkpoint in
            if !options.restart, let (found, recorded) = try Checkpoint.find(key: key, in: db) {
                if let identity = source.identity, recorded != identity {
                    // Nothing read yet: nothing to skip, and the position is this source's from now on.
                    guard found.offset == 0 else { throw SourceReplacedError(source: source.displayName, position: found.offset) }
                    try db.run("UPDATE ingests SET head = ? WHERE id = ?", .text(identity), .int(found.id))
                }
                return found
            }
            return try Checkpoint.start(source: source.displayName, key: key, identity: source.identity, in: db)
        }
        let pageBytes = max(try db.pragma("page_size"), 512)
        try db.execute("PRAGMA wal_autocheckpoint = \((64 << 20) / pageBytes)")
        defer { _ = try? db.execute("PRAGMA wal_autocheckpoint = 1000") }
        let run = try IngestRun(store: store, engine: engine, checkpoint: checkpoint, identity: nil, display: source.displayName, options: options)
        try run.catchUp()
        try run.prepareUserIndex()
        let counts = try run.read(source, onReject: onReject, onProgress: onProgress)
        return Outcome(counts: counts, resumedAfterLine: checkpoint.line, alreadyComplete: false, ingestID: checkpoint.id)
    }
}

/// One ingest of one file, after its checkpoint is found: its state and its steps. Three stages on their own
/// threads, in file order: the reader parses and validates lines (`forEachBatchPipelined`); this thread takes
/// them through the intake (`Intake`: admission, the engine), whose decisions become the rows of the batch
/// being filled (`BatchFiller`); `BatchWriter` commits each batch in one transaction on the store's connection.
/// Duplicates are decided by the intake in memory, so the engine never waits for SQLite; ids accepted before
/// it (by earlier ingests, or forgotten by it) are looked up on a read-only connection (`StoredIDs`).
private final class IngestRun {
    private let db: Database
    private let engine: Engine
    private let intake: Intake
    private let writer: BatchWriter
    private let storedIDs: StoredIDs
    /// A read-only connection: users' saved progress and earlier events' content.
    private let lookup: Database
    private let options: Ingestor.Options
    private let identity: FileIdentity?
    private let display: String
    /// Before a reject's line number (`EventSource.lineLabel`).
    private var lineLabel = ""
    /// Where this run starts, and the counts of the earlier runs of the same ingest.
    private let checkpoint: Checkpoint
    /// A first load (or one much larger than what is stored) builds events' per-user index at its end.
    private let rebuildUserIndex: Bool

    /// The batch being filled.
    private var rows: BatchFiller
    private var linesInBatch = 0
    /// The last line taken and the offset after it: the checkpoint the next batch reaches.
    private var lastLine: Int
    private var lastOffset: Int64
    /// `intake.counts.accepted` when users' progress was last saved.
    private var acceptedAtSave = 0
    /// Users whose saved progress the engine still holds.
    private var usersHeld = 0

    init(store: Store, engine: Engine, checkpoint: Checkpoint, identity: FileIdentity?, display: String, options: Ingestor.Options) throws {
        db = store.db
        self.engine = engine
        self.checkpoint = checkpoint
        self.identity = identity
        self.display = display
        self.options = options
        lookup = try Database(path: store.path, mode: .readOnly)
        let loadState = try lookup.prepare("SELECT state FROM progress WHERE user = ?")
        engine.loadProgress = { member in
            guard (try? loadState.bind(1, member.id)) != nil else { return nil }
            defer { loadState.reset() }
            return (try? loadState.step()) == true ? loadState.blob(0) : nil
        }
        writer = BatchWriter(db: db, catalog: engine.catalog, userKeys: try UserKeys.Roster(engine.roster, in: db), ingestID: checkpoint.id,
                             display: display, achievementsBefore: checkpoint.counts.achievements)
        // Sequence numbers are handed out on the engine thread (`BatchFiller`).
        let nextSeq = Int64(try db.integer("SELECT coalesce(max(seq), 0) FROM events")) + 1
        storedIDs = try StoredIDs(lookup: lookup, storedEarlier: nextSeq > 1, filterBytes: options.idFilterBytes, drain: { [writer] in try writer.drain() })
        let expectedEvents = max(0, (identity?.size ?? 0) - checkpoint.offset) / Ingestor.bytesPerLine
        rebuildUserIndex = identity != nil && expectedEvents >= max(Int64(options.rebuildUserIndexFrom), nextSeq - 1)
        intake = Intake(engine: engine, expectedEvents: Int(min(expectedEvents, Int64(options.maxIDsInMemory))))
        rows = BatchFiller(batch: IngestBatch(reserving: options.batchLines), nextSeq: nextSeq)
        lastLine = checkpoint.line
        lastOffset = checkpoint.offset
    }

    /// The file's counts so far, earlier runs included; achievements as the intake counted them (the writer
    /// knows which are new to the database).
    private var counts: IntakeCounts { checkpoint.counts + intake.counts }

    /// Counts for the progress bar: achievements committed so far.
    private func progress(bytes: Int64) -> Ingestor.Progress {
        var c = counts
        c.achievements = writer.achievementsSoFar
        return Ingestor.Progress(bytes: bytes, totalBytes: identity?.size, counts: c)
    }

    /// Events stored after the last progress save (a crash, or an ingest stopped mid-way) go through the
    /// engine again, so that its state is that of an uninterrupted run before this file goes on. The awards
    /// they earn are stored already (their batch committed them), so this stores nothing new but in odd cases.
    func catchUp() throws {
        try db.transaction {
            _ = try ProgressLog.catchUp(engine, in: db) { earned, seq in for a in earned { _ = try writer.record(.init(a, eventSeq: seq)) } }
        }
    }

    /// Drops events' per-user index before a first load (built again at its end), or builds it after an
    /// ingest killed without it.
    func prepareUserIndex() throws {
        if rebuildUserIndex {
            try db.transaction { try UserIndex.drop(in: db) }
        } else {
            try db.transaction { try UserIndex.build(in: db) }
        }
    }

    /// After an ingest stopped early (an error): the index it dropped. (Its normal end builds it in its last batch.)
    func buildUserIndexIfDropped() {
        if rebuildUserIndex { _ = try? db.transaction { try UserIndex.build(in: db) } }
    }

    /// Reads the source from the checkpoint to its end, batch by batch; returns the source's counts.
    func read(_ source: any EventSource, onReject: (Ingestor.RejectedLine) -> Void, onProgress: (Ingestor.Progress) -> Void) throws -> IntakeCounts {
        lineLabel = source.lineLabel
        let start = SourcePosition(line: checkpoint.line, offset: checkpoint.offset)
        var total = counts
        writer.start()
        do {
            defer { writer.cancel() }
            do {
                try withoutActuallyEscaping(onProgress) { report in
                    try source.forEachBatch(after: start, progress: { bytes in report(self.progress(bytes: bytes)) }) { items in
                        try take(items, onReject: onReject, onProgress: report)
                        // A live source's batch is what arrived within its flush interval: committed now.
                        if source.commitsEachBatch && linesInBatch > 0 {
                            try submit(finished: false)
                            report(progress(bytes: lastOffset))
                        }
                        return true
                    }
                }
            } catch let runaway as LineReader.RunawayLine {
                // Input that never ends a line (`/dev/zero`, a binary file): what was read before it is kept,
                // committed with the checkpoint of its last line, and the reading stops with the reason.
                try submit(finished: false)
                _ = try writer.finish()
                throw runaway
            }
            // The end of the file. The checkpoint stays after the last event line, not after trailing blank
            // lines, so that line numbers stay exact when the file grows; `size` tells a finished file.
            if rebuildUserIndex {
                // The writer builds the index while this thread encodes every user's progress for the end.
                try submit(finished: false, buildUserIndex: true)
            }
            try submit(finished: true)
            total = counts
            total.achievements = try writer.finish()
        }
        onProgress(Ingestor.Progress(bytes: lastOffset, totalBytes: identity?.size, counts: total))
        return total
    }

    /// One batch of the reader's lines through the intake, in parts that end where an ingest batch does.
    private func take(_ items: [EventStream.Item], onReject: (Ingestor.RejectedLine) -> Void, onProgress: (Ingestor.Progress) -> Void) throws {
        let lines = items.map(\.event)
        rows.items = items
        var start = 0
        while start < items.count {
            let end = min(items.count, start + max(1, options.batchLines - linesInBatch))
            let rejectsBefore = rows.batch.rejects.count
            try intake.take(lines[start..<end], prior: storedIDs, into: &rows)
            for r in rows.batch.rejects[rejectsBefore...] { onReject(.init(file: display, line: r.line, reason: r.why.description, lineLabel: lineLabel)) }
            linesInBatch += end - start
            lastLine = items[end - 1].line
            lastOffset = items[end - 1].nextOffset
            if linesInBatch >= options.batchLines {
                try submit(finished: false)
                onProgress(progress(bytes: lastOffset))
            }
            start = end
        }
        rows.items = [] // not kept alive while the reader fills the next batch
    }

    /// Hands the batch to the writer with the checkpoint it reaches; saves progress when due (always at the end,
    /// never in the batch that builds the per-user index: the end follows it at once). Then bounds memory.
    private func submit(finished: Bool, buildUserIndex: Bool = false) throws {
        var batch = rows.batch
        rows.batch = IngestBatch() // the next one reserves its rows once this one is handed over
        linesInBatch = 0
        batch.line = lastLine
        batch.offset = lastOffset
        batch.counts = counts
        batch.finished = finished
        batch.size = finished ? identity?.size : nil
        batch.buildUserIndex = buildUserIndex
        let saveProgress = finished || (!buildUserIndex && intake.counts.accepted - acceptedAtSave >= options.progressEvery)
        if saveProgress {
            try submitWithProgress(batch)
        } else {
            try writer.submit(batch)
        }
        rows.batch = IngestBatch(reserving: options.batchLines)
        if !finished && intake.rememberedIDs > options.maxIDsInMemory {
            // Bounded memory for any file size: the intake's id table starts again empty, and the database
            // answers for the ids it held (`StoredIDs`), every one of them submitted by now.
            intake.forgetIDs(answeredBy: storedIDs)
        }
        if saveProgress && !finished && usersHeld > options.maxUsersInMemory {
            // Their progress is committed once the writer is done: the engine then reloads it on demand.
            try writer.drain()
            engine.forgetProgress()
            usersHeld = 0
        }
    }

    /// The batch with every changed user's progress, in parts, each encoded while the writer stores the one
    /// before (memory: a few parts, not every user's state at once), all in this batch's transaction.
    private func submitWithProgress(_ batch: IngestBatch) throws {
        let members = engine.takeChangedMembers()
        usersHeld += members.count
        acceptedAtSave = intake.counts.accepted
        var start = 0
        repeat {
            let end = min(start + max(1, options.progressPartUsers), members.count)
            var part = start == 0 ? batch : batch.sameCheckpoint
            part.progress = (ProgressLog.states(of: members[start..<end], in: engine), rows.nextSeq - 1)
            part.continues = end < members.count
            try writer.submit(part)
            start = end
        } while start < members.count
    }
}

/// Which file an ingest read, so that running the same ingest again resumes it: the path, device and
/// inode, and a digest of its first bytes (up to 4 KiB). A file appended to keeps its identity (the digest
/// is checked over the length recorded, which a growing file still has); a replaced file does not.
struct FileIdentity: Sendable {
    let absolutePath: String
    let device: Int64
    let inode: Int64
    let size: Int64
    /// `LENGTH:DIGEST` of the first bytes.
    let head: String
    private let path: String

    static let headLength = 4096

    /// nil for standard input and other streams that cannot be read twice.
    init?(path: String) throws {
        guard path != "-" else { return nil }
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw UnreadableInputError(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        self.path = path
        absolutePath = URL(fileURLWithPath: path).standardizedFileURL.path
        device = Int64(bitPattern: UInt64(st.st_dev))
        inode = Int64(bitPattern: UInt64(st.st_ino))
        size = Int64(st.st_size)
        head = try Self.digest(path, length: Self.headLength)
    }

    /// Whether this file starts as the one recorded with `recorded` (a `LENGTH:DIGEST`).
    func startsLike(_ recorded: String) throws -> Bool {
        guard let colon = recorded.firstIndex(of: ":"), let n = Int(recorded[..<colon]) else { return false }
        return try Self.digest(path, length: n) == recorded
    }

    static func digest(_ path: String, length: Int) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw UnreadableInputError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: max(length, 1))
        let n = max(0, buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, length) })
        var h = FNV1a()
        for b in buffer.prefix(n) { h.add(UInt64(b)) }
        return "\(n):" + String(h.value, radix: 16)
    }
}

/// The ingest lock: an exclusive `flock` on `DATABASE-ingest.lock` (the database's real path), held for a whole ingest. The kernel drops it
/// when the process dies, kill -9 included, so a crash never leaves a stale lock. (Not a lock on the database
/// file itself: closing any other descriptor of that file would drop SQLite's own POSIX locks.)
final class IngestLock {
    private let file: DatabaseLockFile

    init(databasePath: String) throws {
        file = try DatabaseLockFile(databasePath: databasePath, suffix: "-ingest.lock", busy: .ingestRunning(path: databasePath))
    }

    func release() { file.release() }
}

/// The sender lock: `DATABASE-deliver.lock`, held by `incentives deliver` for its whole run on a SQLite database.
/// SQLite's outbox has no claim on a row (PostgreSQL's has, `FOR UPDATE SKIP LOCKED` and a lease), so two senders
/// on one file would each send every due row: the second is refused instead (`StoreError.senderRunning`, exit 75).
public final class SenderLock {
    private let file: DatabaseLockFile

    public init(databasePath: String) throws {
        file = try DatabaseLockFile(databasePath: databasePath, suffix: "-deliver.lock", busy: .senderRunning(path: databasePath))
    }

    public func release() { file.release() }
}

/// An exclusive, non-blocking `flock` on a file beside the database, named after the database's real path (so
/// that a symbolic link to the database takes the same lock; a hard link would name it otherwise: `Store`
/// refuses a file with several names). Released at `release`, at deinit, or by the kernel when the process dies.
final class DatabaseLockFile {
    private var fd: Int32

    init(databasePath: String, suffix: String, busy: StoreError) throws {
        let real = realpath(databasePath, nil).map { p in defer { free(p) }; return String(cString: p) } ?? databasePath
        let path = real + suffix
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw errno == EACCES || errno == EROFS ? StoreError.readOnly(path: databasePath)
                : StoreError.cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw busy
        }
    }

    func release() {
        guard fd >= 0 else { return }
        flock(fd, LOCK_UN)
        close(fd)
        fd = -1
    }

    deinit { release() }
}

/// A live source is not the one the store's position belongs to (a stream deleted and made again under the same
/// name: its sequences started over). Resuming would skip its first messages, so the ingest refuses (the CLI
/// exits 78); `--restart` reads it from its start, and ids stored already count as duplicates.
public struct SourceReplacedError: Error, Sendable, CustomStringConvertible {
    public let source: String
    public let position: Int64
    public var description: String {
        "\(source): not the stream this database read up to sequence \(position) (it was deleted and made again since); "
            + "run the ingest with --restart to read it from its start (events stored already count as duplicates)"
    }
}

/// An events file that cannot be opened (the CLI exits 66).
public struct UnreadableInputError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// The `ingests` row of one events file: how far it got and its counts so far.
struct Checkpoint {
    let id: Int64
    var line: Int
    var offset: Int64
    var counts: IntakeCounts
    var finished: Bool
    /// The file's size when it was read to its end (nil while unfinished).
    var size: Int64?

    static func find(_ f: FileIdentity, in db: Database) throws -> Checkpoint? {
        let candidates = try db.rows("""
            SELECT id, line, offset, read, accepted, duplicates, rejected, achievements, finished_at IS NOT NULL, size, head
            FROM ingests WHERE inode = ? AND device = ? AND path = ? AND offset <= ? ORDER BY id DESC
            """, .int(f.inode), .int(f.device), .text(f.absolutePath), .int(f.size)) { s in
            var c = IntakeCounts()
            c.read = s.int(3); c.accepted = s.int(4); c.duplicates = s.int(5); c.rejected = s.int(6); c.achievements = s.int(7)
            return (Checkpoint(id: s.int64(0), line: s.int(1), offset: s.int64(2), counts: c, finished: s.int(8) == 1,
                               size: s.isNull(9) ? nil : s.int64(9)), s.text(10))
        }
        for (checkpoint, head) in candidates where try f.startsLike(head) { return checkpoint }
        return nil
    }

    /// The latest ingest of a live source (no file identity; `path` holds the source's key, `head` its
    /// `EventSource.identity`), with that identity.
    static func find(key: String, in db: Database) throws -> (Checkpoint, String?)? {
        try db.rows("""
            SELECT id, line, offset, read, accepted, duplicates, rejected, achievements, finished_at IS NOT NULL, head
            FROM ingests WHERE path = ? AND inode IS NULL ORDER BY id DESC LIMIT 1
            """, .text(key)) { s in
            var c = IntakeCounts()
            c.read = s.int(3); c.accepted = s.int(4); c.duplicates = s.int(5); c.rejected = s.int(6); c.achievements = s.int(7)
            return (Checkpoint(id: s.int64(0), line: s.int(1), offset: s.int64(2), counts: c, finished: s.int(8) == 1, size: nil),
                    s.isNull(9) ? nil : s.text(9))
        }.first
    }

    static func start(source: String, key: String, identity: String?, in db: Database) throws -> Checkpoint {
        let now = Date().timeIntervalSince1970
        try db.run("INSERT INTO ingests(source, path, head, started_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                   .text(source), .text(key), .optional(identity), .double(now), .double(now))
        return Checkpoint(id: db.lastInsertRowID, line: 0, offset: 0, counts: IntakeCounts(), finished: false, size: nil)
    }

    static func start(source: String, identity f: FileIdentity?, in db: Database) throws -> Checkpoint {
        let now = Date().timeIntervalSince1970
        try db.run("INSERT INTO ingests(source, path, device, inode, head, started_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                   .text(source), .optional(f?.absolutePath), f.map { .int($0.device) } ?? .null, f.map { .int($0.inode) } ?? .null,
                   .optional(f?.head), .double(now), .double(now))
        return Checkpoint(id: db.lastInsertRowID, line: 0, offset: 0, counts: IntakeCounts(), finished: false, size: nil)
    }

    func save(in db: Database) throws {
        let now = Date().timeIntervalSince1970
        try db.run("""
            UPDATE ingests SET line = ?, offset = ?, size = ?, read = ?, accepted = ?, duplicates = ?, rejected = ?, achievements = ?,
              updated_at = ?, finished_at = ? WHERE id = ?
            """, .int(Int64(line)), .int(offset), size.map { .int($0) } ?? .null, .int(Int64(counts.read)), .int(Int64(counts.accepted)), .int(Int64(counts.duplicates)),
            .int(Int64(counts.rejected)), .int(Int64(counts.achievements)), .double(now), finished ? .double(now) : .null, .int(id))
    }
}
