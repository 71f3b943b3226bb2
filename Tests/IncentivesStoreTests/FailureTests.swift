import Foundation
import XCTest
import CSQLite
import IncentivesCore
@testable import IncentivesStore
#if canImport(Glibc)
import Glibc
@testable import IncentivesSQL
#endif

/// What the store does when the file or the disk does not cooperate: clear errors, nothing half-done.
final class FailureTests: XCTestCase {
    func testNewFileIsPrivateToItsOwner() throws {
        let dir = TempDir()
        let path = dir.path("nested/folder/db.sqlite")
        let store = try Store(path: path)
        try store.db.execute("CREATE TEMP TABLE t(x)") // the connection works
        var st = stat()
        XCTAssertEqual(stat(path, &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        XCTAssertEqual(stat(path + "-wal", &st), 0, "WAL mode creates the -wal file")
        XCTAssertEqual(st.st_mode & 0o077, 0, "the WAL is no more readable than the database")
        XCTAssertEqual(stat(dir.path("nested/folder"), &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o700)
        XCTAssertEqual(try store.db.row("PRAGMA journal_mode") { $0.text(0) }, "wal")
        XCTAssertEqual(try store.db.pragma("user_version"), Store.schemaVersion)
    }

    func testADatabaseFromANewerVersionIsRefused() throws {
        let dir = TempDir()
        let path = dir.path("db.sqlite")
        _ = try Store(path: path)
        let raw = try Database(path: path, mode: .readWrite(create: false))
        try raw.execute("PRAGMA user_version = \(Store.schemaVersion + 1)")
        XCTAssertThrowsError(try Store(path: path)) { error in
            XCTAssertEqual(error as? StoreError, .newerSchema(path: path, found: Store.schemaVersion + 1, supported: Store.schemaVersion))
            XCTAssertTrue("\(error)".contains("newer version of incentives"))
        }
        XCTAssertThrowsError(try StoreReader(path: path)) { error in
            guard case .newerSchema = error as? StoreError else { return XCTFail("\(error)") }
        }
    }

    func testAFileThatIsNotADatabaseIsRefused() throws {
        let dir = TempDir()
        let garbage = dir.write("garbage.sqlite", String(repeating: "this is not a database ", count: 400))
        XCTAssertThrowsError(try Store(path: garbage)) { error in
            guard case .notADatabase = error as? StoreError else { return XCTFail("\(error)") }
        }
        // Another program's SQLite file: refused, and left untouched.
        let other = dir.path("other.sqlite")
        let db = try Database(path: other, mode: .readWrite(create: true))
        try db.execute("CREATE TABLE notes(x)")
        XCTAssertThrowsError(try Store(path: other)) { error in
            guard case .notADatabase = error as? StoreError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try db.integer("SELECT count(*) FROM sqlite_schema"), 1)
    }

    func testADamagedDatabaseIsReportedAsSuch() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 3_000)
        let path = dir.path("db.sqlite")
        do {
            let store = try Fixtures.initStore(path, g.inputs)
            _ = try Ingestor(store: store).ingest(path: g.inputs.events)
            try store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        }
        // Scribble over every page but the first (the header stays valid).
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        let size = handle.seekToEndOfFile()
        var offset: UInt64 = 4096
        while offset < size {
            handle.seek(toFileOffset: offset)
            handle.write(Data(repeating: 0xA5, count: 512))
            offset += 4096
        }
        try handle.close()
        XCTAssertThrowsError(try {
            let reader = try StoreReader(path: path)
            _ = try reader.achievements(AchievementQuery())
            _ = try reader.counts()
        }()) { error in
            switch error as? StoreError {
            case .corrupt?, .notADatabase?: break
            default: XCTFail("expected a damaged-file error, got \(error)")
            }
        }
    }

    func testALockedDatabaseFailsCleanlyAndTheIngestCanBeRunAgain() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 20, events: 800)
        let path = dir.path("db.sqlite")
        try Fixtures.initStore(path, g.inputs)
        // Another writer holds the lock.
        let other = try Database(path: path, mode: .readWrite(create: false))
        try other.execute("BEGIN IMMEDIATE")
        let store = try Store(path: path, busyTimeout: 50)
        XCTAssertThrowsError(try Ingestor(store: store).ingest(path: g.inputs.events)) { error in
            XCTAssertEqual(error as? StoreError, .locked(path: path))
        }
        // A reader is not blocked by the writer's lock.
        let reader = try StoreReader(path: path, busyTimeout: 0)
        XCTAssertEqual(try reader.counts().events, 0)
        try other.execute("ROLLBACK")
        let outcome = try Ingestor(store: store).ingest(path: g.inputs.events)
        XCTAssertEqual(outcome.counts, try Fixtures.replay(g.inputs).counts)
    }

    func testAReadOnlyDatabaseIsReportedAndNothingIsWritten() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 10, events: 200)
        let path = dir.path("db.sqlite")
        try Fixtures.initStore(path, g.inputs)
        do {
            // A write-protected file: chmod 0400, or as root (whom permissions do not stop: CI) an immutable file.
            let undo = try ReadOnlyFile.make(path)
            defer { undo() }
            XCTAssertThrowsError(try Store(path: path)) { error in
                XCTAssertEqual(error as? StoreError, .readOnly(path: path))
            }
        }
        // A read-only connection (what every look-up uses) cannot write, whoever runs it.
        let readOnly = try Database(path: path, mode: .readOnly)
        XCTAssertThrowsError(try readOnly.execute("DELETE FROM members")) { error in
            XCTAssertEqual(error as? StoreError, .readOnly(path: path))
        }
        XCTAssertEqual(try readOnly.integer("SELECT count(*) FROM members"), 10)
    }

    func testAFullDiskRollsBackTheBatchAndAResumedIngestCompletesExactly() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 6_000)
        let path = dir.path("db.sqlite")
        let expected = try Fixtures.replay(g.inputs)
        var options = Ingestor.Options()
        options.batchLines = 500
        do {
            // A size limit stands in for a full disk: SQLite reports SQLITE_FULL the same way.
            let store = try Fixtures.initStore(path, g.inputs, maxPages: 60)
            XCTAssertThrowsError(try Ingestor(store: store).ingest(path: g.inputs.events, options: options)) { error in
                XCTAssertEqual(error as? StoreError, .full(path: path))
            }
            // What was committed is whole: every stored achievement is one replay recorded, in order.
            try Fixtures.assertCommittedPrefix(path, of: expected.lines)
        }
        // Space again: the same ingest resumes and ends exactly where an uninterrupted run ends.
        try Fixtures.assertResumesToReplay(path, g.inputs, options: options, expected: expected)
    }

    func testIngestBeforeInitIsRefused() throws {
        let dir = TempDir()
        let path = dir.path("db.sqlite")
        let store = try Store(path: path)
        XCTAssertThrowsError(try Ingestor(store: store).ingest(path: dir.write("e.jsonl", "\n"))) { error in
            XCTAssertEqual(error as? StoreError, .notInitialized(path: path))
        }
        XCTAssertThrowsError(try StoreReader(path: dir.path("missing.sqlite"))) { error in
            guard case .cannotOpen = error as? StoreError else { return XCTFail("\(error)") }
        }
    }

    func testMigrationsBringAnOlderDatabaseUpToDate() throws {
        // Version 0 (an empty file) is the oldest there is: opening it applies every migration in order.
        let dir = TempDir()
        let path = dir.path("db.sqlite")
        let raw = try Database(path: path, mode: .readWrite(create: true))
        XCTAssertEqual(try raw.pragma("user_version"), 0)
        _ = try Store(path: path)
        XCTAssertEqual(try raw.pragma("user_version"), Schema.migrations.count)
        XCTAssertEqual(try raw.pragma("application_id"), Schema.applicationID)
        // Opening again changes nothing.
        _ = try Store(path: path)
        XCTAssertEqual(try raw.pragma("user_version"), Schema.migrations.count)
    }
}

final class MigrationTests: XCTestCase {
    /// A version-1 database (evidence in its own table) is brought to the current schema with its data.
    func testVersionOneEvidenceMovesIntoTheAchievementRow() throws {
        let dir = TempDir()
        let path = dir.path("v1.sqlite")
        let raw = try Database(path: path, mode: .readWrite(create: true))
        try raw.execute(Schema.migrations[0])
        try raw.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 1")
        try raw.execute("""
            INSERT INTO achievements(seq, id, user, employer, program, incentive, reward, ordinal, completed_on, achieved_at, event_seq, json)
              VALUES (1, 'ach-1', 'ana', 'acme', 'p', 'log-2', 'Pillow', 1, '2026-03-03', '2026-03-03T10:00:00Z', 2, '{}'),
                     (2, 'ach-2', 'bob', 'acme', 'p', 'birth', 'Card', 1, '2026-03-04', '2026-03-04T10:00:00Z', 3, '{}');
            INSERT INTO evidence(achievement_seq, position, event_id, day)
              VALUES (1, 1, 'e-2', '2026-03-03'), (1, 0, 'e-1', '2026-03-02'), (2, 0, 'e-3', '2026-03-04');
            """)
        _ = try Store(path: path)
        XCTAssertEqual(try raw.pragma("user_version"), Schema.migrations.count)
        let rows = try raw.rows("SELECT evidence, evidence_days FROM achievements ORDER BY seq") { [$0.text(0), $0.text(1)] }
        XCTAssertEqual(rows, [[#"["e-1","e-2"]"#, #"["2026-03-02","2026-03-03"]"#], [#"["e-3"]"#, #"["2026-03-04"]"#]])
        XCTAssertEqual(try raw.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'evidence'"), 0)
        // Version 11 drops the award's JSON line, which nothing read; the awards are all still there.
        XCTAssertEqual(try raw.integer("SELECT count(*) FROM pragma_table_info('achievements') WHERE name = 'json'"), 0)
        XCTAssertEqual(try raw.rows("SELECT id FROM achievements ORDER BY seq") { $0.text(0) }, ["ach-1", "ach-2"])
    }
}

final class IngestLockTests: XCTestCase {
    func testASecondIngestIsRefusedWhileOneRuns() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 10, events: 300)
        let path = dir.path("db.sqlite")
        let store = try Fixtures.initStore(path, g.inputs)
        let held = try IngestLock(databasePath: path)
        XCTAssertThrowsError(try Ingestor(store: store).ingest(path: g.inputs.events)) { error in
            XCTAssertEqual(error as? StoreError, .ingestRunning(path: path))
        }
        held.release()
        XCTAssertEqual(try Ingestor(store: store).ingest(path: g.inputs.events).counts, try Fixtures.replay(g.inputs).counts)
        var st = stat()
        XCTAssertEqual(stat(path + "-ingest.lock", &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
    }
}

final class WriterFailureTests: XCTestCase {
    /// The SQLite writer runs on its own thread, batches behind the engine: when it fails mid-file (a full disk),
    /// the ingest still ends with that error, the database holds whole batches only, each matching its
    /// checkpoint, and the same ingest completes exactly once there is space.
    func testTheWriterFailingMidFileLeavesWholeBatchesAndTheIngestResumes() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 20_000, seed: 5)
        let path = dir.path("db.sqlite")
        let expected = try Fixtures.replay(g.inputs)
        var options = Ingestor.Options()
        options.batchLines = 1_000
        options.progressEvery = 3_000
        try Fixtures.assertIngestStopsWhenFull(path, g.inputs, options: options)
        let reader = try StoreReader(path: path)
        let checkpoint = try XCTUnwrap(try reader.db.row("SELECT line, accepted, rejected, achievements FROM ingests") {
            [$0.int(0), $0.int(1), $0.int(2), $0.int(3)]
        })
        XCTAssertGreaterThan(checkpoint[0], 0, "some batches were committed before the disk filled")
        XCTAssertLessThan(checkpoint[0], g.eventLines.count, "the disk filled before the end")
        // The rows and the checkpoint they were committed with agree: nothing of the failed batch is left.
        XCTAssertEqual(try reader.db.integer("SELECT count(*) FROM events"), checkpoint[1])
        XCTAssertEqual(try reader.db.integer("SELECT count(*) FROM rejects"), checkpoint[2])
        XCTAssertEqual(try reader.db.integer("SELECT count(*) FROM achievements"), checkpoint[3])
        XCTAssertEqual(try reader.db.integer("SELECT coalesce(max(line), 0) FROM events"),
                       try reader.db.integer("SELECT coalesce(max(line), 0) FROM events WHERE line <= ?", .int(Int64(checkpoint[0]))))
        try Fixtures.assertCommittedPrefix(path, of: expected.lines)

        try Fixtures.assertResumesToReplay(path, g.inputs, options: options, expected: expected)
        XCTAssertEqual(try reader.counts().events, expected.counts.accepted)
    }
}

final class PageSizeTests: XCTestCase {
    /// A new database gets the large pages the ingest is measured with; an existing one keeps its own (SQLite
    /// could only change it by rewriting the file) and works as before.
    func testNewDatabasesGetLargePagesAndOldOnesKeepTheirs() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 20, events: 1_500)
        let fresh = dir.path("fresh.sqlite")
        _ = try Fixtures.initStore(fresh, g.inputs)
        XCTAssertEqual(try Database(path: fresh, mode: .readOnly).pragma("page_size"), Store.pageSize)

        let old = dir.path("old.sqlite")
        do {
            let raw = try Database(path: old, mode: .readWrite(create: true))
            try raw.execute("PRAGMA page_size = 4096; PRAGMA journal_mode = WAL")
            try raw.execute(Schema.migrations[0])
            try raw.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 1")
        }
        let store = try Fixtures.initStore(old, g.inputs)
        XCTAssertEqual(try store.db.pragma("page_size"), 4096)
        XCTAssertEqual(try store.db.pragma("user_version"), Store.schemaVersion)
        let outcome = try Ingestor(store: store).ingest(path: g.inputs.events)
        XCTAssertEqual(outcome.counts, try Fixtures.replay(g.inputs).counts)
        XCTAssertEqual(try Fixtures.storedLines(old), try Fixtures.replay(g.inputs).lines)
    }
}
