import IncentivesConsole
import IncentivesCore
import XCTest

/// The update function: keys in, state out, with no terminal.
final class UpdateTests: XCTestCase {
    func testQuitBacksOutFirstThenQuits() throws {
        var s = try Fixture.state(.users)
        s.press(.enter)
        XCTAssertNotNil(s.users.profile)
        s.press(.character("q"))
        XCTAssertNil(s.users.profile, "q closes the open page first")
        XCTAssertFalse(s.quitting)
        s.press(.character("q"))
        XCTAssertTrue(s.quitting)
    }

    /// Esc after `a` on a program (its achievements; Enter opens its report) goes back to Programs, not to an
    /// unfiltered list.
    func testEscReturnsToWhereEnterCameFrom() throws {
        var s = try Fixture.state(.programs)
        s.press(.character("a"))
        XCTAssertEqual(s.screen, .achievements)
        XCTAssertTrue(s.achievements.filter.text.hasPrefix("program:"))
        s.press(.enter)
        XCTAssertNotNil(s.achievements.evidence, "Enter on a row opens its evidence")
        s.press(.escape)
        XCTAssertNil(s.achievements.evidence, "Esc closes the evidence first")
        XCTAssertEqual(s.screen, .achievements)
        s.press(.escape)
        XCTAssertEqual(s.screen, .programs)
        XCTAssertEqual(s.achievements.filter.text, "")
        // Reached with its number key, Esc on Achievements stays there.
        s.press(.character("3"))
        s.press(.escape)
        XCTAssertEqual(s.screen, .achievements)
    }

    /// q with played test users asks first; any key but y keeps them.
    func testQuittingAsksBeforeDiscardingTestUsers() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("l"))
        XCTAssertGreaterThan(s.simulator.sandbox.eventCount, 0)
        s.press(.character("q"))
        XCTAssertFalse(s.quitting)
        XCTAssertEqual(s.status, "quit and discard 1 test user and 1 event? y or q quits, any other key stays")
        s.press(.character("n"))
        XCTAssertFalse(s.quitting)
        XCTAssertEqual(s.simulator.sandbox.eventCount, 1)
        s.press(.character("q"), .character("y"))
        XCTAssertTrue(s.quitting)
        // An untouched simulator quits at once.
        var fresh = try Fixture.state(.simulator)
        fresh.press(.character("q"))
        XCTAssertTrue(fresh.quitting)
    }

    func testEscBacksOutAndNeverQuits() throws {
        var s = try Fixture.state(.achievements)
        s.press(.enter)
        XCTAssertNotNil(s.achievements.evidence)
        s.press(.escape)
        XCTAssertNil(s.achievements.evidence)
        s.press(.escape, .escape)
        XCTAssertFalse(s.quitting)
    }

    func testNumberKeysSwitchScreensButTypeIntoTheSearch() throws {
        var s = try Fixture.state(.programs)
        s.press(.character("3"))
        XCTAssertEqual(s.screen, .achievements)
        s.press(.character("2"), .character("/"))
        s.type("u-10")
        XCTAssertEqual(s.screen, .users, "digits typed into the search box do not switch screens")
        XCTAssertEqual(s.users.search.text, "u-10")
        XCTAssertTrue(s.users.results.allSatisfy { $0.id.hasPrefix("u-10") })
        s.press(.backspace)
        XCTAssertEqual(s.users.search.text, "u-1")
    }

    func testSearchingAUserOpensTheirProgress() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("u-1002")
        s.press(.enter)
        let profile = try XCTUnwrap(s.users.profile)
        XCTAssertEqual(profile.member.id, "u-1002")
        XCTAssertEqual(profile.standings.map(\.reward), ["Water bottle", "$10 gift card", "Fitness tracker"])
        XCTAssertTrue(Fixture.text(s).contains("Water bottle"))
    }

    func testUnknownUserSearchShowsNothingAndOpensNothing() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("nobody")
        s.press(.enter)
        XCTAssertNil(s.users.profile)
        XCTAssertTrue(Fixture.text(s).contains("No user matches \"nobody\"."))
    }

    func testSelectionStaysInRange() throws {
        var s = try Fixture.state(.users)
        s.press(.up, .up)
        XCTAssertEqual(s.users.selected, 0)
        s.press(.end)
        XCTAssertEqual(s.users.selected, s.users.results.count - 1)
        s.press(.down)
        XCTAssertEqual(s.users.selected, s.users.results.count - 1)
    }

    /// The selected row is visible at every size, so a resize keeps it on screen.
    func testSelectedRowVisibleAfterResize() throws {
        var s = try Fixture.state(.users)
        s.press(.end)
        let last = s.users.results.last!.id
        for (w, h) in [(80, 24), (120, 40), (100, 30), (80, 24)] {
            XCTAssertTrue(Fixture.text(s, w, h).contains(last), "\(last) visible at \(w)x\(h)")
        }
        XCTAssertEqual(s.users.results[s.users.selected].id, last)
    }

    func testAchievementFilterAndSort() throws {
        var s = try Fixture.state(.achievements)
        s.press(.character("/"))
        s.type("program:globex-moms from:2026-11-01")
        s.press(.enter)
        XCTAssertEqual(s.achievements.query.program, "globex-moms")
        XCTAssertFalse(s.achievements.page.rows.isEmpty)
        XCTAssertTrue(s.achievements.page.rows.allSatisfy {
            $0.achievement.program == "globex-moms" && $0.achievement.completedOn >= LocalDate(iso: "2026-11-01")!
        })
        s.press(.character("s"))
        XCTAssertEqual(s.achievements.query.order, .completed)
        s.press(.character("r"))
        let days = s.achievements.page.rows.map(\.achievement.completedOn)
        XCTAssertEqual(days, days.sorted())
    }

    func testBadFilterIsExplained() throws {
        var s = try Fixture.state(.achievements)
        s.press(.character("/"))
        s.type("from:yesterday")
        s.press(.enter)
        XCTAssertEqual(s.achievements.filterError, "from: not a date (YYYY-MM-DD): yesterday")
        XCTAssertTrue(Fixture.text(s).contains("not a date"))
    }

    func testAOnAProgramListsItsAchievements() throws {
        var s = try Fixture.state(.programs)
        s.press(.down, .character("a"))
        XCTAssertEqual(s.screen, .achievements)
        XCTAssertEqual(s.achievements.query.program, "globex-moms")
    }

    func testSimulatorStreakAwardsOnceWithEvidence() throws {
        var s = try Fixture.state(.simulator)
        XCTAssertEqual(s.simulator.standings.first?.slot.reward.reward, "Pregnancy pillow")
        s.press(.character("s"))
        let awards = s.simulator.feed.filter { $0.text.contains("AWARDED") }
        XCTAssertEqual(awards.map(\.text), ["  * AWARDED Pregnancy pillow · acme-2026 · log-5-days #1"])
        XCTAssertEqual(s.simulator.standings.first?.awards, 1)
        // The limit is 1: a second streak earns nothing more.
        s.press(.character("n"), .character("s"))
        XCTAssertEqual(s.simulator.feed.filter { $0.text.contains("AWARDED") }.count, 1)
    }

    /// A second play right after the first starts on a new day and earns again (it used to start on the
    /// first play's last day, already counted, and end one day short).
    func testPlayingTwiceEarnsTwice() throws {
        var s = try Fixture.state(.simulator)
        // A test user of an employer whose streak reward can be earned twice (globex: limit 2).
        for _ in 0..<5 where !s.simulator.standings.contains(where: { $0.slot.reward.limit >= 2 && $0.slot.incentive.event == .healthDataLogged }) {
            s.press(.character("e"))
        }
        let slot = try XCTUnwrap(s.simulator.standings.firstIndex { $0.slot.reward.limit >= 2 && $0.slot.incentive.event == .healthDataLogged })
        while s.simulator.selectedReward < slot { s.press(.down) }
        s.press(.character("s"))
        let first = s.simulator.standings[slot]
        XCTAssertEqual(first.awards, 1)
        s.press(.character("s"))
        let second = s.simulator.standings[slot]
        XCTAssertEqual(second.awards, 2, s.simulator.feed.suffix(8).map(\.text).joined(separator: "\n"))
    }

    func testSimulatorLateEventFillsTheGap() throws {
        var s = try Fixture.state(.simulator)
        // Days 1, 2, _, 4, 5 then a late log for day 3 completes the run.
        s.press(.character("l"), .character("n"), .character("l"), .character("n"), .character("n"), .character("l"),
                .character("n"), .character("l"))
        XCTAssertFalse(s.simulator.feed.contains { $0.text.contains("AWARDED") })
        s.press(.character("+"), .character("+"), .character("-"))
        XCTAssertEqual(s.simulator.daysBack, 2)
        s.press(.character("p"))
        XCTAssertTrue(s.simulator.feed.contains { $0.text.contains("AWARDED Pregnancy pillow") }, s.simulator.feed.map(\.text).joined(separator: "\n"))
    }

    func testSimulatorNeverTouchesTheRealData() throws {
        var s = try Fixture.state(.simulator)
        let before = s.data.achievements(AchievementQuery()).total
        s.press(.character("s"), .character("b"))
        XCTAssertEqual(s.data.achievements(AchievementQuery()).total, before)
        XCTAssertTrue(s.data.searchUsers(prefix: "test-", limit: 10).isEmpty)
    }

    func testSimulatorBirthAndOtherEmployerAndZone() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("b"))
        XCTAssertTrue(s.simulator.feed.contains { $0.text.contains("AWARDED $50 gift card") })
        // e moves the current test user to the next employer (no new user); z makes a new one in the next zone.
        s.press(.character("e"))
        XCTAssertEqual(s.simulator.user?.employer, "globex")
        XCTAssertEqual(s.simulator.user?.id, "test-1")
        s.press(.character("z"))
        XCTAssertEqual(s.simulator.user?.timezone, "America/New_York")
        XCTAssertEqual(s.simulator.user?.employer, "globex")
        XCTAssertEqual(s.simulator.user?.id, "test-2")
        s.press(.left)
        XCTAssertEqual(s.simulator.user?.id, "test-1")
    }

    func testLiveFreezeCountsWhatIsMissed() throws {
        var s = try Fixture.state(.live)
        s.receive(s.data.changes(since: .start, limit: 10))
        XCTAssertEqual(s.live.events.count, 10)
        s.press(.character("f"))
        let more = LiveChanges(events: [s.live.events[0]], achievements: [], cursor: s.live.cursor, totalEvents: 1, totalAchievements: 0)
        s.receive(more)
        XCTAssertEqual(s.live.events.count, 10)
        XCTAssertEqual(s.live.missed, 1)
        s.press(.escape)
        XCTAssertFalse(s.live.frozen)
    }

    /// CI caught the header saying "32 achievements" above a list of 33: the rows had been read after a commit the
    /// totals were read before, and the look that followed that commit's NOTIFY found no new row and was dropped.
    func testLiveHeaderCatchesUpWhenOnlyTheTotalsMoved() throws {
        var s = try Fixture.state(.live)
        let first = s.data.changes(since: .start, limit: 10)
        XCTAssertTrue(first.changesTheScreen(after: nil))
        s.receive(first)
        // Rows newer than their totals: one more achievement listed than counted.
        let ahead = LiveChanges(events: [], achievements: [s.live.achievements[0]], cursor: s.live.cursor,
                                totalEvents: first.totalEvents, totalAchievements: first.totalAchievements)
        XCTAssertTrue(ahead.changesTheScreen(after: first))
        s.receive(ahead)
        // The next look: nothing new to list, only the totals caught up. It must reach the screen.
        let caughtUp = LiveChanges(events: [], achievements: [], cursor: s.live.cursor,
                                   totalEvents: first.totalEvents, totalAchievements: first.totalAchievements + 1)
        XCTAssertTrue(caughtUp.changesTheScreen(after: ahead))
        s.receive(caughtUp)
        XCTAssertEqual(s.live.totalAchievements, first.totalAchievements + 1)
        // A look that changes nothing is not news; a failed look never is, whatever totals it carries.
        XCTAssertFalse(LiveChanges(events: [], achievements: [], cursor: s.live.cursor, totalEvents: caughtUp.totalEvents,
                                   totalAchievements: caughtUp.totalAchievements).changesTheScreen(after: caughtUp))
        XCTAssertFalse(LiveChanges(events: [], achievements: [], cursor: s.live.cursor, totalEvents: 0, totalAchievements: 0,
                                   failed: true).changesTheScreen(after: caughtUp))
        XCTAssertFalse(LiveChanges(events: [], achievements: [], cursor: .start, totalEvents: 0, totalAchievements: 0,
                                   failed: true).changesTheScreen(after: nil), "a failed first look is not shown as an empty database")
    }

    func testRetryAFailedDelivery() throws {
        let data = try Fixture.data()
        let a = data.achievements(AchievementQuery()).rows[0].achievement
        let partner = data.catalog.partners(for: a)[0]
        let id = "\(a.id):\(partner.id)"
        data.setDelivery(id: id, status: .failed, attempts: 2, error: "connection refused")
        var s = AppState(data: data, clock: Fixture.clock, screen: .deliveries)
        let row = try XCTUnwrap(s.deliveries.partners.firstIndex { $0.partnerID == partner.id })
        while s.deliveries.selected < row { s.press(.down) }
        XCTAssertEqual(s.deliveries.partners[row].failed, 1)
        s.press(.right, .character("r"))
        XCTAssertEqual(s.status, "queued \(id) for another attempt")
        XCTAssertEqual(s.deliveries.partners[row].failed, 0)
        s.press(.character("r"))
        XCTAssertEqual(s.status, "select a failed delivery to retry")
        // Retrying something that has not failed is refused with the reason.
        guard case .failure(let why) = data.retryDelivery(id: id) else { return XCTFail("retried a delivery that has not failed") }
        XCTAssertEqual(why.message, "\(id) has not failed")
    }

    /// A `deliver` in another terminal changes deliveries without any new event: F5 (or ^R) refreshes at once,
    /// and the screen says it refreshes on a timer too.
    func testDeliveriesRefreshWhenChangedElsewhere() throws {
        let data = try Fixture.data()
        let a = data.achievements(AchievementQuery()).rows[0].achievement
        let partner = data.catalog.partners(for: a)[0]
        var s = AppState(data: data, clock: Fixture.clock, screen: .deliveries)
        let row = try XCTUnwrap(s.deliveries.partners.firstIndex { $0.partnerID == partner.id })
        XCTAssertEqual(s.deliveries.partners[row].failed, 0)
        data.setDelivery(id: "\(a.id):\(partner.id)", status: .failed, attempts: 8, error: "HTTP 500")
        XCTAssertEqual(s.deliveries.partners[row].failed, 0, "stale until refreshed")
        s.press(.function(5))
        XCTAssertEqual(s.deliveries.partners[row].failed, 1)
        XCTAssertEqual(s.status, "refreshed")
        data.setDelivery(id: "\(a.id):\(partner.id)", status: .delivered, attempts: 9, error: nil)
        s.press(.character("\u{12}"))
        XCTAssertEqual(s.deliveries.partners[row].failed, 0)
        XCTAssertTrue(s.refreshesOnATimer)
    }

    /// A fast ingest: the live screen shows the newest rows at once and counts what it did not list.
    func testLiveJumpsToTheNewestRowsAndCountsTheRest() throws {
        let data = try Fixture.data()
        let all = data.changes(since: .start, limit: 100_000)
        let oldCursor = LiveCursor(event: 5, achievement: 1)
        let c = data.changes(since: oldCursor, limit: 10)
        XCTAssertEqual(c.events.map(\.seq), Array(all.events.suffix(10)).map(\.seq), "the newest ten")
        XCTAssertEqual(c.achievements.count, 10)
        XCTAssertEqual(c.skipped, (all.events.filter { $0.seq > 5 }.count - 10) + (all.achievements.filter { $0.seq > 1 }.count - 10))
        XCTAssertEqual(c.cursor.event, all.events.last.map { Int($0.seq) })
        var s = try Fixture.state(.live)
        s.receive(c)
        XCTAssertTrue(Fixture.text(s, 120, 40).contains("\(c.skipped) passed too fast to list"))
    }

    func testHelpClosesOnAnyKey() throws {
        var s = try Fixture.state()
        s.press(.character("?"))
        XCTAssertTrue(s.showHelp)
        s.press(.character("q"))
        XCTAssertFalse(s.showHelp)
        XCTAssertFalse(s.quitting, "q closes help, it does not quit")
    }

    /// The footer and the help overlay come from the same table: every footer hint is a binding
    /// whose keys do what the help says.
    func testFooterHintsComeFromTheKeyTable() throws {
        for screen in ScreenID.allCases {
            for (label, _) in KeyMap.hints(for: screen) {
                let b = try XCTUnwrap(KeyMap.bindings.first { $0.label == label && ($0.scope == .global || $0.scope == .screen(screen)) })
                for key in b.keys { XCTAssertEqual(KeyMap.action(for: key, on: screen), b.action, "\(key) on \(screen)") }
            }
        }
    }
}

final class PagingTests: XCTestCase {
    /// A long achievement list loads page by page as the selection moves down.
    func testAchievementsLoadMoreNearTheEnd() throws {
        TerminalEnvironment.prepareLocale()
        let data = try Fixture.data()
        var s = AppState(data: data, clock: Fixture.clock, screen: .achievements)
        s.achievements.query.limit = 10
        s.press(.character("r"), .character("r")) // reversing twice reloads with the small page
        XCTAssertEqual(s.achievements.page.rows.count, 10)
        s.press(.down)
        XCTAssertGreaterThan(s.achievements.page.rows.count, 10)
        s.press(.end)
        XCTAssertEqual(s.achievements.page.rows.count, s.achievements.page.total)
        XCTAssertEqual(s.achievements.selected, s.achievements.page.total - 1)
    }
}

final class SimulatorZoneTests: XCTestCase {
    func testATypedZoneMakesANewTestUser() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("/"))
        s.type("Asia/Kathmandu")
        XCTAssertEqual(s.screen, .simulator)
        XCTAssertTrue(Fixture.text(s).contains("time zone for a new test user: Asia/Kathmandu"))
        s.press(.enter)
        XCTAssertEqual(s.simulator.user?.timezone, "Asia/Kathmandu")
        XCTAssertEqual(s.simulator.user?.id, "test-2")
    }

    func testAnUnknownZoneIsRefusedWithTheReason() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("/"))
        s.type("Mars/Olympus")
        s.press(.enter)
        XCTAssertEqual(s.simulator.user?.id, "test-1", "no user was added")
        XCTAssertEqual(s.simulator.feed.last?.text, "unknown time zone \"Mars/Olympus\" (an IANA name such as Europe/Paris)")
    }
}

final class FollowTests: XCTestCase {
    /// Lines appended to the events file are taken once complete; a half-written line waits.
    func testFollowingTakesOnlyCompleteLines() throws {
        let dir = TempDir(prefix: "follow")
        for f in ["catalog.json", "roster.jsonl", "events.jsonl"] {
            try FileManager.default.copyItem(atPath: Fixture.directory + "/" + f, toPath: dir.path(f))
        }
        let events = dir.url.appendingPathComponent("events.jsonl")
        let data = try InMemoryConsoleData(catalogPath: dir.path("catalog.json"), rosterPath: dir.path("roster.jsonl"), eventsPath: events.path)
        let before = data.changes(since: .start, limit: 5)
        let line = #"{"id": "e-new", "type": "health_data_logged", "user": "u-1001", "at": "2026-11-25T15:00:00Z", "category": "mood"}"#
        let h = try FileHandle(forWritingTo: events)
        h.seekToEndOfFile()
        h.write(Data(line.prefix(40).utf8))
        XCTAssertTrue(data.changes(since: before.cursor, limit: 5).events.isEmpty, "half a line is not read")
        h.write(Data(line.dropFirst(40).utf8) + Data([10]))
        try h.close()
        XCTAssertEqual(data.changes(since: before.cursor, limit: 5).events.map(\.event.id), ["e-new"])
    }
}
