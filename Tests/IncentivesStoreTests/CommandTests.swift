import Foundation
import XCTest
@testable import IncentivesStore

/// The store commands as a person runs them: exit statuses and messages for the failure paths.
final class CommandTests: XCTestCase {
    func testFailuresHaveTheirExitStatusAndSayWhatToDo() throws {
        let binary = try XCTUnwrap(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 10, events: 300)
        let db = dir.path("db.sqlite")

        // No database yet: look-ups say so (66); ingest before init says to run init (66 for the missing file).
        let missing = try runProcess(binary, ["achievements", "--db", db])
        XCTAssertEqual(missing.status, 66, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("no such file"), missing.stderr)

        // Bad usage.
        XCTAssertEqual(try runProcess(binary, ["achievements", "--db", db, "--since", "March"]).status, 64)
        XCTAssertEqual(try runProcess(binary, ["achievements", "--db", db, "--format", "xml"]).status, 64)
        XCTAssertEqual(try runProcess(binary, ["user", "--db", db]).status, 64)

        // A refused catalog stores nothing (78).
        let badCatalog = dir.write("bad.json", #"{"incentives": [], "employers": [{"id": "a", "programs": [{"id": "p", "starts": "2026-01-01", "ends": "2026-12-31", "rewards": [{"incentive": "nope", "reward": "x"}]}]}]}"#)
        let refused = try runProcess(binary, ["init", "--db", db, "--catalog", badCatalog, "--roster", g.inputs.roster])
        XCTAssertEqual(refused.status, 78, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("unknown incentive \"nope\""), refused.stderr)

        XCTAssertEqual(try runProcess(binary, ["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status, 0)
        let ingest = try runProcess(binary, ["ingest", "--db", db, "--events", g.inputs.events])
        XCTAssertEqual(ingest.status, 65, "the generated file has bad lines")
        XCTAssertFalse(ingest.stderr.contains("\r"), "no progress bar when stderr is not a terminal")
        XCTAssertEqual(try runProcess(binary, ["ingest", "--db", db, "--events", dir.path("nope.jsonl")]).status, 66)

        // Look-ups in every format.
        let user = try runProcess(binary, ["user", "--db", db, "u1"])
        XCTAssertEqual(user.status, 0, user.stderr)
        XCTAssertTrue(user.stdout.contains("Time zone  Europe/Paris"), user.stdout)
        XCTAssertEqual(try runProcess(binary, ["user", "--db", db, "nobody"]).status, 66)
        let csv = try runProcess(binary, ["programs", "--db", db, "--format", "csv"])
        XCTAssertTrue(csv.stdout.hasPrefix("employer,program,starts,ends,incentive,kind,parameters,counts,reward,limit,enrolled,achievements\n"), csv.stdout)
        let rejects = try runProcess(binary, ["rejects", "--db", db, "--format", "jsonl"])
        XCTAssertTrue(rejects.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("{\"file\":") })
        XCTAssertEqual(rejects.stdout.split(separator: "\n").count, ingest.stderr.split(separator: "\n").count - 1)

        // A database from a newer version (78) and one that is not ours (65).
        let raw = try Database(path: db, mode: .readWrite(create: false))
        try raw.execute("PRAGMA user_version = 99")
        let newer = try runProcess(binary, ["achievements", "--db", db])
        XCTAssertEqual(newer.status, 78)
        XCTAssertTrue(newer.stderr.contains("newer version of incentives"), newer.stderr)
        XCTAssertEqual(try runProcess(binary, ["ingest", "--db", db, "--events", g.inputs.events]).status, 78)
        let garbage = dir.write("garbage.sqlite", String(repeating: "x", count: 8192))
        XCTAssertEqual(try runProcess(binary, ["achievements", "--db", garbage]).status, 65)

        // Locked by another writer: 75, and the message says to try again.
        try raw.execute("PRAGMA user_version = \(Store.schemaVersion)")
        try raw.execute("BEGIN IMMEDIATE")
        defer { try? raw.execute("ROLLBACK") }
        let locked = try runProcess(binary, ["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster])
        XCTAssertEqual(locked.status, 75, locked.stderr)
        XCTAssertTrue(locked.stderr.contains("locked"), locked.stderr)
    }

    func testNoArgumentsCreatesTheDemoDatabase() throws {
        let binary = try XCTUnwrap(Binary.path)
        let dir = TempDir()
        let db = dir.path("home/demo.sqlite")
        var env = ProcessInfo.processInfo.environment
        env["INCENTIVES_DB"] = db
        env["INCENTIVES_ASSETS"] = Fixtures.packageRoot.appendingPathComponent("Assets").path
        XCTAssertTrue(FileManager.default.fileExists(atPath: env["INCENTIVES_ASSETS"]! + "/demo/events.jsonl"), "Assets/demo is part of the repository")
        // With a console command this opens the console; without a terminal it must still create the database first.
        let run = try runProcess(binary, [], environment: env)
        XCTAssertTrue(FileManager.default.fileExists(atPath: db), run.stderr)
        let reader = try StoreReader(path: db)
        XCTAssertGreaterThan(try reader.counts().achievements, 0)
        XCTAssertGreaterThan(try reader.counts().users, 0)
    }
}
