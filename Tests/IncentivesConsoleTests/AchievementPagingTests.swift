import IncentivesConsole
import IncentivesCore
import Testing

/// The Achievements list has no row cap either: `G` is on the real last row of thousands, loading only the
/// last page, and moving back up from there loads the pages before it.
struct AchievementPagingTests {
    /// 3,000 acme users who each report a birth: 3,000 "$50 gift card" achievements.
    static func data() throws -> InMemoryConsoleData {
        let catalog = try Fixture.data().catalog
        let day = LocalDate(iso: "2026-01-01")!
        let members = (1...3_000).map { Member(id: "b-\($0)", employer: "acme", timezone: "UTC", eligibleFrom: day, eligibleUntil: nil) }
        let events = members.enumerated().map { i, m in
            Event(id: "birth-\(i)", type: .birthReported, user: m.id, at: Instant(seconds: 1_780_000_000 + Int64(i) * 60), category: nil)
        }
        return try InMemoryConsoleData(catalog: catalog, roster: Roster(members: members), events: events, sourceName: "births")
    }

    @Test func gReachesTheLastOfThousandsAndTheWayBackLoads() throws {
        let data = try Self.data()
        TerminalEnvironment.prepareLocale()
        var s = AppState(data: data, clock: Fixture.clock, screen: .achievements)
        let all = data.achievements(s.achievements.query.withoutPaging).rows
        #expect(all.count == 3_000)
        #expect(s.achievements.page.rows.count == 200)
        s.press(.character("G"))
        #expect(s.achievements.selected == 2_999)
        #expect(s.achievements.selectedRecord?.id == all.last?.id)
        #expect(s.achievements.page.rows.count == 200, "only the last page is loaded")
        #expect(Fixture.text(s, 120, 40).contains(" 3000/3000"))
        for _ in 0..<250 { s.press(.up) }
        #expect(s.achievements.selected == 2_749)
        #expect(s.achievements.selectedRecord?.id == all[2_749].id)
        let window = s.achievements.page.rows.map(\.id)
        #expect(window == all[s.achievements.firstRow..<(s.achievements.firstRow + window.count)].map(\.id))
        // Enter opens the evidence of the row the selection shows.
        s.press(.enter)
        #expect(s.achievements.evidence?.map(\.event.id) == all[2_749].achievement.evidence)
        s.press(.escape, .character("g"))
        #expect(s.achievements.selected == 0 && s.achievements.firstRow == 0)
        #expect(s.achievements.selectedRecord?.id == all.first?.id)
        // A new order starts from its top.
        s.press(.character("G"), .character("r"))
        #expect(s.achievements.firstRow == 0 && s.achievements.selectedRecord != nil)
    }

    @Test func gLoadsTheRestWhenItIsNear() throws {
        var s = try Fixture.state(.achievements)
        s.press(.character("G"))
        #expect(s.achievements.selected == s.achievements.page.total - 1)
        #expect(s.achievements.page.rows.count == s.achievements.page.total)
    }
}

extension AchievementQuery {
    var withoutPaging: AchievementQuery {
        var q = self
        q.limit = nil
        q.offset = 0
        return q
    }
}
