import Foundation
import XCTest

/// `incentives why` as support staff run it: from a store and from the files, as a table and as JSON lines.
final class WhyCommandTests: XCTestCase {
    static let catalog = """
    {"incentives": [
      {"id": "log-5-days", "name": "Log 5 days in a row", "kind": "streak", "event": "health_data_logged", "days": 5},
      {"id": "report-birth", "name": "Report a birth", "kind": "single", "event": "birth_reported"}],
     "employers": [{"id": "acme", "name": "Acme", "programs": [
      {"id": "acme-2026", "starts": "2026-03-01", "ends": "2026-12-31", "rewards": [
        {"incentive": "log-5-days", "reward": "Pregnancy pillow"}, {"incentive": "report-birth", "reward": "$50 gift card"}]}]},
      {"id": "globex", "programs": [{"id": "globex-moms", "starts": "2026-01-01", "ends": "2026-06-30", "rewards": [
        {"incentive": "log-5-days", "reward": "Water bottle"}]}]}]}
    """
    static let roster = """
    {"id": "ana", "employer": "acme", "timezone": "America/Chicago", "eligibleFrom": "2026-01-01"}
    {"id": "anabel", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}
    """
    /// Scenario 04 (the same day counts once) with a day before the program, a duplicate, a conflict and a bad line.
    static let events = """
    {"id": "a0", "type": "health_data_logged", "user": "ana", "at": "2026-02-28T12:00:00-06:00", "category": "mood"}
    {"id": "a1", "type": "health_data_logged", "user": "ana", "at": "2026-03-02T12:00:00-06:00", "category": "mood"}
    {"id": "a2", "type": "health_data_logged", "user": "ana", "at": "2026-03-02T12:00:00-06:00", "category": "mood"}
    {"id": "a3", "type": "health_data_logged", "user": "ana", "at": "2026-03-03T12:00:00-06:00", "category": "mood"}
    {"id": "a3", "type": "health_data_logged", "user": "ana", "at": "2026-03-03T12:00:00-06:00", "category": "mood"}
    {"id": "a4", "type": "health_data_logged", "user": "ana", "at": "2026-03-04T12:00:00-06:00", "category": "mood"}
    {"id": "a4", "type": "birth_reported", "user": "ana", "at": "2026-03-04T12:00:00-06:00"}
    {"id": "a5", "type": "health_data_logged", "user": "ana", "at": "2026-03-05T12:00:00-06:00", "category": "mood"}
    {"id": "a6", "type": "health_data_logged", "user": "ana", "at": "2026-03-06T12:00:00"}

    """

    func testWhyOnAStoreAndFromTheFiles() throws {
        let binary = try XCTUnwrap(Binary.path)
        let dir = TempDir()
        let files = [dir.write("catalog.json", Self.catalog), dir.write("roster.jsonl", Self.roster), dir.write("events.jsonl", Self.events)]
        let db = dir.path("why.sqlite")
        XCTAssertEqual(try runProcess(binary, ["init", "--db", db, "--catalog", files[0], "--roster", files[1]]).status, 0)
        XCTAssertEqual(try runProcess(binary, ["ingest", "--db", db, "--events", files[2]]).status, 65)

        // The table: a timeline, latest first, wrong-type lines hidden unless asked.
        let table = try runProcess(binary, ["why", "ana", "--db", db, "--today", "2026-03-05"])
        XCTAssertEqual(table.status, 0, table.stderr)
        let out = table.stdout
        XCTAssertTrue(out.contains("Timeline, latest first (6 wrong-type lines not shown; --all shows them)"), out)
        XCTAssertTrue(out.contains("log tomorrow, Fri 6 Mar, to finish 5 in a row"), out)
        let a5 = try XCTUnwrap(out.range(of: "a5 ")), a1 = try XCTUnwrap(out.range(of: "a1 "))
        XCTAssertLessThan(a5.lowerBound, a1.lowerBound, "latest first")
        for code in ["counted", "day-already-counted", "before-program", "conflict"] { XCTAssertTrue(out.contains(code), "\(code) in\n\(out)") }
        XCTAssertFalse(out.contains("  wrong-type  "), out)
        XCTAssertTrue(try runProcess(binary, ["why", "ana", "--db", db, "--all"]).stdout.contains("  wrong-type  "))

        // --limit stops the reading after that many lines (issue 21): the first ones, the rewards as of there.
        let first = try runProcess(binary, ["why", "ana", "--db", db, "--limit", "2"]).stdout
        XCTAssertTrue(first.contains("the first 2 from the start; later ones not read"), first)
        XCTAssertTrue(first.contains("Rewards as of the last line shown (--limit 2: later events were not read)"), first)
        XCTAssertTrue(first.contains("a1 ") && !first.contains("a5 "), first)

        // JSON lines: one object per event and reward, then per reward.
        let jsonl = try runProcess(binary, ["why", "ana", "--db", db, "--format", "jsonl", "--today", "2026-03-05"])
        XCTAssertEqual(jsonl.status, 0, jsonl.stderr)
        let objects = try jsonl.stdout.split(separator: "\n").map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        let pillow = objects.filter { $0["kind"] as? String == "event" && $0["reward"] as? String == "Pregnancy pillow" }
        XCTAssertEqual(pillow.map { "\($0["event"]!):\($0["outcome"]!)" },
                       ["a0:before-program", "a1:counted", "a2:day-already-counted", "a3:counted", "a4:counted", "a5:counted"])
        XCTAssertEqual(pillow.last?["detail"] as? String, "counted a new day: day 4 of 5")
        XCTAssertEqual(pillow.last?["localDay"] as? String, "2026-03-05")
        XCTAssertEqual(pillow.last?["at"] as? String, "2026-03-05T18:00:00Z")
        let conflict = try XCTUnwrap(objects.first { $0["outcome"] as? String == "conflict" })
        XCTAssertEqual(conflict["event"] as? String, "a4")
        XCTAssertEqual(conflict["line"] as? Int, 7)
        let rewards = objects.filter { $0["kind"] as? String == "reward" }
        XCTAssertEqual(rewards.map { $0["outcome"] as? String }, ["open", "open"])
        XCTAssertEqual(rewards.first?["next"] as? String, "log tomorrow, Fri 6 Mar, to finish 5 in a row")

        // --reward keeps that reward's lines (and those about every reward).
        let one = try runProcess(binary, ["why", "ana", "--db", db, "--format", "jsonl", "--reward", "$50 gift card"])
        let names = Set(one.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .compactMap { $0["reward"] as? String })
        XCTAssertEqual(names, ["$50 gift card"])
        // --program of another employer.
        let other = try runProcess(binary, ["why", "ana", "--db", db, "--program", "globex-moms"])
        XCTAssertTrue(other.stdout.contains("employer-not-in-program"), other.stdout)

        // From the files, the same outcomes, the duplicate too (issue 20), plus the refused line the store does not keep.
        let fromFiles = try runProcess(binary, ["why", "ana", "--catalog", files[0], "--roster", files[1], "--events", files[2],
                                                "--format", "jsonl", "--today", "2026-03-05"])
        XCTAssertEqual(fromFiles.status, 0, fromFiles.stderr)
        let fileCodes = fromFiles.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .map { "\($0["event"] ?? "-"):\($0["outcome"]!)" }
        XCTAssertEqual(fileCodes.filter { !$0.hasSuffix("rejected") }, objects.map { "\($0["event"] ?? "-"):\($0["outcome"]!)" })
        XCTAssertTrue(fileCodes.contains("a3:duplicate"), "\(fileCodes)")
        XCTAssertTrue(fileCodes.contains("<null>:rejected") || fileCodes.contains { $0.hasSuffix(":rejected") }, "\(fileCodes)")

        // Unknown user: 66 and the nearest ids: by edit distance (anna → ana), else those sharing a prefix (an → ana, anabel).
        let unknown = try runProcess(binary, ["why", "anna", "--db", db])
        XCTAssertEqual(unknown.status, 66)
        XCTAssertTrue(unknown.stderr.contains("ana "), unknown.stderr)
        let prefix = try runProcess(binary, ["why", "anxyzw", "--db", db])
        XCTAssertEqual(prefix.status, 66)
        XCTAssertTrue(prefix.stderr.contains("ana ") && prefix.stderr.contains("anabel"), prefix.stderr)
        XCTAssertEqual(try runProcess(binary, ["why", "anna", "--catalog", files[0], "--roster", files[1], "--events", files[2]]).status, 66)

        // Bad usage: 64.
        for args in [["why", "--db", db], ["why", "ana", "--db", db, "--format", "csv"], ["why", "ana", "--db", db, "--since", "March"],
                     ["why", "ana", "--db", db, "--bogus"], ["why", "ana", "--catalog", files[0]], ["why", "ana", "bob", "--db", db]] {
            XCTAssertEqual(try runProcess(binary, args).status, 64, "\(args)")
        }
        XCTAssertEqual(try runProcess(binary, ["why", "--help"]).status, 0)
    }
}
