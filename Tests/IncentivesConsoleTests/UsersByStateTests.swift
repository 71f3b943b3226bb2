import IncentivesConsole
import IncentivesCore
import Testing

/// `f` on Users (issue 20: "find users by state"): the presets in turn, narrowing what the search box found, and
/// backing out one level at a time.
@Suite struct UsersByStateTests {
    static let today = LocalDate(iso: "2026-11-25")!

    @Test func fNarrowsWhatTheSearchFound() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("employer:acme")
        s.press(.enter)
        let acme = s.users.list.total
        s.press(.character("f"))
        let expected = s.data.users(UserQuery(employer: "acme"), in: .loggedWithoutAward(days: 5), today: Self.today)
        #expect(s.users.results.map(\.id) == expected.rows.map(\.id))
        #expect(s.users.list.total == expected.total && expected.total < acme)
        #expect(s.users.results.allSatisfy { $0.employer == "acme" })
        let everyone = s.data.users(UserQuery(), in: .loggedWithoutAward(days: 5), today: Self.today).total
        #expect(everyone > expected.total, "the words still apply")
    }

    @Test func escBacksOutOfTheStateThenTheWords() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("u-10")
        s.press(.enter)
        s.press(.character("f"))
        #expect(s.users.state != nil)
        s.press(.escape)
        #expect(s.users.state == nil && s.users.search.text == "u-10")
        s.press(.escape)
        #expect(s.users.search.text.isEmpty)
    }

    /// `+` and `-` move the filter's number of days (never below 1), and the list follows.
    @Test func plusAndMinusMoveTheDays() throws {
        var s = try Fixture.state(.users)
        s.press(.character("f"), .character("+"))
        #expect(s.users.state == .loggedWithoutAward(days: 6))
        #expect(s.users.list.total == s.data.users(UserQuery(), in: .loggedWithoutAward(days: 6), today: Self.today).total)
        #expect(Fixture.text(s, 120, 40).contains("state: logged ≥ 6 days, no award on Wed 25 Nov"))
        for _ in 0..<10 { s.press(.character("-")) }
        #expect(s.users.state == .loggedWithoutAward(days: 1))
        s.press(.character("f"), .character("+"))
        #expect(s.users.state == .nearAward(days: 2))
        #expect(s.users.list.total == s.data.users(UserQuery(), in: .nearAward(days: 2), today: Self.today).total)
    }

    /// `f` on a user's page goes back to the list, narrowed.
    @Test func fOnAUsersPageGoesBackToTheList() throws {
        var s = try Fixture.state(.users)
        s.press(.enter)
        #expect(s.users.profile != nil)
        s.press(.character("f"))
        #expect(s.users.profile == nil && s.users.state == .loggedWithoutAward(days: 5))
    }
}
