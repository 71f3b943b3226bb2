import IncentivesConsole
import IncentivesCore
import Testing

/// The console says why, in the engine's words: the simulator announces what every event did to every reward
/// it reached, and the user page's Why pane shows a reward's timeline.
struct WhyInConsoleTests {
    private func feed(_ s: AppState) -> String { Fixture.text(s, 120, 40) }

    @Test func theSimulatorAnnouncesEveryOutcomeNotOnlyAwards() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("l"))
        #expect(feed(s).contains("Pregnancy pillow: counted a new day: day 1 of 5"))
        s.press(.character("l"))
        #expect(feed(s).contains("Pregnancy pillow: this day already counted (an earlier event that day): nothing added, still day 1 of 5"))
        s.press(.character("b"))
        #expect(feed(s).contains("AWARDED $50 gift card"))
        s.press(.character("b"))
        #expect(feed(s).contains("$50 gift card: the limit is reached: 1 award of this reward per user"))
        // A missed day breaks the run: the next log starts again at day 1, and says so in the rule's words.
        s.press(.character("n"), .character("n"), .character("l"))
        #expect(feed(s).contains("Pregnancy pillow: counted a new day: day 1 of 5"))
    }

    @Test func theSimulatorSaysWhenTheProgramHasEnded() throws {
        var s = try Fixture.state(.simulator)
        let ends = try #require(s.data.catalog.employers.first?.programs.first?.ends)
        while s.simulator.day <= ends { s.press(.character("n")) }
        s.press(.character("l"))
        #expect(feed(s).contains("after the program ended on \(Outcome.dayName(ends))"))
    }

    @Test func theUserPageWhyPaneShowsTheSelectedRewardsTimeline() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("u-1002")
        s.press(.enter)
        let page = try #require(s.users.profile)
        #expect(!feed(s).contains("Why ·"))
        s.press(.character("w"))
        let why = try #require(s.users.why)
        let text = feed(s)
        let reward = page.standings[s.users.whyReward]
        #expect(text.contains("Why · \(reward.reward) · \(reward.incentive) · \(reward.program)"))
        // Every award of the reward has its `earned` line in the pane's source, and the pane shows the latest line.
        let earned = why.lines.filter { if case .earned(let a) = $0.outcome { a.reward == reward.reward && a.program == reward.program } else { false } }
        #expect(earned.count == reward.awards)
        // j moves to the next reward; Esc closes the pane, then the page.
        let before = s.users.whyReward
        s.press(.character("j"))
        #expect(s.users.whyReward == min(before + 1, page.standings.count - 1))
        #expect(s.users.achievementSelected == 0, "j moves the reward while the pane is open, not the achievement")
        s.press(.escape)
        #expect(s.users.why == nil && s.users.profile != nil)
        s.press(.escape)
        #expect(s.users.profile == nil)
    }

    @Test func whyOnTheListOpensTheUserWithThePane() throws {
        var s = try Fixture.state(.users)
        s.press(.character("w"))
        #expect(s.users.profile != nil && s.users.why != nil)
    }

    /// Issue 20, item 9: acme-wellness-2026 (the demo) offers "$50 gift card" for log-5-days and for mood-4-of-7;
    /// wherever the console names a reward the two are told apart by their incentive: the Why pane's title, the
    /// user page's progress, the simulator's feed and reward table.
    @Test func twoRewardsOfOneNameInAProgramAreToldApartByTheirIncentive() throws {
        let demo = Binary.packageRoot + "/Assets/demo"
        TerminalEnvironment.prepareLocale()
        let data = try InMemoryConsoleData(catalogPath: demo + "/catalog.json", rosterPath: demo + "/roster.jsonl", eventsPath: demo + "/events.jsonl")
        var s = AppState(data: data, clock: Fixture.clock, screen: .users)
        s.press(.character("/"))
        s.type("u-00159")
        s.press(.enter)
        let page = try #require(s.users.profile)
        let gift = page.standings.enumerated().filter { $0.element.reward == "$50 gift card" && $0.element.program == "acme-wellness-2026" }
        #expect(Set(gift.map(\.element.incentive)) == ["log-5-days", "mood-4-of-7"])
        s.press(.character("w"))
        for _ in 0..<page.standings.count {
            let st = page.standings[s.users.whyReward]
            #expect(Fixture.text(s, 120, 40).contains("Why · \(st.reward) · \(st.incentive) · \(st.program)"), "\(st.reward) \(st.incentive)")
            s.press(.character("j"))
        }
        // The simulator: an Acme test user's log names both gift cards apart.
        var sim = AppState(data: data, clock: Fixture.clock, screen: .simulator)
        while sim.simulator.user?.employer != "acme" { sim.press(.character("e")) }
        sim.press(.character("d"))
        sim.type("2026-11-10")
        sim.press(.enter, .character("l"))
        let feed = sim.simulator.feed.map(\.text)
        #expect(feed.contains { $0.hasPrefix("  $50 gift card · log-5-days") }, "\(feed)")
        #expect(feed.contains { $0.hasPrefix("  $50 gift card · mood-4-of-7") }, "\(feed)")
        let screen = Fixture.text(sim, 200, 50)
        #expect(screen.contains("$50 gift card · log-5-days") && screen.contains("$50 gift card · mood-4-of-7"))
    }
}
