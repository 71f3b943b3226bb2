import Foundation
import XCTest
import IncentivesCore
@testable import IncentivesStore

/// Input that never ends a line (`/dev/zero`, a binary file): the run stops with the reason after a bounded
/// amount instead of reading forever, and what came before it is kept.
final class RunawayInputTests: XCTestCase {
    func testReplayOfDevZeroStopsWithTheReason() throws {
        let binary = try XCTUnwrap(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 5, events: 50)
        let started = Date()
        let r = try runProcess(binary, ["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", "/dev/zero"])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.contains("/dev/zero: line 1: no end of line within 64 MiB; this is not a JSON-lines file"), r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 60)
    }

    /// A catalog or roster is read whole: `/dev/zero` is refused once past 1 GiB, not read until memory runs out.
    func testAWholeFileThatNeverEndsIsRefused() throws {
        let binary = try XCTUnwrap(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 5, events: 50)
        let r = try runProcess(binary, ["replay", "--catalog", g.inputs.catalog, "--roster", "/dev/zero", "--events", g.inputs.events])
        XCTAssertEqual(r.status, 66, r.stderr)
        XCTAssertTrue(r.stderr.contains("/dev/zero: larger than 1 GiB: not a catalog or roster"), r.stderr)
    }

    /// A catalog stored by an earlier init that this version's rules refuse (here a partner id that would
    /// name files outside the drop folder) is a configuration to correct (78), not a damaged database.
    func testAStoredCatalogRefusedByNewerRulesSaysWhatToDo() throws {
        let binary = try XCTUnwrap(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 5, events: 50)
        let db = dir.path("db.sqlite")
        let store = try Fixtures.initStore(db, g.inputs)
        try store.db.execute(#"UPDATE settings SET value = replace(value, '"id": "cards"', '"id": "../cards"') WHERE key = 'catalog'"#)
        for args in [["achievements"], ["export", "--partner", "../cards"]] {
            let r = try runProcess(binary, args + ["--db", db])
            XCTAssertEqual(r.status, 78, "\(args[0]): \(r.stderr)")
            XCTAssertTrue(r.stderr.contains("the catalog stored by an earlier init is refused by this version"), r.stderr)
            XCTAssertTrue(r.stderr.contains("partners[1].id"), r.stderr)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/cards_start_end.jsonl"))
    }

    func testAnIngestKeepsWhatCameBeforeARunawayLine() throws {
        let binary = try XCTUnwrap(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 20, events: 2_000, seed: 9)
        let expected = try Fixtures.replay(g.inputs)
        // The good file, then 70 MB with no newline.
        let path = dir.path("runaway.jsonl")
        FileManager.default.createFile(atPath: path, contents: try Data(contentsOf: URL(fileURLWithPath: g.inputs.events)))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        let chunk = Data(repeating: UInt8(ascii: "x"), count: 1 << 20)
        for _ in 0..<70 { handle.write(chunk) }
        try handle.close()
        let db = dir.path("db.sqlite")
        try Fixtures.initStore(db, g.inputs)
        let r = try runProcess(binary, ["ingest", "--db", db, "--events", path, "--batch", "300"])
        XCTAssertEqual(r.status, 65, r.stderr)
        XCTAssertTrue(r.stderr.contains("runaway.jsonl: line \(g.eventLines.count + 1): no end of line within 64 MiB"), r.stderr)
        XCTAssertEqual(try Fixtures.storedLines(db), expected.lines, "every line before the runaway one is kept")
        XCTAssertEqual(try StoreReader(path: db).counts().events, expected.counts.accepted)
    }
}
