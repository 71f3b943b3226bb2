import IncentivesConsole
import IncentivesCore
import Testing

/// Points and tiers on screen (CONTRACT §1 "Points and tiers"): Programs shows each reward's points and the ladder;
/// the user page shows the total, a bar to the next tier and the tiers reached. Data: the contract's points case
/// (Fixtures/points, a copy of shared/scenarios/proposed/16-points-and-tiers).
@Suite("Points and tiers in the console")
struct PointsConsoleTests {
    private func state(_ screen: ScreenID) throws -> AppState {
        TerminalEnvironment.prepareLocale()
        let dir = Fixture.directory + "/points"
        let data = try InMemoryConsoleData(catalogPath: dir + "/catalog.json", rosterPath: dir + "/roster.jsonl",
                                           eventsPath: dir + "/events.jsonl", sourceName: "points")
        return AppState(data: data, clock: .fixed(Instant(seconds: 1_774_008_000)), screen: screen) // 2026-03-20T12:00Z
    }

    @Test func programsShowsEachRewardsPointsAndTheLadder() throws {
        let text = Fixture.text(try state(.programs), 120, 40)
        #expect(text.contains("Pts"), "\(text)")
        let sticker = try #require(text.split(separator: "\n").first { $0.contains("Sticker") })
        #expect(sticker.contains(" 30 "), "\(sticker)")
        #expect(text.contains("Tiers bronze at 50 → $25 wallet credit · silver at 100 → $50 wallet credit · gold at 200 → $100 wallet credit"), "\(text)")
    }

    @Test func theUserPageShowsTheTotalTheNextTierAndTheTiersReached() throws {
        var s = try state(.users)
        s.press(.enter)
        #expect(s.users.profile?.member.id == "tess")
        let text = Fixture.text(s, 120, 40)
        let line = try #require(text.split(separator: "\n").first { $0.contains("Points · umbrella-2026") }, "\(text)")
        #expect(line.contains("100/200 to gold · reached bronze, silver"), "\(line)")
        #expect(s.users.profile?.points.map(\.total) == [100])
        // Tiers are listed among the achievements as what they are.
        #expect(text.contains("$50 wallet credit · tier silver · umbrella-2026"), "\(text)")
    }
}
