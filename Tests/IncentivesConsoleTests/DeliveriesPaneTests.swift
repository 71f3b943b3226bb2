import IncentivesConsole
import IncentivesCore
import Testing

/// Deliveries: Enter on a failure shows its whole error; the partners pane says how each partner takes
/// deliveries, and what moves a file-drop partner's pending rows.
struct DeliveriesPaneTests {
    static let longError = "HTTP 422 from https://pillowco.example/hooks/incentives: {\"error\":\"member_unknown\",\"detail\":"
        + "\"the member id PC-00017 is not enrolled with PillowCo for employer acme; enrol the member in the partner portal, "
        + "then retry\",\"requestId\":\"7f3c2a9e-5d41-4b8e-9c0a-1e2f3a4b5c6d\"} after 3 attempts over 42 minutes"

    /// The Deliveries screen with one PillowCo failure whose error is `error`, focus on the failures.
    static func failedState(_ error: String?) throws -> AppState {
        let data = try Fixture.data()
        let achievement = data.achievements(AchievementQuery(descending: true, limit: 100)).rows.last!.achievement
        let partner = data.catalog.partners(for: achievement)[0]
        data.setDelivery(id: "\(achievement.id):\(partner.id)", status: .failed, attempts: 3, error: error)
        TerminalEnvironment.prepareLocale()
        var s = AppState(data: data, clock: Fixture.clock, screen: .deliveries)
        s.press(.right)
        return s
    }

    @Test func enterShowsTheWholeErrorWrappedAndEscClosesIt() throws {
        var s = try Self.failedState(Self.longError)
        #expect(s.deliveries.onFailures)
        #expect(!Fixture.text(s, 80, 24).contains("after 3 attempts over 42 minutes"), "the table cuts it")
        s.press(.enter)
        #expect(s.deliveries.showingError)
        for (w, h) in [(80, 24), (120, 40)] {
            let text = Fixture.text(s, w, h)
            // Every piece of the error is on screen, whatever the width: joined back, the lines are the error.
            let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            let start = try #require(lines.firstIndex { $0.hasPrefix("HTTP 422 from") })
            let end = try #require(lines.firstIndex { $0.hasSuffix("42 minutes") })
            let joined = lines[start...end].joined()
            #expect(joined.replacingOccurrences(of: " ", with: "") == Self.longError.replacingOccurrences(of: " ", with: ""), "\(w)x\(h)")
            #expect(text.contains("Error · ach-") && text.contains(":pillowco"))
        }
        s.press(.escape)
        #expect(!s.deliveries.showingError && s.deliveries.onFailures, "Esc closes the pane first")
        s.press(.escape)
        #expect(!s.deliveries.onFailures)
    }

    @Test func aFailureWithNoErrorTextSaysSo() throws {
        var s = try Self.failedState(nil)
        s.press(.enter)
        #expect(Fixture.text(s).contains("(no error text was recorded)"))
    }

    @Test func enterWithNoFailuresSaysThereAreNone() throws {
        var s = AppState(data: try Fixture.data(), clock: Fixture.clock, screen: .deliveries)
        s.press(.enter)
        #expect(s.status == "no failed deliveries for this partner")
    }

    @Test func thePartnersPaneSaysWebhookOrFileDropAndTheExportCommand() throws {
        var s = AppState(data: try Fixture.data(), clock: Fixture.clock, screen: .deliveries)
        var text = Fixture.text(s, 120, 40)
        #expect(text.contains("webhook"))
        #expect(text.contains("file drop"))
        #expect(text.contains("PillowCo takes webhooks: each pending row is POSTed to https://pillowco.example/hooks/incentives, and failures"))
        #expect(text.contains("  $ incentives deliver\n") || text.contains("  $ incentives deliver "))
        s.press(.down)
        for (w, h) in [(80, 24), (120, 40)] {
            text = Fixture.text(s, w, h)
            #expect(text.contains("Giftly takes file drops: its rows stay pending until the batch file is written"), "\(w)x\(h)")
            // The command whole on its own line, at 80 columns too.
            #expect(text.contains("  $ incentives export --partner giftly"), "\(w)x\(h)")
        }
        // Over a database, the command names it (quoted for a shell when it needs to be).
        s.deliveries.databasePath = "/srv/incentives db.sqlite"
        #expect(s.deliveries.channelNote?.command == "incentives export --db '/srv/incentives db.sqlite' --partner giftly")
        s.deliveries.databasePath = "/srv/i.sqlite"
        #expect(s.deliveries.channelNote?.command == "incentives export --db /srv/i.sqlite --partner giftly")
        s.press(.up)
        #expect(s.deliveries.channelNote?.command == "incentives deliver --db /srv/i.sqlite")
    }
}

/// Flexible columns take their content's width when there is room, and share fairly when there is not.
struct TableLayoutTests {
    @Test func contentFitsSoNothingIsCutAndSpareRoomIsShared() {
        let columns: [Column] = [.flex("A", min: 4), .flex("B", min: 4), .fixed("N", 3)]
        // A's content is 30 wide, B's 5: both fit in 60 (30 + 5 + 3 + 2 gaps = 40), and the 20 spare cells go a
        // cell each in turn, B's growth stopping at twice its width (its min, 4... its content, 5: 10).
        #expect(Table.widths(columns, total: 60, content: [30, 5, 3]) == [45, 10, 3])
        // At 200 the rest stays at the right end: no column grows past twice its width.
        #expect(Table.widths(columns, total: 200, content: [30, 5, 3]) == [60, 10, 3])
    }

    @Test func whenContentDoesNotFitTheShortColumnIsNotCut() {
        let columns: [Column] = [.flex("A", min: 10), .flex("B", min: 10), .flex("C", min: 10)]
        // 40 cells for content of 50, 6 and 12: the 6 and the 12 whole, the long one takes the rest.
        #expect(Table.widths(columns, total: 40, content: [50, 6, 12]) == [20, 6, 12])
        // Two long columns share equally.
        #expect(Table.widths(columns, total: 41, content: [50, 40, 6]) == [17, 16, 6])
    }

    @Test func programsParametersAreWholeAtEverySizeWithRoom() throws {
        var s = try Fixture.state(.programs)
        s.press(.down)
        for (w, h) in [(120, 40), (200, 50)] {
            let text = Fixture.text(s, w, h)
            #expect(text.contains("days=4 window=7"), "\(w)x\(h)")
            #expect(!text.contains("…"), "nothing cut at \(w)x\(h):\n\(text)")
        }
    }

    /// At 200 columns no screen cuts a table's text.
    @Test func nothingIsCutAt200Columns() throws {
        for screen in ScreenID.allCases {
            var s = try Fixture.state(screen)
            if screen == .simulator { s.press(.character("s")) }
            if screen == .live { s.receive(s.data.changes(since: .start, limit: LiveState.keep)) }
            #expect(!Fixture.text(s, 200, 50).contains("…"), "\(screen)")
        }
    }
}
