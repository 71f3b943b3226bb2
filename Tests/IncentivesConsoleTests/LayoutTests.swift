import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesText
import Testing

/// Every screen the golden tests draw, and a few more (the Why pane, the error pane), by name.
enum Screens {
    static func all() throws -> [(String, AppState)] {
        var out: [(String, AppState)] = []
        var s = try Fixture.state(.programs)
        s.press(.down)
        out.append(("programs", s))
        s = try Fixture.state(.programs)
        s.press(.character("/"))
        s.type("gift card")
        s.press(.enter)
        out.append(("programs filtered", s))
        out.append(("users", try Fixture.state(.users)))
        s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("u-1002")
        s.press(.enter)
        out.append(("user page", s))
        s.press(.character("w"))
        out.append(("user page, why", s))
        out.append(("achievements", try Fixture.state(.achievements)))
        s = try Fixture.state(.achievements)
        s.press(.down, .enter)
        out.append(("achievement evidence", s))
        s = try Fixture.state(.simulator)
        s.press(.character("s"))
        out.append(("simulator", s))
        s = try Fixture.state(.simulator)
        s.press(.character("t"), .character("l"), .character("a"), .character("A"))
        out.append(("simulator resend", s))
        s = try Fixture.state(.live)
        s.receive(s.data.changes(since: .start, limit: LiveState.keep))
        out.append(("live", s))
        s = AppState(data: try Fixture.data(), clock: Fixture.clock, screen: .deliveries)
        s.press(.down)
        out.append(("deliveries", s))
        s = try DeliveriesPaneTests.failedState(DeliveriesPaneTests.longError)
        s.press(.enter)
        out.append(("deliveries error", s))
        s = try Fixture.state(.simulator)
        s.press(.character("?"))
        out.append(("help", s))
        return out
    }
}

/// Text that does not fit its columns ends in an ellipsis, everywhere (issue 20: `306 achi` read as a number,
/// a command cut at `--p`); columns grow with the terminal and counts are never cut.
@Suite struct LayoutTests {
    @Test func aCutEndsInAnEllipsis() {
        var g = CellGrid(width: 20, height: 1)
        g.put("306 achievements", x: 0, y: 0, maxWidth: 8)
        #expect(g.row(0).hasPrefix("306 ach… "))
        // A wide character at the edge: left out, and the ellipsis shows.
        g = CellGrid(width: 20, height: 1)
        g.put("日本語の報酬", x: 0, y: 0, maxWidth: 5)
        #expect(g.row(0).hasPrefix("日本… "))
        // At the grid's own edge too.
        g = CellGrid(width: 6, height: 1)
        g.put("Fitness tracker", x: 0, y: 0)
        #expect(g.row(0) == "Fitne…")
        // Padding cut off is nothing lost.
        g = CellGrid(width: 6, height: 1)
        g.put("ab      ", x: 0, y: 0, maxWidth: 4)
        #expect(g.row(0) == "ab    ")
        #expect(g.cuts.isEmpty)
    }

    /// The lines issue 20 found cut silently at 80×24: the program's facts (`306 achi`) and the achievements
    /// filter's placeholder; whole at 120.
    @Test func theReportedLinesEndInAnEllipsisAt80() throws {
        var s = try Fixture.state(.programs)
        s.press(.down)
        // The counts come first, so what a narrow terminal cuts is what the selected row shows too.
        let facts = { (w: Int, h: Int) in Fixture.text(s, w, h).split(separator: "\n").first { $0.contains("15 achievements ·") }.map(String.init) ?? "" }
        #expect(facts(80, 24).hasPrefix(" 15 achievements · 4 of 4 users enrolled · employer globex"), "\(facts(80, 24))")
        #expect(facts(80, 24).hasSuffix("…"), "\(facts(80, 24))")
        #expect(facts(120, 40).hasSuffix("2026-06-01 → 2027-05-31"), "\(facts(120, 40))")
        let achievements = try Fixture.state(.achievements)
        let filter = Fixture.text(achievements, 80, 24).split(separator: "\n").first { $0.contains("filter:") }.map(String.init) ?? ""
        #expect(filter.contains("…"), "\(filter)")
    }

    /// The demo (Assets/demo: long program names, several programs per user) at every size, beside the fixtures.
    @Test(arguments: [(80, 24), (120, 40), (200, 50)])
    func noTextOnTheDemosScreensIsCutWithoutAnEllipsis(_ size: (Int, Int)) throws {
        TerminalEnvironment.prepareLocale()
        let demo = Binary.packageRoot + "/Assets/demo"
        let data = try InMemoryConsoleData(catalogPath: demo + "/catalog.json", rosterPath: demo + "/roster.jsonl",
                                           eventsPath: demo + "/events.jsonl", sourceName: "demo")
        var states: [(String, AppState)] = []
        for screen in [ScreenID.programs, .users, .achievements, .deliveries] {
            var s = AppState(data: data, clock: Fixture.clock, screen: screen)
            s.press(.down)
            states.append(("\(screen)", s))
        }
        var s = AppState(data: data, clock: Fixture.clock, screen: .users)
        s.press(.character("/"))
        s.type("u-00078")
        s.press(.enter)
        s.press(.enter)
        states.append(("user page", s))
        s.press(.character("w"))
        states.append(("why", s))
        for (name, state) in states {
            let canvas = AppView.render(state, width: size.0, height: size.1, glyphs: .unicode)
            for cut in canvas.grid.cuts where cut.y < canvas.height {
                #expect(canvas.grid[cut.ellipsisAt, cut.y].character == "…",
                        "demo \(name) at \(size.0)x\(size.1): row \(cut.y) cut at column \(cut.ellipsisAt) without an ellipsis:\n\(canvas.grid.text)")
            }
        }
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 50)])
    func noTextOnAnyScreenIsCutWithoutAnEllipsis(_ size: (Int, Int)) throws {
        for (name, state) in try Screens.all() {
            let canvas = AppView.render(state, width: size.0, height: size.1, glyphs: .unicode)
            let screen = canvas.grid.text
            for cut in canvas.grid.cuts where cut.y < canvas.height {
                #expect(canvas.grid[cut.ellipsisAt, cut.y].character == "…",
                        "\(name) at \(size.0)x\(size.1): row \(cut.y) cut at column \(cut.ellipsisAt) without an ellipsis:\n\(screen)")
            }
        }
    }

    /// A pane with more lines than room shows the rest cut with an ellipsis on its last line, never drops them.
    @Test func anErrorLongerThanThePaneEndsInAnEllipsis() throws {
        let error = (1...200).map { "word\($0)" }.joined(separator: " ")
        var s = try DeliveriesPaneTests.failedState(error)
        s.press(.enter)
        let lines = Fixture.text(s, 80, 24).split(separator: "\n").map(String.init)
        let last = try #require(lines.last { $0.contains("word") })
        #expect(last.hasSuffix("…"), "\(lines.joined(separator: "\n"))")
        #expect(!lines.contains { $0.contains("word200") })
    }

    /// The user page's award count is as wide as its values: a limit of 123456 is not cut.
    @Test func theAwardCountIsNeverCut() throws {
        var world = World()
        world.employer = (id: "acme", name: "Acme")
        world.offer("log-1", StreakRule(days: 1), name: "Log a day", reward: "Sticker", limit: 123456)
        world.member("ana", zone: "Etc/UTC", from: "2026-01-01", employer: "acme")
        let data = try InMemoryConsoleData(catalog: world.catalog(), roster: world.roster(), events: [], sourceName: "fixtures")
        var s = AppState(data: data, clock: Fixture.clock, screen: .users)
        s.press(.character("/"))
        s.type("ana")
        s.press(.enter)
        for (w, h) in [(80, 24), (120, 40), (200, 50)] {
            let row = Fixture.text(s, w, h).split(separator: "\n").first { $0.contains("Sticker") } ?? ""
            #expect(row.contains("won 0/123456"), "\(w)x\(h): \(String(row))")
        }
    }

    /// The fixed numeric columns take their widest value: a limit of 12345 is not cut to `12…`.
    @Test func fixedColumnsAreAsWideAsTheirValues() {
        let columns: [Column] = [.flex("Reward", min: 6), .fixed("Lim", 3, right: true)]
        #expect(Table.widths(columns, total: 40, content: [10, 5]) == [20, 5])
        #expect(Table.widths(columns, total: 40, content: [10, 2]) == [20, 3])
    }

    /// The Programs facts line and the Deliveries command: whole at 200 columns, cut with an ellipsis or wrapped
    /// at 80.
    @Test func theDeliveriesCommandIsWholeAtEveryWidth() throws {
        var s = AppState(data: try Fixture.data(), clock: Fixture.clock, screen: .deliveries)
        s.deliveries.databasePath = "/srv/incentives/production/with-a-long-folder-name/incentives.sqlite"
        s.press(.down)
        let command = try #require(s.deliveries.channelNote?.command)
        for (w, h) in [(80, 24), (120, 40)] {
            let lines = Fixture.text(s, w, h).split(separator: "\n").map(String.init)
            let start = try #require(lines.firstIndex { $0.contains("$ incentives") }, "\(w)x\(h)")
            var joined = "", i = start
            while i < lines.count {
                let l = lines[i].trimmingCharacters(in: .whitespaces)
                joined += (joined.isEmpty ? "" : " ") + (l.hasSuffix(" \\") ? String(l.dropLast(2)) : l)
                if !l.hasSuffix(" \\") { break }
                i += 1
            }
            #expect(joined == "$ " + command, "\(w)x\(h)")
        }
    }

    /// The user page's columns grow with the terminal: the program is not held at 16 columns, and at 120 the
    /// standing's words are whole.
    @Test func theUserPagesColumnsGrowWithTheTerminal() throws {
        var world = World()
        world.employer = (id: "acme", name: "Acme")
        world.program = (id: "acme-healthy-families-2026", name: "Acme Healthy Families Program 2026")
        world.offer("log-5", StreakRule(days: 5), name: "Log 5 days in a row", reward: "Pregnancy pillow", limit: 1)
        world.member("ana", zone: "Etc/UTC", from: "2026-01-01", employer: "acme")
        let data = try InMemoryConsoleData(catalog: world.catalog(), roster: world.roster(), events: [], sourceName: "fixtures")
        var s = AppState(data: data, clock: Fixture.clock, screen: .users)
        s.press(.character("/"))
        s.type("ana")
        s.press(.enter)
        let page = try #require(s.users.profile)
        let progress = try #require(page.standings.first?.progress)
        let row120 = Fixture.text(s, 120, 40).split(separator: "\n").first { $0.contains("Pregnancy pillow") } ?? ""
        #expect(row120.contains(progress), "\(row120)")
        // With the Why pane open, its sentences take the whole width.
        s.press(.character("w"))
        let why = Fixture.text(s, 80, 24)
        #expect(!why.contains("Last 5 weeks"), "\(why)")
    }
}

/// Ids made of emoji joined by ZWJ, ZWNJ or tags (issue 21): each grid cell holds what the terminal draws in
/// exactly the cells the grid gives it, so no row is wider than measured and no column is overwritten.
@Suite struct JoinedEmojiWidthTests {
    static let hostile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/Hostile").path

    /// Columns a cell's character takes on a terminal that draws each code point on its own (ncurses): the sum
    /// of the C library's widths of its code points.
    static func drawn(_ c: Character) -> Int {
        c.unicodeScalars.reduce(0) { $0 + TerminalText.cells(Character($1)) }
    }

    static func check(_ canvas: Canvas, _ name: String) {
        let g = canvas.grid
        for y in 0..<g.height {
            var x = 0, width = 0
            while x < g.width {
                let cell = g[x, y]
                #expect(!cell.isContinuation, "\(name) row \(y): a continuation without its character at \(x)")
                var given = 1
                while x + given < g.width, g[x + given, y].isContinuation { given += 1 }
                #expect(Self.drawn(cell.character) == given,
                        "\(name) row \(y) column \(x): \(cell.character.unicodeScalars.map { String($0.value, radix: 16) }) draws \(Self.drawn(cell.character)) cells in \(given)\n\(g.text)")
                width += Self.drawn(cell.character)
                x += given
            }
            #expect(width <= g.width, "\(name) row \(y) draws \(width) cells")
        }
    }

    @Test func joinersAndTagsAreShownEscaped() {
        #expect(TerminalText.safe("👩\u{200D}👧") == "👩\\u{200D}👧")
        #expect(TerminalText.safe("a\u{200C}b") == "a\\u{200C}b")
        #expect(TerminalText.safe("🏴\u{E0067}\u{E007F}") == "🏴\\u{E0067}\\u{E007F}")
        #expect(TerminalText.cells("👩\u{200D}👧") == 2 + 8 + 2)
    }

    /// A cluster whose further code points take columns (a skin tone, two regional indicators) is measured and
    /// drawn as ncurses writes it: each of those code points in cells of its own.
    @Test func clustersOfSeveralWideCodePointsGetTheirCells() {
        #expect(TerminalText.cells("👍🏽") == 4)
        #expect(TerminalText.cells("🇺🇸") == 2)
        #expect(TerminalText.cells("e\u{301}") == 1)
        var g = CellGrid(width: 12, height: 1)
        g.put("👍🏽🇺🇸 ok", x: 0, y: 0)
        let canvas = { () -> Canvas in var c = Canvas(width: 12, height: 1, glyphs: .unicode); c.grid = g; return c }()
        Self.check(canvas, "clusters")
        #expect(g.text == "👍🏽🇺🇸 ok\n")
    }

    @Test func theHostileWorldAt80x24DrawsWhatItMeasures() throws {
        TerminalEnvironment.prepareLocale()
        let data = try InMemoryConsoleData(catalogPath: Self.hostile + "/catalog.json", rosterPath: Self.hostile + "/roster.jsonl",
                                           eventsPath: Self.hostile + "/events.jsonl", sourceName: "hostile")
        let ids = try String(contentsOfFile: Self.hostile + "/roster.jsonl", encoding: .utf8).split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))).flatMap { ($0 as? [String: Any])?["id"] as? String }
        }
        let joined = ids.filter { $0.unicodeScalars.contains { $0.value == 0x200D || $0.value == 0xE007F } }
        #expect(joined.count == 3, "the fixture's ZWJ and tag users")
        var states: [(String, AppState)] = []
        for screen in [ScreenID.programs, .users, .achievements, .live, .deliveries] {
            var s = AppState(data: data, clock: Fixture.clock, screen: screen)
            if screen == .live { s.receive(s.data.changes(since: .start, limit: LiveState.keep)) }
            states.append(("\(screen)", s))
        }
        for id in joined.sorted() {
            var s = AppState(data: data, clock: Fixture.clock, screen: .users)
            s.press(.character("/"))
            s.type(String(id.prefix(4)))
            s.press(.enter)
            s.press(.enter)
            states.append(("user \(id)", s))
            s.press(.character("w"))
            states.append(("why \(id)", s))
        }
        var s = AppState(data: data, clock: Fixture.clock, screen: .achievements)
        s.press(.enter)
        states.append(("evidence", s))
        for (name, s) in states {
            let canvas = AppView.render(s, width: 80, height: 24, glyphs: .unicode)
            Self.check(canvas, name)
        }
        // The achievements list shows the joined ids, escaped.
        let achievements = Fixture.text(states[2].1, 80, 24)
        #expect(achievements.contains("\\u{200D}"), "\(achievements)")
    }

    /// A partner's error text with joined emoji, in the Deliveries tables and the error pane.
    @Test func deliveriesWithJoinedEmojiDrawWhatTheyMeasure() throws {
        let error = "HTTP 422 from the partner: 👩\u{200D}👩\u{200D}👧 🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F} a\u{200C}b"
        var s = try DeliveriesPaneTests.failedState(error)
        Self.check(AppView.render(s, width: 80, height: 24, glyphs: .unicode), "deliveries")
        s.press(.enter)
        Self.check(AppView.render(s, width: 80, height: 24, glyphs: .unicode), "deliveries error")
    }
}

/// The hostile world in a real terminal at 80×24 (tmux): rows of ids made of joined emoji are as wide as the
/// others, so the next column starts at the same cell on every row and no line is wider than the terminal.
@Suite(.timeLimit(.minutes(5))) struct JoinedEmojiInTerminalTests {
    /// The cell where `marker` starts on each line holding it.
    static func columns(of marker: String, in screen: String) -> [Int] {
        screen.split(separator: "\n").compactMap { line in
            line.range(of: marker).map { TerminalText.cells(String(line[..<$0.lowerBound])) }
        }
    }

    @Test func columnsStayInPlaceAt80x24() throws {
        try Tmux.required()
        let binary = try #require(Binary.path, "the incentives binary was not built next to the tests")
        let world = JoinedEmojiWidthTests.hostile
        let tmux = try Tmux("\(binary) console --catalog \(world)/catalog.json --roster \(world)/roster.jsonl --events \(world)/events.jsonl",
                            width: 80, height: 24)
        tmux.wait(for: "Programs")
        tmux.send("3")
        let achievements = tmux.wait("the achievements") { $0.contains("fam-") && $0.contains("flag-") && $0.contains("zwnj-") }
        tmux.send("2")
        let users = tmux.wait("the users") { $0.contains("fam-") && $0.contains("Pacific/Pago_Pago") }
        tmux.send("q")
        for (name, screen, marker) in [("achievements", achievements, "forever\\u{07}"), ("users", users, "acme\\u{1B}[2J")] {
            let lines = screen.split(separator: "\n")
            #expect(lines.allSatisfy { TerminalText.cells(String($0)) <= 80 }, "\(name):\n\(screen)")
            #expect(lines.count <= 24, "\(name):\n\(screen)")
            let at = Self.columns(of: marker, in: screen)
            #expect(at.count >= 3 && Set(at).count == 1, "\(name): \(marker) at columns \(at):\n\(screen)")
            #expect(screen.contains("\\u{200D}"), "\(name): the joiners shown escaped:\n\(screen)")
        }
    }
}
