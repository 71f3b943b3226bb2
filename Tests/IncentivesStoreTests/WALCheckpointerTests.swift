import CSQLite
import Foundation
@testable import IncentivesStore
import Testing

/// The ingest's log is copied into the database by a thread of its own (`WALCheckpointer`): the writer's commits must
/// never copy it themselves while it runs, the copy must keep up, the log must start again once it grows past its
/// limit, and SQLite's own checkpoint must be back when it stops.
@Suite("WAL checkpoints on a thread of their own")
struct WALCheckpointerTests {
    /// A WAL database with one table of blobs (pages of 4 KB), in a folder of its own.
    static func fresh() throws -> (dir: TempDir, db: Database) {
        let dir = TempDir()
        let db = try Database(path: dir.path("w.sqlite"), mode: .readWrite(create: true))
        try db.execute("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE t(x BLOB)")
        return (dir, db)
    }

    /// Commits `count` transactions of ~64 KB each, running `between` after each as the ingest's writer does.
    static func commit(_ db: Database, count: Int, between: () -> Void = {}) throws {
        for _ in 0..<count {
            try db.transaction { try db.run("INSERT INTO t VALUES (randomblob(65536))") }
            between()
        }
    }

    /// A checkpointer over the test database, waking every 1 MB (pages of 4 KB as `database` makes them).
    static func checkpointer(_ dir: TempDir, writer db: Database, restartBytes: Int = 64 << 20) throws -> WALCheckpointer {
        try WALCheckpointer(path: dir.path("w.sqlite"), writer: db, pageBytes: 4096, wakeBytes: 1 << 20, restartBytes: restartBytes)
    }

    static func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0
    }

    /// Waits up to 10 s for `condition`.
    static func eventually(_ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if condition() { return true }
            usleep(10_000)
        }
        return condition()
    }

    @Test("the writer's commits copy nothing; the thread copies the log into the file as it grows")
    func copiesBesideTheWriter() throws {
        let (dir, db) = try Self.fresh()
        let file = dir.path("w.sqlite")
        // SQLite's own threshold would copy after 1 page: if the writer still checkpointed, the file would grow at once.
        try db.execute("PRAGMA wal_autocheckpoint = 1")
        let checkpointer = try Self.checkpointer(dir, writer: db)
        let before = Self.fileSize(file)
        try Self.commit(db, count: 4) // 256 KB: under the thread's 1 MB, so nobody copies
        #expect(Self.fileSize(file) == before, "a commit copied the log itself: SQLite's automatic checkpoint is still on")
        try Self.commit(db, count: 80) // 5 MB more: the thread wakes every 1 MB and copies; at most the last 1 MB waits
        #expect(Self.eventually { Self.fileSize(file) >= before + (3 << 20) }, "the log was not copied into the file")
        checkpointer.stop()
        // Everything committed is there, whoever copied it.
        #expect(try db.integer("SELECT count(*) FROM t") == 84)
    }

    @Test("past its limit the log starts again from its beginning")
    func restartsTheLog() throws {
        let (dir, db) = try Self.fresh()
        let wal = dir.path("w.sqlite-wal")
        let checkpointer = try Self.checkpointer(dir, writer: db, restartBytes: 2 << 20)
        defer { checkpointer.stop() }
        try Self.commit(db, count: 200, between: checkpointer.restartIfLarge) // 12.5 MB through a log limited to 2 MB
        // Without the restart the log would hold every page written: at least the 12.5 MB of rows.
        #expect(Self.fileSize(wal) < 6 << 20, "the log grew to \(Self.fileSize(wal)) bytes: it never started again")
        #expect(try db.integer("SELECT count(*) FROM t") == 200)
    }

    @Test("an ingest that ended well empties the log although a reader (the console) is still open; one in a long transaction only delays it")
    func emptiesTheLogAtTheEnd() throws {
        let (dir, db) = try Self.fresh()
        let file = dir.path("w.sqlite"), wal = dir.path("w.sqlite-wal")
        let reader = try Database(path: file, mode: .readOnly)
        _ = try reader.integer("SELECT count(*) FROM t") // open, as the console's connection is, between its reads
        let checkpointer = try Self.checkpointer(dir, writer: db)
        try Self.commit(db, count: 40, between: checkpointer.restartIfLarge)
        #expect(Self.fileSize(wal) > 2 << 20)
        checkpointer.stop(emptyingLog: true)
        #expect(Self.fileSize(wal) == 0, "the log was left at \(Self.fileSize(wal)) bytes")
        #expect(try reader.integer("SELECT count(*) FROM t") == 40)

        // A reader inside a transaction: the end waits a moment, then leaves the log for later, without an error.
        let second = try Self.checkpointer(dir, writer: db)
        try Self.commit(db, count: 20, between: second.restartIfLarge)
        try reader.execute("BEGIN")
        _ = try reader.integer("SELECT count(*) FROM t")
        let started = Date()
        second.stop(emptyingLog: true)
        #expect(Date().timeIntervalSince(started) < 2)
        try reader.execute("COMMIT")
        #expect(try db.integer("SELECT count(*) FROM t") == 60)
    }

    @Test("after stop, SQLite's own checkpoint copies again; a reader holding old pages only delays the copy")
    func stopGivesTheCheckpointBack() throws {
        let (dir, db) = try Self.fresh()
        let file = dir.path("w.sqlite")
        let checkpointer = try Self.checkpointer(dir, writer: db, restartBytes: 1 << 20)
        // A reader in a read transaction: the thread cannot copy past its snapshot, and the writer, asking for a
        // restart after each commit past 1 MB, must go on after one try each time rather than wait for the reader.
        let reader = try Database(path: file, mode: .readOnly)
        try reader.execute("BEGIN")
        _ = try reader.integer("SELECT count(*) FROM t")
        try Self.commit(db, count: 20, between: checkpointer.restartIfLarge)
        try reader.execute("COMMIT")
        checkpointer.stop()
        let before = Self.fileSize(file)
        try Self.commit(db, count: 80) // 5 MB: past SQLite's default 1000 pages
        #expect(Self.fileSize(file) > before + (2 << 20), "after stop() the writer's commits no longer checkpoint")
        #expect(try db.integer("SELECT count(*) FROM t") == 100)
    }
}
