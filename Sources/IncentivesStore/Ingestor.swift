import Foundation
import IncentivesCore
import IncentivesInput
#if canImport(Glibc)
import Glibc
import IncentivesSQL
#endif

/// `incentives ingest` into SQLite: the one ingest core (`IngestPipeline`) driving this store's write port
/// (`Store: IntakeStore`, SQLiteIntake.swift) — the same decisions as `replay` (CONTRACT §4), made durable.
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
    public typealias Options = IngestOptions
    public typealias Progress = IngestProgress
    public typealias RejectedLine = IncentivesCore.RejectedLine
    public typealias Outcome = IngestOutcome

    private let store: Store

    public init(store: Store) { self.store = store }

    /// Ingests `path` (`-`: standard input). `onReject` gets every refused line in file order, including
    /// those committed by an earlier interrupted run of the same ingest; `onProgress` gets called after each batch.
    public func ingest(path: String, options: Options = Options(),
                       onReject: (RejectedLine) -> Void = { _ in },
                       onProgress: (Progress) -> Void = { _ in }) throws -> Outcome {
        try IngestPipeline.ingest(path: path, into: store, options: options, onReject: onReject, onProgress: onProgress)
    }

    /// Ingests a live source (a JetStream stream) named `key` (its address without credentials, e.g.
    /// `nats://HOST:PORT/STREAM`), from after the position the last ingest of the same key committed.
    public func ingest(source: any EventSource, key: String, options: Options = Options(),
                       onReject: (RejectedLine) -> Void = { _ in },
                       onProgress: (Progress) -> Void = { _ in }) throws -> Outcome {
        try IngestPipeline.ingest(source: source, key: key, into: store, options: options, onReject: onReject, onProgress: onProgress)
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

