import Foundation
import XCTest

/// `incentives console`'s failure paths, before any terminal is touched: each names the problem and
/// exits with its sysexits status.
final class ConsoleCommandTests: XCTestCase {
    func run(_ args: [String]) throws -> (status: Int32, stderr: String) {
        let r = try Binary.run(args)
        return (r.status, r.stderr)
    }

    func testMissingDatabaseIs66() throws {
        let r = try run(["console", "--db", "/nonexistent/incentives.sqlite"])
        XCTAssertEqual(r.status, 66)
        XCTAssertTrue(r.stderr.contains("/nonexistent/incentives.sqlite: no such database"), r.stderr)
    }

    func testMissingFileIs66() throws {
        let f = Fixture.directory
        let r = try run(["console", "--catalog", f + "/catalog.json", "--roster", f + "/nope.jsonl"])
        XCTAssertEqual(r.status, 66)
        XCTAssertTrue(r.stderr.contains("nope.jsonl: no such file"), r.stderr)
    }

    func testRosterWithoutCatalogIsUsage() throws {
        let r = try run(["console", "--roster", "x.jsonl"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--roster and --events need --catalog"), r.stderr)
    }

    func testRefusedCatalogIs78() throws {
        let dir = TempDir(prefix: "console-cmd")
        let catalog = dir.path("catalog.json")
        try #"{"incentives": [], "employers": [{"id": "a", "programs": [{"id": "p", "starts": "2026-01-01", "ends": "2026-12-31", "rewards": [{"incentive": "nope", "reward": "x"}]}]}]}"#
            .write(toFile: catalog, atomically: true, encoding: .utf8)
        let r = try run(["console", "--catalog", catalog, "--roster", Fixture.directory + "/roster.jsonl"])
        XCTAssertEqual(r.status, 78)
        XCTAssertTrue(r.stderr.contains("unknown incentive"), r.stderr)
    }

    func testNotATerminalIs69() throws {
        let f = Fixture.directory
        let r = try run(["console", "--catalog", f + "/catalog.json", "--roster", f + "/roster.jsonl"])
        XCTAssertEqual(r.status, 69)
        XCTAssertTrue(r.stderr.contains("needs a terminal"), r.stderr)
    }

    func testBadScreenNumberIsUsage() throws {
        let r = try run(["console", "--demo", "--screen", "9"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--screen must be a whole number from 1 to 7"), r.stderr)
    }
}
