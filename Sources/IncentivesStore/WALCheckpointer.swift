import CSQLite
import Foundation

/// Copies an ingest's write-ahead log into the database file on a thread of its own, so that the writer thread
/// (`BatchWriter`, the ingest's limit) never stops for it.
///
/// SQLite's own automatic checkpoint runs inside the commit that crosses its threshold: the writer copies every page
/// and waits for two `fdatasync`s (the log's, then the file's) before it takes the next batch. On the bench load that
/// was about 0.4 s of a 4 s ingest spent waiting for the disk (README, Benchmarks). A PASSIVE checkpoint on a second
/// connection copies only committed pages and takes no lock the writer needs, so the two run side by side.
///
/// While it runs the log is not restarted (a checkpoint is never quite caught up when the writer begins its next
/// transaction), so it grows; past `restartBytes` the writer waits, between two batches, for a checkpoint of
/// everything (`restartIfLarge()`), and its next transaction writes the log from its start again. Memory and
/// durability are SQLite's as before: every commit is in the log, and the log is copied as it always was.
final class WALCheckpointer: @unchecked Sendable {
    private let connection: Database
    private let writer: Database
    /// Committed log pages that wake the thread.
    private let wakePages: Int
    /// Log pages past which the writer waits for a whole checkpoint between batches.
    private let restartPages: Int

    private let lock = NSCondition()
    /// The log's size in pages at the writer's last commit (SQLite's WAL hook).
    private var committedPages = 0
    /// How far into the log the last checkpoint copied.
    private var copiedPages = 0
    /// Checkpoints done, and whether one is under way: what `restartIfLarge` waits on.
    private var checkpoints = 0
    private var inFlight = false
    /// The writer asks for a checkpoint of the whole log.
    private var restartWanted = false
    /// The log's size when the last checkpoint began: a checkpoint that a reader held back is not tried again until
    /// the writer commits more.
    private var pagesAtLastCheckpoint = -1
    /// A checkpoint failed (other than busy): the writer takes SQLite's automatic checkpoint back.
    private var gaveUp = false
    private var stopping = false
    private var running = true

    /// `path`: the database `writer` writes. Installs itself as that connection's WAL hook, which replaces SQLite's
    /// automatic checkpoint until `stop()`.
    init(path: String, writer: Database, pageBytes: Int, wakeBytes: Int = 16 << 20, restartBytes: Int = 256 << 20) throws {
        // A short busy wait: only the last checkpoint (`stop(emptyingLog:)`) waits for readers, and a reader in a
        // long transaction must not hold the ingest's exit for long.
        connection = try Database(path: path, mode: .readWrite(create: false), busyTimeout: Self.lastCheckpointWaitMilliseconds)
        // A connection learns that the file is in WAL mode when it first reads it; before that a checkpoint is a no-op.
        try connection.execute("SELECT count(*) FROM sqlite_schema")
        self.writer = writer
        wakePages = max(1, wakeBytes / max(pageBytes, 512))
        restartPages = max(wakePages, restartBytes / max(pageBytes, 512))
        sqlite3_wal_hook(writer.handle, { context, _, _, pages in
            Unmanaged<WALCheckpointer>.fromOpaque(context!).takeUnretainedValue().committed(pages: Int(pages))
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
        let thread = Thread { [self] in run() }
        thread.stackSize = 256 << 10
        thread.start()
    }

    /// On the writer thread, after each commit: the log now holds `pages` pages.
    private func committed(pages: Int) {
        lock.lock(); defer { lock.unlock() }
        if pages < copiedPages { copiedPages = 0 } // the writer started the log again
        committedPages = pages
        if pages - copiedPages >= wakePages { lock.broadcast() }
    }

    /// On the writer thread, between two batches: when the log has grown past `restartPages`, waits for a checkpoint
    /// begun after this call, so that the next transaction starts the log again (unless a reader still needs its
    /// older pages: then the log goes on growing until the next try, as with SQLite's own checkpoint).
    func restartIfLarge() {
        lock.lock(); defer { lock.unlock() }
        if gaveUp {
            gaveUp = false
            sqlite3_wal_autocheckpoint(writer.handle, Int32(wakePages))
            return
        }
        guard committedPages >= restartPages, copiedPages < committedPages, running else { return }
        restartWanted = true
        let target = checkpoints + (inFlight ? 2 : 1)
        lock.broadcast()
        while checkpoints < target && running && !stopping { lock.wait() }
    }

    /// Stops the thread (after the checkpoint it is in) and gives the writer SQLite's automatic checkpoint back, at
    /// SQLite's default threshold. With `emptyingLog` (an ingest that ended well), the log is then copied whole and
    /// cut to nothing, as closing the last connection would: the log grew for the whole ingest, and a reader still
    /// open (the console) keeps it from being removed at close, so it would stay that large on disk. Readers are
    /// waited for a moment only; if one stays in a transaction, the log is left to the next checkpoint.
    func stop(emptyingLog: Bool = false) {
        lock.lock()
        stopping = true
        lock.broadcast()
        while running { lock.wait() }
        lock.unlock()
        sqlite3_wal_autocheckpoint(writer.handle, 1000)
        if emptyingLog {
            _ = sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        }
    }

    static let lastCheckpointWaitMilliseconds: Int32 = 250

    private func run() {
        lock.lock()
        while !stopping {
            guard restartWanted || (committedPages - copiedPages >= wakePages && committedPages != pagesAtLastCheckpoint) else {
                lock.wait()
                continue
            }
            restartWanted = false
            pagesAtLastCheckpoint = committedPages
            inFlight = true
            lock.unlock()
            var logPages: Int32 = 0, checkpointed: Int32 = 0
            let rc = sqlite3_wal_checkpoint_v2(connection.handle, nil, SQLITE_CHECKPOINT_PASSIVE, &logPages, &checkpointed)
            lock.lock()
            inFlight = false
            checkpoints += 1
            if rc == SQLITE_OK {
                copiedPages = Int(checkpointed)
            } else if rc & 0xff != SQLITE_BUSY {
                // Not ours to fail the ingest over: every commit is safe in the log. The writer checkpoints itself again.
                gaveUp = true
                lock.broadcast()
                break
            }
            lock.broadcast()
        }
        running = false
        lock.broadcast()
        lock.unlock()
    }
}
