import Foundation
import XCTest
import IncentivesCore
@testable import IncentivesStore
#if canImport(Glibc)
import Glibc
#endif

/// Hostile values through every path a person or a machine takes: the world in `Tests/Fixtures/Hostile`
/// (written by its `make.py`) has terminal control sequences, bidi overrides and wide characters in every id,
/// name and category, instants at both ends of years 0001..9999 and at the int64-nanosecond edges, a program
/// from 0001-01-01 to 9999-12-31, duplicates and a conflict; the tests add a 1 MB event id.
///
/// Each path must give replay's answers, never trap, never put a raw control character on a terminal, and
/// keep memory bounded by what users did rather than by the calendar.
final class HostileInputTests: XCTestCase {
    static let world = Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/Hostile")

    var binary = ""
    var dir: TempDir!
    var inputs: Inputs!

    override func setUpWithError() throws {
        binary = try XCTUnwrap(Binary.path, "the incentives binary is built with the tests")
        dir = TempDir()
        // The checked-in world plus one event whose id is a megabyte (kept out of the repository).
        var events = try String(contentsOf: Self.world.appendingPathComponent("events.jsonl"), encoding: .utf8)
        let bigID = "big-" + String(repeating: "\u{202E}", count: 10) + String(repeating: "x", count: 1_000_000)
        events += Self.jsonLine(["id": bigID, "type": "health_data_logged", "user": "x-\u{1B}]0;pwned\u{07}-0",
                                 "at": "9999-12-28T00:00:00Z", "category": "sleep"])
        inputs = Inputs(catalog: Self.world.appendingPathComponent("catalog.json").path,
                        roster: Self.world.appendingPathComponent("roster.jsonl").path,
                        events: dir.write("events.jsonl", events))
    }

    static func jsonLine(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self) + "\n"
    }

    static var users: [String] {
        let roster = try! String(contentsOf: world.appendingPathComponent("roster.jsonl"), encoding: .utf8)
        return roster.split(separator: "\n").map { line in
            (try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any])["id"] as! String
        }
    }

    // MARK: - Replay and the store agree, with no trap

    func testReplayAndIngestAgreeOnTheHostileWorld() throws {
        let expected = try Fixtures.replay(inputs)
        XCTAssertGreaterThan(expected.lines.count, 20, "the world earns awards at every era")

        let replay = try runProcess(binary, ["replay", "--catalog", inputs.catalog, "--roster", inputs.roster, "--events", inputs.events])
        XCTAssertEqual(replay.status, 65, replay.stderr) // bad lines on purpose, and no trap
        XCTAssertEqual(replay.stdout, expected.lines.map { $0 + "\n" }.joined())

        let db = dir.path("db.sqlite")
        try initAndIngest(db, inputs.events, expectStatus: 65)
        let listed = try runProcess(binary, ["achievements", "--db", db, "--format", "jsonl"])
        XCTAssertEqual(listed.status, 0, listed.stderr)
        XCTAssertEqual(Fixtures.contractLines(listed.stdout), replay.stdout, "the store keeps every instant exactly")

        // The same file again, from standard input: all duplicates (the edge instants compare equal), nothing new.
        let again = try runShell("\(shellQuote(binary)) ingest --db \(shellQuote(db)) --events - < \(shellQuote(inputs.events))")
        XCTAssertEqual(again.status, 65, again.stderr)
        XCTAssertTrue(again.stderr.contains(" 0 accepted, "), again.stderr)
        XCTAssertFalse(again.stderr.contains("was already accepted with other content; the first one stands\n")
                           && again.stderr.components(separatedBy: "other content").count > 2,
                       "only the one real conflict is called a conflict:\n\(again.stderr)")
        XCTAssertEqual(Fixtures.contractLines(try runProcess(binary, ["achievements", "--db", db, "--format", "jsonl"]).stdout), replay.stdout)
    }

    func testEveryUserPageOpensAndShowsNoRawControlCharacter() throws {
        let db = dir.path("db.sqlite")
        try initAndIngest(db, inputs.events, expectStatus: 65)
        for user in Self.users {
            for format in ["table", "jsonl", "csv"] {
                let r = try runProcess(binary, ["user", user, "--db", db, "--format", format])
                XCTAssertEqual(r.status, 0, "user \(user.debugDescription) --format \(format): \(r.stderr)")
                if format == "table" { assertTerminalSafe(r.stdout + r.stderr, "user \(user.debugDescription)") }
            }
        }
        // Unknown ids are quoted back in the error: escaped too.
        let unknown = try runProcess(binary, ["user", "ghost\u{1B}]0;pwned\u{07}\u{202E}", "--db", db])
        XCTAssertEqual(unknown.status, 66)
        assertTerminalSafe(unknown.stdout + unknown.stderr, "unknown user")
    }

    func testTablesShowNoRawControlCharacter() throws {
        let db = dir.path("db.sqlite")
        try initAndIngest(db, inputs.events, expectStatus: 65)
        let commands: [(args: [String], status: Int32)] = [
            (["achievements"], 0), (["achievements", "--user", Self.users[0]], 0), (["achievements", "--employer", "acme\u{1B}[2J"], 0),
            (["achievements", "--employer", "nope\u{1B}[2J"], 66), (["programs"], 0), (["rejects"], 0), (["deliver", "--status"], 0),
            (["report", "--employer", "acme\u{1B}[2J", "--from", "2026-01-01", "--to", "2026-12-31"], 0), (["report", "--employer", "nope\u{1B}[2J"], 66),
            (["report", "--employer", "acme\u{1B}[2J", "--billing", "--month", "2026-03"], 0),
        ]
        for (args, status) in commands {
            let r = try runProcess(binary, args + ["--db", db])
            XCTAssertEqual(r.status, status, "\(args): \(r.stderr.suffix(300))")
            assertTerminalSafe(r.stdout + r.stderr, args.joined(separator: " "))
        }
        let rejects = try runProcess(binary, ["rejects", "--db", db])
        XCTAssertTrue(rejects.stdout.contains("steps"), "the rejected type is shown, escaped:\n\(rejects.stdout)")
        let replay = try runProcess(binary, ["replay", "--catalog", inputs.catalog, "--roster", inputs.roster, "--events", inputs.events])
        assertTerminalSafe(replay.stderr, "replay's reject lines")
    }

    /// A partner's error text is data too: `deliver --status` shows it escaped.
    func testAPartnersErrorReachesTheTerminalEscaped() throws {
        let g = Generated.make(in: dir, users: 20, events: 2_000, seed: 3)
        let db = dir.path("deliver.sqlite")
        let store = try Fixtures.initStore(db, g.inputs)
        _ = try Ingestor(store: store).ingest(path: g.inputs.events)
        try store.db.execute("""
            UPDATE deliveries SET status = 'failed', attempts = 8,
              last_error = 'HTTP 500: ' || char(27) || ']0;pwned' || char(7) || char(27) || '[2J' || char(13) || 'ok' || char(8238) || 'txt'
            WHERE id = (SELECT min(id) FROM deliveries WHERE partner = 'pillowco')
            """)
        let r = try runProcess(binary, ["deliver", "--status", "--db", db])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains(#"HTTP 500: \u{1B}]0;pwned\u{07}\u{1B}[2J\u{0D}ok\u{202E}txt"#), r.stdout)
        assertTerminalSafe(r.stdout + r.stderr, "deliver --status")
    }

    // MARK: - kill -9 and resume

    func testKillAndResumeWithHostileValuesLosesNothing() throws {
        let events = try bulkEvents(users: 120, days: 150)
        let expected = try Fixtures.replay(Inputs(catalog: inputs.catalog, roster: inputs.roster, events: events))
        let db = dir.path("db.sqlite")
        let initRun = try runProcess(binary, ["init", "--db", db, "--catalog", inputs.catalog, "--roster", inputs.roster])
        XCTAssertEqual(initRun.status, 0, initRun.stderr)
        let ingest = ["ingest", "--db", db, "--events", events, "--batch", "500"]
        var kills = 0
        var committed = 0
        for round in 0..<4 {
            let child = try Binary.launch(ingest)
            // Killed once it has committed a batch past where the last round stopped (waited for, not timed).
            let before = committed
            waitUntil(timeout: 120) {
                committed = (try? StoreReader(path: db, busyTimeout: 30_000).db.integer("SELECT coalesce(max(line), 0) FROM ingests")) ?? committed
                return committed > before || !child.isRunning
            }
            if child.isRunning { kill(child.processIdentifier, SIGKILL); kills += 1 }
            child.waitUntilExit()
            // A user page of the edge-instant user opens after every crash (it used to trap).
            let page = try runProcess(binary, ["user", Self.users[0], "--db", db])
            XCTAssertEqual(page.status, 0, "user page after kill \(round): \(page.stderr)")
            try Fixtures.assertCommittedPrefix(db, of: expected.lines)
        }
        XCTAssertGreaterThan(kills, 0, "the ingest was killed mid-way")
        let final = try runProcess(binary, ingest)
        XCTAssertEqual(final.status, 65, final.stderr)
        XCTAssertEqual(final.stderr.split(separator: "\n").last.map(String.init), expected.counts.summary)
        XCTAssertEqual(try Fixtures.storedLines(db), expected.lines, "no award lost or doubled across kills")
    }

    /// The hostile world's users, each logging daily for `days` days in year 9000 and once at each int64 edge.
    func bulkEvents(users: Int, days: Int) throws -> String {
        let base = LocalDate(iso: "9000-03-01")!
        var text = try String(contentsOf: Self.world.appendingPathComponent("events.jsonl"), encoding: .utf8)
        let names = Self.users.dropLast() // the last has no employer
        for u in 0..<users {
            let user = names[u % names.count]
            for d in 0..<days {
                let at = base.adding(days: d).iso + "T1\(u % 10):30:00.123456789+0\(u % 10):00"
                text += Self.jsonLine(["id": "bulk\u{1B}[2J-\(u)-\(d)", "type": "health_data_logged", "user": user, "at": at,
                                       "category": d % 2 == 0 ? "mood\u{1B}[2J" : "sleep"])
            }
            text += Self.jsonLine(["id": "edge-\(u)", "type": "health_data_logged", "user": user,
                                   "at": "2262-04-11T23:47:16.85477580\(u % 10)Z", "category": "symptom"])
        }
        return dir.write("bulk.jsonl", text)
    }

    // MARK: - Memory follows what users did, not the calendar

    func testAnOpenEndedProgramCostsMemoryByDaysLoggedNotByCalendar() throws {
        // 1,500 users who each logged 4 days in a program from year 1 to year 9999.
        var roster = "", events = ""
        for u in 0..<1_500 {
            roster += Self.jsonLine(["id": "m\(u)", "employer": "acme\u{1B}[2J", "timezone": "Etc/UTC", "eligibleFrom": "0001-01-01"])
            for d in 0..<4 {
                events += Self.jsonLine(["id": "m\(u)-\(d)", "type": "health_data_logged", "user": "m\(u)",
                                         "at": "2026-03-0\(1 + d * 2)T10:00:00Z", "category": "mood\u{1B}[2J"])
            }
        }
        let r = dir.write("m-roster.jsonl", roster), e = dir.write("m-events.jsonl", events)
        let replay = try PeakMemory.run(binary, ["replay", "--catalog", inputs.catalog, "--roster", r, "--events", e])
        XCTAssertEqual(replay.status, 0)
        // Dense calendars over 0001..9999 would cost megabytes per user here (README, Benchmarks); a state per
        // logged day is a few hundred bytes.
        XCTAssertLessThan(replay.peakMB, 200, "replay's peak memory with a 0001..9999 program")

        let db = dir.path("m.sqlite")
        XCTAssertEqual(try runProcess(binary, ["init", "--db", db, "--catalog", inputs.catalog, "--roster", r]).status, 0)
        let ingest = try PeakMemory.run(binary, ["ingest", "--db", db, "--events", e])
        XCTAssertEqual(ingest.status, 0)
        XCTAssertLessThan(ingest.peakMB, 250, "ingest's peak memory with a 0001..9999 program")
        let file = try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int ?? 0
        XCTAssertLessThan(file, 60 << 20, "saved progress grows with logged days, not with the calendar")
    }

    // MARK: - Helpers

    func initAndIngest(_ db: String, _ events: String, expectStatus: Int32) throws {
        let i = try runProcess(binary, ["init", "--db", db, "--catalog", inputs.catalog, "--roster", inputs.roster])
        XCTAssertEqual(i.status, 0, i.stderr)
        assertTerminalSafe(i.stdout + i.stderr, "init")
        let g = try runProcess(binary, ["ingest", "--db", db, "--events", events])
        XCTAssertEqual(g.status, expectStatus, g.stderr)
        assertTerminalSafe(g.stdout + g.stderr, "ingest")
    }

    func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func runShell(_ command: String) throws -> ProcessOutput {
        try runProcess("/bin/sh", ["-c", command])
    }

    /// Fails when `text` holds a character that a terminal would act on rather than show: C0 controls other
    /// than newline, DEL, C1 controls, and the bidi controls that reorder what follows them.
    func assertTerminalSafe(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        for (n, row) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let bad = row.unicodeScalars.first(where: TerminalHazard.isHazard) {
                XCTFail("\(what): line \(n + 1) carries U+\(String(bad.value, radix: 16, uppercase: true)) raw: \(row.debugDescription)",
                        file: file, line: line)
                return
            }
        }
    }
}

/// What a terminal would interpret instead of showing.
enum TerminalHazard {
    static func isHazard(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x0A: return false
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }
}
