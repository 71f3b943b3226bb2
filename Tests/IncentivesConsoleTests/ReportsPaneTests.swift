import Foundation
import Testing
import IncentivesConsole
import IncentivesCore
import IncentivesStore

/// Programs → `r`: the selected program's participation and cost per month (issue 25), the numbers
/// `incentives report` prints, with bars made of glyphs (readable without colour), at 80×24 and 120×40.
@Suite("Console: the report pane on Programs")
struct ReportsPaneTests {
    /// The console fixtures with a cost on acme's two rewards.
    static func state(_ tmp: TempDir) throws -> AppState {
        let data = try InMemoryConsoleData(catalogPath: tmp.write("catalog.json", try pricedCatalog()), rosterPath: Fixture.directory + "/roster.jsonl",
                                           eventsPath: Fixture.directory + "/events.jsonl", sourceName: "fixtures")
        TerminalEnvironment.prepareLocale()
        return AppState(data: data, clock: Fixture.clock, screen: .programs)
    }

    /// The fixtures' catalog with a cost on acme's two rewards.
    static func pricedCatalog() throws -> String {
        var text = try String(contentsOfFile: Fixture.directory + "/catalog.json", encoding: .utf8)
        for (from, to) in [(#""reward": "Pregnancy pillow""#, #""reward": "Pregnancy pillow", "cost": {"amount": "45.00", "currency": "USD"}"#),
                           (#""reward": "$50 gift card","#, #""reward": "$50 gift card", "cost": {"amount": "50", "currency": "USD"},"#)] {
            #expect(text.contains(from))
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text
    }

    static func golden(_ name: String, _ actual: String) {
        let path = Fixture.goldenDirectory + "/\(name).txt"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("golden \(name) rewritten (UPDATE_GOLDEN): check it and run again without it")
            return
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            Issue.record("missing golden file \(path): run with UPDATE_GOLDEN=1")
            return
        }
        #expect(actual == expected, "\(name) differs from \(path)")
    }

    @Test(arguments: [(80, 24), (120, 40)])
    func goldenScreens(width: Int, height: Int) throws {
        let tmp = TempDir()
        var s = try Self.state(tmp)
        s.press(.character("r"))
        #expect(s.programs.showReport)
        Self.golden("1-programs-report-\(width)x\(height)", Fixture.text(s, width, height))
        // Without colour and in ASCII the bars are still there.
        let ascii = Fixture.text(s, width, height, glyphs: .ascii)
        #expect(ascii.contains("Participation per month"))
        #expect(ascii.contains(Glyphs.ascii.barFull + Glyphs.ascii.barFull) && !ascii.contains(Glyphs.unicode.barFull), "ASCII bars")
    }

    /// The pane shows exactly `ParticipationCounter`'s rows, follows the selection, and `r` or Esc closes it.
    @Test func thePaneShowsTheReportsNumbersAndCloses() throws {
        let tmp = TempDir()
        var s = try Self.state(tmp)
        s.press(.character("r"))
        let report = try #require(s.programs.report)
        #expect(report.program == "acme-2026")
        #expect(report.rows.count == 12)
        #expect(report.rows.contains { $0.awards > 0 && !$0.cost.isEmpty }, "acme's awards are priced")
        let screen = Fixture.text(s, 120, 40)
        for r in report.rows where r.awards > 0 {
            #expect(screen.contains(r.period) && screen.contains(r.cost.text), "\(r.period) shown with its cost")
        }
        s.press(.down)
        #expect(s.programs.report?.program == "globex-moms", "the pane follows the selected program")
        s.press(.character("r"))
        #expect(!s.programs.showReport)
        s.press(.character("r"), .escape)
        #expect(!s.programs.showReport)
    }

    /// Over a SQLite store the pane shows what the in-memory data shows, and it moves when an ingest adds events
    /// (the screen is refreshed on a timer while the console runs).
    @Test func overAStoreThePaneEqualsMemoryAndMovesWithAnIngest() throws {
        let tmp = TempDir()
        let db = tmp.path("i.sqlite")
        let f = Fixture.directory
        let lines = try String(contentsOfFile: f + "/events.jsonl", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let half = tmp.write("half.jsonl", lines.prefix(lines.count / 2).joined(separator: "\n") + "\n")
        let rest = tmp.write("rest.jsonl", lines.dropFirst(lines.count / 2).joined(separator: "\n"))
        #expect(try Binary.run(["init", "--db", db, "--catalog", f + "/catalog.json", "--roster", f + "/roster.jsonl"]).status == 0)
        #expect([0, 65].contains(try Binary.run(["ingest", "--db", db, "--events", half]).status))
        let store = try ReaderConsoleData(sourceName: db, open: { try StoreReader(path: db) }, retry: StoreDeliveryRetry(path: db))
        var s = AppState(data: store, clock: Fixture.clock, screen: .programs)
        s.press(.down, .character("r"))
        let before = try #require(s.programs.report)
        #expect([0, 65].contains(try Binary.run(["ingest", "--db", db, "--events", rest]).status))
        s.refreshVisible()
        let after = try #require(s.programs.report)
        #expect(after.program == before.program)
        #expect(after.rows.map(\.awards).reduce(0, +) > before.rows.map(\.awards).reduce(0, +), "the second half's awards show")
        let memory = try Fixture.data()
        let e = try #require(memory.catalog.employers.first { $0.programs.contains { $0.id == after.program } })
        #expect(try memory.participation(employer: e.id, program: after.program).get() == after.rows)
    }

    /// New events and awards show on the next refresh, as the screen refreshes while an ingest runs.
    @Test func theReportFollowsNewData() throws {
        let tmp = TempDir()
        let events = tmp.path("events.jsonl")
        try FileManager.default.copyItem(atPath: Fixture.directory + "/events.jsonl", toPath: events)
        let data = try InMemoryConsoleData(catalogPath: Fixture.directory + "/catalog.json", rosterPath: Fixture.directory + "/roster.jsonl",
                                           eventsPath: events, sourceName: "fixtures")
        var s = AppState(data: data, clock: Fixture.clock, screen: .programs)
        s.press(.character("r"))
        let before = try #require(s.programs.report).rows
        // A birth for an acme user in 2026-12: one more active user and award that month.
        let user = try #require(try String(contentsOfFile: Fixture.directory + "/roster.jsonl", encoding: .utf8)
            .split(separator: "\n").first { $0.contains("\"acme\"") && !$0.contains("eligibleUntil") })
        let id = try #require((try JSONSerialization.jsonObject(with: Data(user.utf8)) as? [String: Any])?["id"] as? String)
        let handle = try #require(FileHandle(forWritingAtPath: events))
        handle.seekToEndOfFile()
        handle.write(Data("{\"id\": \"late-birth\", \"type\": \"birth_reported\", \"user\": \"\(id)\", \"at\": \"2026-12-02T12:00:00Z\"}\n".utf8))
        try handle.close()
        #expect(try data.follow() == 1)
        s.refreshVisible()
        let after = try #require(s.programs.report).rows
        let december = try #require(after.first { $0.period == "2026-12" }), was = try #require(before.first { $0.period == "2026-12" })
        #expect(december.active >= was.active)
        #expect(december.awards + december.active > was.awards + was.active, "the new event counts")
    }
}
