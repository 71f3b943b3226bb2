import IncentivesConsole
import IncentivesCore
import Testing

/// `/` on Programs narrows the list to the employers, programs and rewards that hold the typed text.
struct ProgramsFilterTests {
    private func programs(_ s: AppState) -> [String] { s.programs.rows.map(\.program.program.id) }

    @Test func theFilterNarrowsAsItIsTypedWithAVisiblePrompt() throws {
        var s = try Fixture.state(.programs)
        #expect(Fixture.text(s).contains("/ filter: (none)"))
        #expect(Fixture.text(s).contains("4 programs"))
        s.press(.character("/"))
        s.type("moms")
        #expect(s.programs.filter.editing)
        #expect(Fixture.text(s).contains("filter: moms"))
        #expect(programs(s) == ["globex-moms"])
        s.press(.enter)
        #expect(!s.programs.filter.editing)
        #expect(Fixture.text(s).contains("1 of 4 programs"))
        // `a` on the one row left lists that program's achievements (Enter opens its report).
        s.press(.character("a"))
        #expect(s.screen == .achievements)
        #expect(s.achievements.query.program == "globex-moms")
    }

    @Test func employersRewardsAndKindsMatchInAnyCase() throws {
        var s = try Fixture.state(.programs)
        func filter(_ text: String) -> [String] {
            s.press(.character("/"))
            for _ in 0..<40 { s.press(.backspace) }
            s.type(text)
            s.press(.enter)
            return programs(s)
        }
        #expect(filter("GLOBEX") == ["globex-moms", "globex-steps"], "an employer's name")
        #expect(filter("initech") == ["initech-care"], "an employer's id")
        #expect(filter("gift card") == ["acme-2026", "globex-moms"], "a reward")
        #expect(filter("steps-10") == ["globex-steps"], "an incentive")
        #expect(filter("single") == ["acme-2026", "initech-care"], "a rule's kind")
    }

    @Test func aFilterMatchingNothingSaysSo() throws {
        var s = try Fixture.state(.programs)
        s.press(.character("/"))
        s.type("pizza")
        s.press(.enter)
        #expect(programs(s).isEmpty)
        let text = Fixture.text(s)
        #expect(text.contains("No employer, program or reward matches \"pizza\"."))
        #expect(text.contains("0 of 4 programs"))
        // Enter and moves on an empty list do nothing harmful.
        s.press(.enter, .down, .character("G"))
        #expect(s.screen == .programs)
    }

    @Test func escCancelsTypingAndThenClearsTheFilter() throws {
        var s = try Fixture.state(.programs)
        s.press(.character("/"))
        s.type("acme")
        s.press(.enter)
        #expect(programs(s) == ["acme-2026"])
        // Esc while typing puts back the filter that was there.
        s.press(.character("/"))
        s.type("xyz")
        s.press(.escape)
        #expect(s.programs.filter.text == "acme")
        #expect(programs(s) == ["acme-2026"])
        // Esc then clears it; x does too.
        s.press(.escape)
        #expect(s.programs.filter.text.isEmpty && programs(s).count == 4)
        #expect(!s.quitting)
        s.press(.character("/"))
        s.type("globex")
        s.press(.enter, .character("x"))
        #expect(programs(s).count == 4)
    }

    @Test func theMatchingRewardStandsOut() throws {
        var s = try Fixture.state(.programs)
        s.press(.character("/"))
        s.type("meditation")
        s.press(.enter)
        #expect(programs(s) == ["initech-care"])
        let grid = AppView.render(s, width: 120, height: 40, glyphs: .unicode).grid
        let row = try #require(grid.text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("Meditation app month") })
        #expect(grid[1, row].style == .accent)
    }
}
