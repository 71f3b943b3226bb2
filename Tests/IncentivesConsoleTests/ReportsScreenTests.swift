import Foundation
import Testing
import IncentivesConsole
import IncentivesCore
import IncentivesStore
import IncentivesPostgres
import IncentivesText

/// Screen 7, Reports (issue 25): an employer's participation per month and funnel per reward, chosen with ←/→ and `p`,
/// opened from Programs with Enter; `e` writes the participation table as CSV without overwriting anything.
@Suite("Console: the Reports screen", .timeLimit(.minutes(10)))
struct ReportsScreenTests {
    /// The priced fixtures (`ReportsPaneTests.state`), exports into `tmp`.
    static func state(_ tmp: TempDir) throws -> AppState {
        var s = try ReportsPaneTests.state(tmp)
        s.reports.exportDirectory = tmp.path
        return s
    }

    /// Globex Moms, opened as a salesperson would: Enter on it in Programs (at 200×50 nothing is cut).
    @Test(arguments: [(80, 24), (120, 40), (200, 50)])
    func goldenScreens(width: Int, height: Int) throws {
        let tmp = TempDir()
        var s = try Self.state(tmp)
        s.press(.down, .enter)
        #expect(s.screen == .reports)
        ReportsPaneTests.golden("7-reports-\(width)x\(height)", Fixture.text(s, width, height))
    }

    /// Enter on a program opens its employer's report on it; Esc goes back to the same program. Its achievements,
    /// which Enter opened before, are `a` (and Esc from them comes back too).
    @Test func enterOnAProgramOpensItsReportAndTheAchievementsStayReachable() throws {
        let tmp = TempDir()
        var s = try Self.state(tmp)
        let rows = s.programs.rows
        s.press(.down, .down)
        s.press(.enter)
        #expect(s.screen == .reports)
        #expect(s.reports.employer?.id == rows[2].employer.employer.id)
        #expect(s.reports.program?.id == rows[2].program.program.id)
        s.press(.escape)
        #expect(s.screen == .programs && s.programs.selected == 2)
        s.press(.character("a"))
        #expect(s.screen == .achievements)
        #expect(s.achievements.filter.text == "program:" + rows[2].program.program.id)
        s.press(.escape)
        #expect(s.screen == .programs && s.programs.selected == 2)
        // Enter on a reward of the report lists who earned it; Esc comes back to the report.
        s.press(.character("7"))
        s.press(.enter)
        #expect(s.screen == .achievements)
        #expect(s.achievements.filter.text.hasPrefix("program:globex-steps incentive:"), "the report kept the program Enter chose")
        s.press(.escape)
        #expect(s.screen == .reports)
    }

    /// The chooser: ←/→ go round the employers, `p` round the employer's programs; every choice shows exactly the
    /// numbers `incentives report` and `--funnel` make (the same data source calls), and they are on screen.
    @Test func theChooserShowsEachProgramsOwnNumbers() throws {
        let tmp = TempDir()
        var s = try Self.state(tmp)
        s.press(.character("7"))
        let data = s.data
        var seen: [String] = []
        for _ in 0..<data.catalog.employers.count {
            let e = try #require(s.reports.employer)
            for _ in 0..<e.programs.count {
                let p = try #require(s.reports.program)
                seen.append(p.id)
                #expect(s.reports.rows == (try data.participation(employer: e.id, program: p.id).get()))
                let funnel = try data.employerReport(employer: e.id, program: p.id, asOf: Fixture.clock.today).get().funnel
                #expect(s.reports.funnel == funnel)
                let screen = Fixture.text(s, 120, 40)
                #expect(screen.contains(e.name) && screen.contains(p.id), "\(screen)")
                // The months on screen (the latest that fit), each with its numbers.
                for r in s.reports.rows.suffix(8) {
                    let line = try #require(screen.split(separator: "\n").first { $0.hasPrefix(" " + r.period) }, "\(r.period) shown")
                    let end = r.cost.isEmpty ? " \(r.awards)" : r.cost.text
                    let ok = line.contains(" \(r.active) ") && line.hasSuffix(end)
                    #expect(ok, "\(line)")
                }
                // The first funnel entry's steps, each with its count.
                if case .reward(let first)? = s.reports.funnelEntries.first {
                    #expect(screen.contains(first.reward))
                    #expect(first.steps.reduce(0, +) > 0)
                }
                s.press(.character("p"))
            }
            s.press(.right)
        }
        #expect(seen == data.catalog.employers.flatMap { $0.programs.map(\.id) })
        #expect(s.reports.employerIndex == 0, "→ goes round")
        s.press(.left)
        #expect(s.reports.employerIndex == data.catalog.employers.count - 1, "← goes round the other way")
    }

    /// A points program's funnel has its ladder: users by the highest tier reached.
    @Test func aPointsProgramShowsItsTiers() throws {
        let dir = Fixture.directory + "/points"
        let data = try InMemoryConsoleData(catalogPath: dir + "/catalog.json", rosterPath: dir + "/roster.jsonl",
                                           eventsPath: dir + "/events.jsonl", sourceName: "points")
        var s = AppState(data: data, clock: Fixture.clock, screen: .reports)
        let tiers = try #require(s.reports.funnel.tiers.first)
        #expect(tiers.tiers.count >= 2)
        s.press(.end)
        guard case .tiers(let shown)? = s.reports.funnelEntries.last else { Issue.record("no tiers entry"); return }
        #expect(shown == tiers)
        let screen = Fixture.text(s, 80, 24)
        #expect(screen.contains("Tiers of"), "\(screen)")
        for t in tiers.tiers where !t.id.isEmpty { #expect(screen.contains(t.id), "\(t.id) on screen") }
    }

    /// Without colour (NO_COLOR, or an ASCII terminal) every bar is still its glyphs and its number: the text alone,
    /// styles dropped, says each step's users and share.
    @Test(arguments: [Glyphs.unicode, Glyphs.ascii])
    func theBarsReadWithoutColour(glyphs: Glyphs) throws {
        let tmp = TempDir()
        var s = try Self.state(tmp)
        s.press(.down, .enter)
        let screen = Fixture.text(s, 80, 24, glyphs: glyphs)
        guard case .reward(let r)? = s.reports.funnelEntries.first else { Issue.record("no funnel"); return }
        let total = r.steps.reduce(0, +)
        let lines = screen.split(separator: "\n")
        for (k, n) in r.steps.enumerated() {
            let label = k == r.needed ? "limit reached" : "\(k) of \(r.needed)"
            let line = try #require(lines.first { $0.hasPrefix("   " + label + " ") }, "step \(label)")
            let share = total > 0 ? (n * 100 + total / 2) / total : 0
            let end = " \(n) " + String(repeating: " ", count: max(0, 3 - String(share).count)) + "\(share)%"
            #expect(line.hasSuffix(end), "\(line)")
            let filled = line.filter { String($0) == glyphs.barFull }.count, empty = line.filter { String($0) == glyphs.barEmpty }.count
            #expect(filled > 0 || n == 0)
            #expect(filled == (n * (filled + empty) + total / 2) / max(total, 1), "bar of \(label): \(line)")
        }
    }

    /// Hostile ids and names (escapes, bidi overrides, backspaces) are drawn escaped; nothing reaches the terminal.
    @Test func hostileTextStaysEscaped() throws {
        let world = Fixture.directory + "/../../Fixtures/Hostile"
        let data = try InMemoryConsoleData(catalogPath: world + "/catalog.json", rosterPath: world + "/roster.jsonl",
                                           eventsPath: world + "/events.jsonl", sourceName: "hostile")
        TerminalEnvironment.prepareLocale()
        var s = AppState(data: data, clock: Fixture.clock, screen: .reports)
        for (w, h) in [(80, 24), (120, 40)] {
            let screen = Fixture.text(s, w, h)
            #expect(!screen.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E || $0.value == 0x08 || $0.value == 0x07 || $0.value == 0x9B })
            #expect(screen.contains("Acme \\u{202E}Corp") && screen.contains("log-3\\u{1B}[31m"))
            #expect(screen.split(separator: "\n").allSatisfy { TerminalText.cells(String($0)) <= w })
            // An open-ended program (0001 to 9999) shows the months up to today, not those of the year 9999.
            #expect(screen.contains(" 2026-11 ") && !screen.contains(" 9999-"))
        }
        // Its export's name is made of safe characters only.
        let tmp = TempDir()
        s.reports.exportDirectory = tmp.path
        s.press(.character("e"))
        let files = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
        #expect(files.count == 1, "\(s.status ?? "")")
        #expect(files.allSatisfy { $0.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) } }, "\(files)")
    }

    // MARK: - Export

    /// `e` over a SQLite store writes what `incentives report --format csv` prints for the program, says where, and a
    /// second `e` takes a new numbered name: the first file is never touched, nor one that was there before.
    @Test func exportWritesTheCLIsCSVAndNeverOverwrites() throws {
        let tmp = TempDir()
        let db = try Self.store(tmp)
        let data = try ReaderConsoleData(sourceName: db, open: { try StoreReader(path: db) }, retry: StoreDeliveryRetry(path: db))
        var s = AppState(data: data, clock: Fixture.clock, screen: .programs)
        let out = tmp.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)
        s.reports.exportDirectory = out
        s.press(.down, .enter)
        let (e, p) = (try #require(s.reports.employer).id, try #require(s.reports.program).id)
        // Someone's file already has the first name.
        let taken = out + "/report-\(e)-\(p).csv"
        try "keep me\n".write(toFile: taken, atomically: true, encoding: .utf8)
        s.press(.character("e"))
        let second = out + "/report-\(e)-\(p)-2.csv"
        #expect(s.status == "exported report-\(e)-\(p)-2.csv (\(s.reports.rows.count) months) in \(out)")
        #expect(Fixture.text(s, 80, 24).contains("exported"), "the path is on the status line")
        #expect(try String(contentsOfFile: taken, encoding: .utf8) == "keep me\n", "an existing file is never overwritten")
        let cli = try Binary.run(["report", "--db", db, "--employer", e, "--program", p, "--format", "csv"])
        #expect(cli.status == 0, "\(cli.stderr)")
        #expect(try String(contentsOfFile: second, encoding: .utf8) == cli.stdout)
        s.press(.character("e"))
        #expect(s.status?.hasPrefix("exported report-\(e)-\(p)-3.csv ") == true, "\(s.status ?? "")")
        #expect(try String(contentsOfFile: second, encoding: .utf8) == cli.stdout, "nor is the previous export")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out).count == 3)
    }

    /// A folder that cannot take the file — missing, a file in its place, or read-only (`chattr +i` as root, whom
    /// permissions do not stop; `chmod 0555` otherwise) — is a sentence on the status line; the console goes on and
    /// nothing is left behind.
    @Test(arguments: ["missing/folder", "a-file/sub", "read-only"])
    func anUnwritableFolderIsAMessageNotACrash(folder: String) throws {
        let tmp = TempDir()
        var s = try Self.state(tmp)
        tmp.write("a-file", "not a folder\n")
        let path = tmp.path(folder)
        var undo: () -> Void = {}
        if folder == "read-only" {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            undo = try Self.makeReadOnly(path)
        }
        defer { undo() }
        s.reports.exportDirectory = path
        s.press(.character("7"), .character("e"))
        let status = try #require(s.status)
        #expect(status.hasPrefix("export failed: cannot create \(path)/report-acme-acme-2026.csv: "), "\(status)")
        let reason = ["No such file or directory", "Not a directory", "Operation not permitted", "Permission denied"]
        #expect(reason.contains { status.hasSuffix($0) }, "\(status)")
        #expect(!s.quitting && s.screen == .reports)
        #expect(Fixture.text(s, 80, 24).contains("export failed"))
        if folder == "read-only" { #expect(try FileManager.default.contentsOfDirectory(atPath: path).isEmpty) }
    }

    /// Makes a folder this process cannot write into; returns what undoes it. Throws (the test fails) when neither works.
    static func makeReadOnly(_ path: String) throws -> () -> Void {
        if getuid() != 0 {
            try #require(chmod(path, 0o555) == 0, "chmod 0555 \(path)")
            return { _ = chmod(path, 0o755) }
        }
        func chattr(_ flag: String) throws -> Int32 { try runProcess("/usr/bin/chattr", [flag, path]).status }
        try #require(try chattr("+i") == 0, "chattr +i \(path) was refused: root needs an immutable folder for this test")
        return { _ = try? chattr("-i") }
    }

    /// Ids that a spreadsheet would run (`=…`, `-…`) are neutralised in the exported CSV, as in `--format csv`.
    @Test func exportNeutralisesFormulas() throws {
        let tmp = TempDir()
        let f = Fixture.directory
        let catalog = try String(contentsOfFile: f + "/catalog.json", encoding: .utf8)
            .replacingOccurrences(of: #""acme""#, with: #""=HYPERLINK(\"http://x\")""#)
            .replacingOccurrences(of: #""acme-2026""#, with: #""-2+3""#)
        let roster = try String(contentsOfFile: f + "/roster.jsonl", encoding: .utf8)
            .replacingOccurrences(of: #""employer": "acme""#, with: #""employer": "=HYPERLINK(\"http://x\")""#)
        let data = try InMemoryConsoleData(catalogPath: tmp.write("catalog.json", catalog), rosterPath: tmp.write("roster.jsonl", roster),
                                           eventsPath: f + "/events.jsonl", sourceName: "formulas")
        var s = AppState(data: data, clock: Fixture.clock, screen: .reports)
        s.reports.exportDirectory = tmp.path
        #expect(s.reports.program?.id == "-2+3")
        s.press(.character("e"))
        let name = try #require(s.status?.split(separator: " ").dropFirst().first)
        let path = tmp.path + "/" + name
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == s.reports.rows.count + 1)
        for line in lines.dropFirst() {
            #expect(line.hasPrefix(#""'=HYPERLINK(""http://x"")","'-2+3","#), "\(line)")
        }
    }

    // MARK: - Live

    /// The screen follows an ingest through the live poller: new events make the run loop refresh the visible screen,
    /// and Reports then asks again (it is not one of the screens refreshed on a timer).
    @Test func theScreenFollowsAnIngest() throws {
        let tmp = TempDir()
        let f = Fixture.directory
        let lines = try String(contentsOfFile: f + "/events.jsonl", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let db = tmp.path("i.sqlite")
        #expect(try Binary.run(["init", "--db", db, "--catalog", f + "/catalog.json", "--roster", f + "/roster.jsonl"]).status == 0)
        let half = tmp.write("half.jsonl", lines.prefix(lines.count / 2).joined(separator: "\n") + "\n")
        #expect([0, 65].contains(try Binary.run(["ingest", "--db", db, "--events", half]).status))
        let data = try ReaderConsoleData(sourceName: db, open: { try StoreReader(path: db) }, retry: StoreDeliveryRetry(path: db))
        var s = AppState(data: data, clock: Fixture.clock, screen: .reports)
        s.press(.right)
        #expect(!s.refreshesOnATimer)
        let before = s.reports.rows, funnelBefore = s.reports.funnel
        let rest = tmp.write("rest.jsonl", lines.dropFirst(lines.count / 2).joined(separator: "\n"))
        #expect([0, 65].contains(try Binary.run(["ingest", "--db", db, "--events", rest]).status))
        #expect(s.reports.rows == before, "nothing moves before the refresh")
        s.refreshVisible()
        #expect(s.reports.rows != before)
        #expect(s.reports.funnel != funnelBefore)
        #expect(s.reports.rows == (try data.participation(employer: "globex", program: "globex-moms").get()))
    }

    /// The screen's one pass over the events (`participationAndFunnel`) gives exactly what `incentives report` and
    /// `report --funnel` give with a pass each, for every program, on a SQLite store.
    @Test func onePassEqualsTheTwoReports() throws {
        let tmp = TempDir()
        let reader = try StoreReader(path: try Self.store(tmp))
        for e in reader.catalog.employers {
            for p in e.programs {
                let both = try reader.participationAndFunnel(employer: e, program: p.id, by: .month, asOf: Fixture.clock.today)
                #expect(both.rows == (try reader.participation(employer: e, program: p.id, by: .month, from: nil, to: nil)), "\(p.id)")
                #expect(both.funnel == (try reader.funnel(employer: e, program: p.id, asOf: Fixture.clock.today)), "\(p.id)")
                #expect(!both.rows.isEmpty && !both.funnel.rewards.isEmpty)
            }
        }
    }

    /// On PostgreSQL the screen shows what it shows on SQLite: same rows, same funnels, for every program, and the same
    /// screen text.
    @Test func postgresShowsWhatSQLiteShows() throws {
        let tmp = TempDir()
        let sqlite = try Self.store(tmp)
        let server = try PostgresServer.shared()
        let pg = try server.database("reports")
        let f = Fixture.directory
        for args in [["init", "--db", pg, "--catalog", tmp.path("catalog.json"), "--roster", f + "/roster.jsonl"],
                     ["ingest", "--db", pg, "--events", f + "/events.jsonl"]] {
            let r = try Binary.run(args)
            try #require(r.status == 0 || r.status == 65, "\(args[0]): \(r.stderr)")
        }
        let a = try ReaderConsoleData(sourceName: "store", open: { try StoreReader(path: sqlite) }, retry: StoreDeliveryRetry(path: sqlite))
        let b = try ReaderConsoleData(sourceName: "store", open: { try PGStoreReader(url: pg) }, retry: PGDeliveryRetry(url: pg))
        var (s1, s2) = (AppState(data: a, clock: Fixture.clock, screen: .reports), AppState(data: b, clock: Fixture.clock, screen: .reports))
        for e in a.catalog.employers {
            for p in e.programs {
                let x = try a.employerReport(employer: e.id, program: p.id, asOf: Fixture.clock.today).get()
                let y = try b.employerReport(employer: e.id, program: p.id, asOf: Fixture.clock.today).get()
                #expect(x == y && !x.rows.isEmpty && !x.funnel.rewards.isEmpty, "\(p.id)")
                #expect(Fixture.text(s1, 120, 40) == Fixture.text(s2, 120, 40), "\(p.id)")
                s1.press(.character("p")); s2.press(.character("p"))
            }
            s1.press(.right); s2.press(.right)
        }
    }

    /// A SQLite store of the priced fixtures (the events of `Fixture.directory`).
    static func store(_ tmp: TempDir) throws -> String {
        let db = tmp.path("r.sqlite")
        let priced = try ReportsPaneTests.pricedCatalog()
        let f = Fixture.directory
        #expect(try Binary.run(["init", "--db", db, "--catalog", tmp.write("catalog.json", priced), "--roster", f + "/roster.jsonl"]).status == 0)
        #expect([0, 65].contains(try Binary.run(["ingest", "--db", db, "--events", f + "/events.jsonl"]).status))
        return db
    }
}
