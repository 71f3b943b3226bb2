import Foundation
import XCTest
import IncentivesCore
@testable import IncentivesStore
#if canImport(Glibc)
import Glibc
@testable import IncentivesSQL
#endif

/// The database file as the operating system sees it: one ingest at a time whatever name it is reached by,
/// one name per file, a foreign file left byte for byte as it was, and a file deleted or replaced under an
/// ingest noticed at the next commit.
final class DatabaseFileTests: XCTestCase {
    func testASymbolicLinkToTheDatabaseTakesTheSameIngestLock() throws {
        let binary = try XCTUnwrap(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 10, events: 300)
        let path = dir.path("db.sqlite")
        try Fixtures.initStore(path, g.inputs)
        let link = dir.path("link.sqlite")
        XCTAssertEqual(symlink(path, link), 0)
        let held = try IngestLock(databasePath: path)
        defer { held.release() }
        XCTAssertThrowsError(try IngestLock(databasePath: link)) { error in
            XCTAssertEqual(error as? StoreError, .ingestRunning(path: link))
        }
        let second = try runProcess(binary, ["ingest", "--db", link, "--events", g.inputs.events])
        XCTAssertEqual(second.status, 75, second.stderr)
        XCTAssertTrue(second.stderr.contains("another ingest (or init) is running"), second.stderr)
    }

    /// SQLite names the write-ahead log after the name a connection used: two names, two logs, a damaged
    /// database. A file with several names is refused by every writer, under either name.
    func testADatabaseWithSeveralNamesIsRefused() throws {
        let binary = try XCTUnwrap(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 10, events: 300)
        let path = dir.path("db.sqlite")
        try Fixtures.initStore(path, g.inputs)
        let other = dir.path("other-name.sqlite")
        XCTAssertEqual(link(path, other), 0)
        for name in [path, other] {
            let r = try runProcess(binary, ["ingest", "--db", name, "--events", g.inputs.events])
            XCTAssertEqual(r.status, 78, r.stderr)
            XCTAssertTrue(r.stderr.contains("has 2 names (hard links)"), r.stderr)
        }
        XCTAssertEqual(try StoreReader(path: path).counts().events, 0, "nothing was ingested")
        unlink(other)
        XCTAssertEqual(try runProcess(binary, ["ingest", "--db", path, "--events", g.inputs.events]).status, 65)
    }

    /// Another program's SQLite file: every command refuses it and not one byte changes (no WAL switch, no
    /// page size, no write-ahead log beside it).
    func testAForeignSQLiteFileIsRefusedWithoutChangingAByte() throws {
        let binary = try XCTUnwrap(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 10, events: 300)
        let foreign = dir.path("notes.sqlite")
        do {
            let db = try Database(path: foreign, mode: .readWrite(create: true))
            try db.execute("PRAGMA journal_mode = DELETE; CREATE TABLE notes(x); INSERT INTO notes VALUES ('keep me')")
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
        // Writers say "not an incentives database" (65, EX_DATAERR); the look-ups that open it read-only find no catalog
        // and roster in it (66, EX_NOINPUT).
        let commands: [(args: [String], status: Int32)] = [
            (["init", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster], 65), (["ingest", "--events", g.inputs.events], 65),
            (["user", "u1"], 66), (["achievements"], 66), (["programs"], 66), (["rejects"], 66), (["deliver", "--status"], 65),
            (["export", "--partner", "cards", "--out", dir.path("drops")], 65),
        ]
        for (args, status) in commands {
            let r = try runProcess(binary, args + ["--db", foreign])
            XCTAssertEqual(r.status, status, "\(args[0]) on another program's file: \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("not an incentives database") || r.stderr.contains("no catalog and roster yet"), "\(args[0]): \(r.stderr)")
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: foreign)), before, "\(args[0]) changed the file")
            XCTAssertFalse(FileManager.default.fileExists(atPath: foreign + "-wal"), "\(args[0]) made a write-ahead log")
        }
    }

    func testDeletingOrReplacingTheDatabaseDuringAnIngestStopsIt() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 100, events: 120_000, seed: 5)
        for replace in [false, true] {
            let path = dir.path("db-\(replace).sqlite")
            try Fixtures.initStore(path, g.inputs)
            let err = Pipe()
            let child = try Binary.launch(["ingest", "--db", path, "--events", g.inputs.events, "--batch", "500"], stderr: err)
            // Once the first batches are in, the file goes away (or another takes its name).
            let deadline = Date().addingTimeInterval(20)
            while child.isRunning, Date() < deadline, (try? StoreReader(path: path).counts().events) ?? 0 == 0 { usleep(20_000) }
            XCTAssertTrue(child.isRunning, "the ingest was still running when its file was removed")
            if replace {
                let other = dir.write("other-\(replace).sqlite", "")
                XCTAssertEqual(rename(other, path), 0)
            } else {
                XCTAssertEqual(unlink(path), 0)
            }
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            child.waitUntilExit()
            XCTAssertEqual(child.terminationStatus, 74, stderr)
            XCTAssertTrue(stderr.contains("was deleted or replaced while in use"), stderr)
            XCTAssertFalse(stderr.contains("events: 120"), "no summary as if all went well:\n\(stderr)")
        }
    }
}
