import Foundation
import IncentivesConsole
import IncentivesCore
import XCTest

/// Every screen drawn into the cell grid at 80×24 and 120×40 and compared with text files in Golden/.
/// After an intended change, regenerate with `UPDATE_GOLDEN=1 swift test --filter GoldenScreenTests` (each
/// rewritten file fails that run), read the diff, and run again without it.
final class GoldenScreenTests: XCTestCase {
    static let sizes = [(80, 24), (120, 40), (200, 50)]

    func check(_ name: String, _ state: AppState, file: StaticString = #filePath, line: UInt = #line) {
        for (w, h) in Self.sizes {
            let actual = Fixture.text(state, w, h)
            let path = Fixture.goldenDirectory + "/\(name)-\(w)x\(h).txt"
            let expected = try? String(contentsOfFile: path, encoding: .utf8)
            if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
                // Rewrites the file, and still fails where it changed: a run with UPDATE_GOLDEN set (by mistake in CI,
                // say) never passes a screen that differs from its golden. Read the diff, then run again without it.
                guard actual != expected else { continue }
                do { try actual.write(toFile: path, atomically: true, encoding: .utf8) } catch {
                    XCTFail("cannot write \(path): \(error)", file: file, line: line); continue
                }
                XCTFail("\(name) at \(w)x\(h) differed from \(path): rewritten (UPDATE_GOLDEN); review the diff and run again without it",
                        file: file, line: line)
                continue
            }
            guard let expected else {
                XCTFail("missing golden file \(path): run with UPDATE_GOLDEN=1", file: file, line: line)
                continue
            }
            XCTAssertEqual(actual, expected, "\(name) at \(w)x\(h) differs from \(path)", file: file, line: line)
        }
    }

    func testProgramsScreen() throws {
        var s = try Fixture.state(.programs)
        s.press(.down)
        check("1-programs", s)
    }

    /// `/` on Programs: the prompt, the programs left and their matching rewards.
    func testProgramsFiltered() throws {
        var s = try Fixture.state(.programs)
        s.press(.character("/"))
        s.type("gift card")
        s.press(.enter)
        check("1-programs-filtered", s)
    }

    func testUsersList() throws {
        check("2-users", try Fixture.state(.users))
    }

    func testUsersSearchedByEmployerAndZone() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("employer:globex zone:america")
        s.press(.enter)
        XCTAssertEqual(s.users.results.map(\.id), ["u-1002", "u-1006", "u-1014"])
        check("2-users-search", s)
    }

    func testUserPage() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("u-1002")
        s.press(.enter)
        XCTAssertNotNil(s.users.profile)
        check("2-user-page", s)
    }

    /// The Why pane takes the page's whole width (issue 20: its detail was ~26 columns at 80).
    func testUserPageWhyPane() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("u-1002")
        s.press(.enter)
        s.press(.character("w"))
        check("2-user-page-why", s)
    }

    /// "Where is my pillow?": each award's delivery state in its row, and under the selected one the whole
    /// answer per partner (sent, retrying with its next attempt and last error, failed after its attempts). The
    /// partner's error is data: its escape sequence is shown escaped, never sent to the terminal.
    func testUserPageDeliveries() throws {
        let data = try Fixture.data()
        let mine = data.achievements(AchievementQuery(user: "u-1002", limit: 100)).rows
        XCTAssertGreaterThanOrEqual(mine.count, 2)
        let partners = mine.map { data.catalog.partners(for: $0.achievement) }
        XCTAssertFalse(partners.allSatisfy(\.isEmpty), "u-1002 has an award a partner ships")
        var marked = 0
        for (r, ps) in zip(mine, partners) {
            for p in ps {
                let id = "\(r.achievement.id):\(p.id)"
                switch marked % 3 {
                case 0: data.setDelivery(id: id, status: .failed, attempts: 8, error: "HTTP 422 from the partner \u{1b}[31mred\u{07}")
                case 1: data.setDelivery(id: id, status: .delivered, attempts: 1, error: nil)
                default: data.setDelivery(id: id, status: .pending, attempts: 2, error: "HTTP 503 from the partner")
                }
                marked += 1
            }
        }
        var s = AppState(data: data, clock: Fixture.clock, screen: .users)
        s.press(.character("/"))
        s.type("u-1002")
        s.press(.enter)
        let page = try XCTUnwrap(s.users.profile)
        XCTAssertFalse(page.deliveries.isEmpty)
        // The selected award is the newest; select the failed one.
        let failed = try XCTUnwrap(page.deliveries.first { $0.status == .failed })
        let row = try XCTUnwrap(page.achievements.firstIndex { $0.achievement.id == failed.achievementID })
        for _ in 0..<row { s.press(.down) }
        let screen = Fixture.text(s, 120, 40)
        XCTAssertTrue(screen.contains("failed at "), screen)
        XCTAssertFalse(screen.contains("\u{1b}"), "no escape reaches the terminal")
        check("2-user-page-deliveries", s)
    }

    /// `f` on Users: logged on 5 days or more and no award yet; again: one day from earning.
    func testUsersByState() throws {
        var s = try Fixture.state(.users)
        s.press(.character("f"))
        XCTAssertEqual(s.users.state, .loggedWithoutAward(days: 5))
        check("2-users-state-no-award", s)
        // Without Unicode glyphs the filter still reads right (no "?" for "≥").
        XCTAssertTrue(Fixture.text(s, 80, 24, glyphs: .ascii).contains("state: logged >= 5 days, no award on Wed 25 Nov"))
        s.press(.character("f"))
        XCTAssertEqual(s.users.state, .nearAward(days: 1))
        check("2-users-state-near", s)
        s.press(.character("f"))
        XCTAssertNil(s.users.state, "after the last preset, every user again")
    }

    func testAchievementsScreen() throws {
        check("3-achievements", try Fixture.state(.achievements))
    }

    func testAchievementEvidence() throws {
        var s = try Fixture.state(.achievements)
        s.press(.down, .enter)
        XCTAssertNotNil(s.achievements.evidence)
        check("3-achievement-evidence", s)
    }

    func testSimulatorAfterAStreak() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("s"))
        check("4-simulator", s)
    }

    /// Five to midnight in Chicago (tomorrow in UTC), the event sent again, then with other content.
    func testSimulatorTimeAndResend() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("t"), .character("l"), .character("a"), .character("A"))
        check("4-simulator-resend", s)
    }

    func testLiveScreen() throws {
        var s = try Fixture.state(.live)
        s.receive(s.data.changes(since: .start, limit: LiveState.keep))
        check("5-live", s)
    }

    func testDeliveriesWithAFailure() throws {
        let data = try Fixture.data()
        let first = data.deliveries()[0]
        _ = first
        let achievement = data.achievements(AchievementQuery(descending: true, limit: 100)).rows.last!.achievement
        let partner = data.catalog.partners(for: achievement)[0]
        data.setDelivery(id: "\(achievement.id):\(partner.id)", status: .failed, attempts: 3, error: "HTTP 503 from partner")
        var s = AppState(data: data, clock: Fixture.clock, screen: .deliveries)
        s.press(.right)
        check("6-deliveries", s)
    }

    /// Enter on a failure: its whole error, wrapped, under the table.
    func testDeliveriesErrorPane() throws {
        var s = try DeliveriesPaneTests.failedState(DeliveriesPaneTests.longError)
        s.press(.enter)
        check("6-deliveries-error", s)
    }

    /// A file-drop partner: its rows wait for `incentives export`.
    func testDeliveriesFileDropPartner() throws {
        var s = AppState(data: try Fixture.data(), clock: Fixture.clock, screen: .deliveries)
        s.press(.down)
        check("6-deliveries-drop", s)
    }

    func testHelpOverlay() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("?"))
        check("help", s)
    }

    func testTooSmall() throws {
        let s = try Fixture.state()
        XCTAssertTrue(Fixture.text(s, 60, 20).contains("The console needs 80×24"))
    }

    /// A terminal in the C locale gets ASCII lines and bars.
    func testAsciiGlyphs() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("s"))
        let text = Fixture.text(s, 80, 24, glyphs: .ascii)
        XCTAssertFalse(text.unicodeScalars.contains { !$0.isASCII }, text)
        XCTAssertTrue(text.contains("##########"), text)
    }

    // MARK: - A calendar-period kind, shown by its own words

    /// Initech rewards 3 days in a calendar month and 4 days in a week; ines (Kolkata) logged on
    /// Mon 2 Nov and Tue 24 Nov, and the clock is Wed 25 Nov.
    static func calendarPeriodState(_ screen: ScreenID) throws -> AppState {
        TerminalEnvironment.prepareLocale()
        var world = World()
        world.employer = (id: "initech", name: "Initech")
        world.program = (id: "initech-2026", name: "Initech Everyday 2026")
        world.programStarts = "2026-01-01"
        world.programEnds = "2026-12-31"
        world.offer("log-3-in-month", DaysInPeriodRule(days: 3, period: .month), name: "Log on 3 days in a calendar month",
                    reward: "$5 coffee card", limit: 12)
        world.offer("log-4-in-week", DaysInPeriodRule(days: 4, period: .week), name: "Log on 4 days in a week",
                    reward: "Step badge", limit: 2)
        world.member("ines", zone: "Asia/Kolkata", from: "2026-01-01", employer: "initech")
        let catalog = world.catalog(), roster = world.roster()
        let events = ["2026-11-02T12:00:00+05:30", "2026-11-24T12:00:00+05:30"].enumerated().map { i, at in
            Event(id: "i\(i + 1)", type: .healthDataLogged, user: "ines", at: try! Instant.parseRFC3339(at).get(), category: "mood")
        }
        let data = try InMemoryConsoleData(catalog: catalog, roster: roster, events: events, sourceName: "fixtures")
        return AppState(data: data, clock: Fixture.clock, screen: screen)
    }

    func testCalendarPeriodProgramAndUserPage() throws {
        var s = try Self.calendarPeriodState(.programs)
        // The kind and its parameters, whole, on the reward's row (columns sized by their content).
        let row = Fixture.text(s, 120, 40).split(separator: "\n").first { $0.contains("$5 coffee card") } ?? ""
        XCTAssertTrue(row.contains("days_in_period") && row.contains("days=3 period=month"), String(row))
        s = try Self.calendarPeriodState(.users)
        s.press(.character("/"))
        s.type("ines")
        s.press(.enter)
        let profile = try XCTUnwrap(s.users.profile)
        XCTAssertEqual(profile.standings.map(\.progress), ["2 of 3 days in November", "1 of 4 days, week of Mon 23 Nov"])
        XCTAssertEqual(profile.standings.map(\.done), [2, 1])
        check("7-calendar-period-user-page", s)
    }

    /// The Why pane's why-not summary on a streak that broke twice, a day before the program, and a late log
    /// (sent after a later day's), which the timeline marks `late`.
    func testWhyNotSummaryWithALateLog() throws {
        TerminalEnvironment.prepareLocale()
        var world = World()
        world.programStarts = "2026-11-02"
        world.programEnds = "2026-12-31"
        world.offer("log-5-days", StreakRule(days: 5), name: "Log 5 days in a row", reward: "Pregnancy pillow")
        world.member("ana", zone: "Europe/Paris", from: "2026-01-01")
        let days = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-05", "2026-11-06", "2026-11-08", "2026-11-07", "2026-11-09",
                    "2026-11-20", "2026-11-21", "2026-11-23", "2026-11-24"]
        let events = days.enumerated().map { i, d in
            Event(id: "a\(i + 1)", type: .healthDataLogged, user: "ana", at: try! Instant.parseRFC3339(d + "T09:00:00+01:00").get(), category: "mood")
        }
        let data = try InMemoryConsoleData(catalog: world.catalog(), roster: world.roster(), events: events, sourceName: "fixtures")
        var s = AppState(data: data, clock: Fixture.clock, screen: .users)
        s.press(.character("/"))
        s.type("ana")
        s.press(.enter, .character("w"))
        let summary = try XCTUnwrap(s.users.whyNot.first)
        XCTAssertEqual(summary.late.map(\.id), ["a7"])
        XCTAssertEqual(summary.breaks.map(\.iso), ["2026-11-04", "2026-11-10", "2026-11-22"])
        let screen = Fixture.text(s, 120, 40)
        XCTAssertTrue(screen.contains("a7  late counted a new day: day 3 of 5"), screen)
        check("2-user-page-why-late", s)
    }

    func testCalendarPeriodSimulatorPlaysWholePeriods() throws {
        var s = try Self.calendarPeriodState(.simulator)
        XCTAssertEqual(s.simulator.standings.map(\.slot.incentive.rule.summary), ["3 days in a calendar month", "4 days in a week (Mon–Sun)"])
        s.press(.character("s"))
        let feed = s.simulator.feed.map(\.text)
        XCTAssertTrue(feed.contains(">> playing 3 days of mood for $5 coffee card (3 days in a calendar month)"), feed.joined(separator: "\n"))
        XCTAssertTrue(feed.contains { $0.contains("AWARDED $5 coffee card") })
        // Friday 27 November: too little of the week is left, so the week of Mon 30 Nov is played.
        s.press(.down, .character("s"))
        XCTAssertTrue(s.simulator.feed.contains { $0.text.contains("AWARDED Step badge") }, s.simulator.feed.map(\.text).joined(separator: "\n"))
        XCTAssertTrue(s.simulator.feed.contains { $0.text.contains("evidence: 11-30 sim-4, 12-01 sim-5, 12-02 sim-6, 12-03 sim-7") })
        check("7-calendar-period-simulator", s)
    }
}
