import Foundation
import IncentivesConsole
import IncentivesCore
import Testing

/// The Users screen finds users by part of an id, by employer and by zone, and lists any number of them: a page
/// at a time as the selection moves, `G` on the real last row.
struct UserSearchTests {
    /// The fixture's catalog with `count` users: ids `u-00001`..., employers acme, globex, initech and none in
    /// turn, zones from a list of eight in turn.
    static func bigData(_ count: Int = 10_000) throws -> InMemoryConsoleData {
        let catalog = try Fixture.data().catalog
        let employers: [String?] = ["acme", "globex", "initech", nil]
        let zones = ["America/Chicago", "Europe/Paris", "Asia/Tokyo", "UTC", "Europe/London", "Asia/Kolkata", "Pacific/Auckland", "America/New_York"]
        let members = (1...count).map { i in
            Member(id: "u-" + String(repeating: "0", count: 5 - String(i).count) + String(i), employer: employers[i % 4], timezone: zones[i % 8],
                   eligibleFrom: LocalDate(iso: "2026-01-01")!, eligibleUntil: nil)
        }
        return try InMemoryConsoleData(catalog: catalog, roster: Roster(members: members), sourceName: "big")
    }

    static func state(_ data: any ConsoleData) -> AppState {
        TerminalEnvironment.prepareLocale()
        return AppState(data: data, clock: Fixture.clock, screen: .users)
    }

    /// The window of loaded rows is always a contiguous run of the whole list.
    static func windowIsContiguous(_ s: UsersState, all: [Member]) -> Bool {
        Array(all[s.firstRow..<(s.firstRow + s.results.count)]) == s.results
    }

    @Test func tenThousandUsersPageWithNoCapAndGReachesTheLast() throws {
        let data = try Self.bigData()
        let all = data.users(UserQuery()).rows
        #expect(all.count == 10_000)
        var s = Self.state(data)
        #expect(s.users.results.count == 200, "one page at first")
        #expect(s.users.list.total == 10_000)
        #expect(Fixture.text(s, 120, 40).contains("10000 users"))
        #expect(Fixture.text(s, 120, 40).contains(" 1/10000"))
        // Moving down loads the next page before the selection reaches the end of what is loaded.
        for _ in 0..<195 { s.press(.down) }
        #expect(s.users.selected == 195)
        #expect(s.users.results.count == 400)
        #expect(s.users.selectedMember?.id == all[195].id)
        #expect(Self.windowIsContiguous(s.users, all: all))
        // G: the real last row, without loading the 9,600 in between.
        s.press(.character("G"))
        #expect(s.users.selected == 9_999)
        #expect(s.users.selectedMember?.id == "u-10000")
        #expect(s.users.results.count <= 400)
        #expect(Self.windowIsContiguous(s.users, all: all))
        let text = Fixture.text(s, 120, 40)
        #expect(text.contains("u-10000"))
        #expect(text.contains(" 10000/10000"))
        // Going back up from the end loads the pages before the window.
        for _ in 0..<250 { s.press(.up) }
        #expect(s.users.selected == 9_749)
        #expect(s.users.selectedMember?.id == all[9_749].id)
        #expect(Self.windowIsContiguous(s.users, all: all))
        // g: the first row again.
        s.press(.character("g"))
        #expect(s.users.selected == 0 && s.users.firstRow == 0)
        #expect(s.users.selectedMember?.id == "u-00001")
        // Enter opens the user the selection shows.
        s.press(.character("G"), .enter)
        #expect(s.users.profile?.member.id == "u-10000")
    }

    @Test func gLoadsTheRestWhenItIsNear() throws {
        let data = try Self.bigData()
        var s = Self.state(data)
        s.press(.character("/"))
        s.type("zone:europe/paris")
        s.press(.enter)
        #expect(s.users.list.total == 1_250)
        #expect(s.users.results.count == 200)
        s.press(.character("G"))
        #expect(s.users.results.count == 1_250, "the rest loaded: 1,050 rows is near enough")
        #expect(s.users.selected == 1_249)
        #expect(s.users.results.allSatisfy { $0.timezone == "Europe/Paris" })
    }

    @Test func searchByPartOfAnIdByEmployerAndByZone() throws {
        var s = try Fixture.state(.users)
        func search(_ text: String) -> [String] {
            s.press(.character("/"))
            s.type(text)
            s.press(.enter)
            if s.users.profile != nil { s.press(.escape) }
            return s.users.results.map(\.id)
        }
        // Part of an id, anywhere in it (not only at the start).
        #expect(search("07") == ["u-1007"])
        #expect(search("1").count == 16)
        #expect(search("employer:globex") == ["u-1002", "u-1006", "u-1010", "u-1014"])
        // A zone by any part of its name, in any case.
        #expect(search("zone:europe/london") == ["u-1003", "u-1009", "u-1015"])
        #expect(search("zone:London employer:initech") == ["u-1003", "u-1015"])
        #expect(search("id:101 zone:tokyo") == ["u-1010", "u-1016"])
        #expect(s.users.filterError == nil)
        let text = Fixture.text(s, 80, 24)
        #expect(text.contains("search: id:101 zone:tokyo"))
        #expect(text.contains("2 users"))
    }

    @Test func oneMatchOpensTheUser() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("1013")
        s.press(.enter)
        #expect(s.users.profile?.member.id == "u-1013")
    }

    @Test func aSearchMatchingNothingSaysSoAndAWrongFilterSaysWhy() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("zzz")
        s.press(.enter)
        #expect(s.users.results.isEmpty)
        #expect(Fixture.text(s).contains("No user matches \"zzz\"."))
        #expect(Fixture.text(s).contains("0 users"))

        s.press(.character("/"))
        s.type("employer:acmee")
        s.press(.enter)
        #expect(s.users.filterError == "no employer \"acmee\" in the catalog (acme, globex, initech)")
        #expect(Fixture.text(s).contains("no employer \"acmee\" in the catalog"))
        #expect(Fixture.text(s).contains("No user matches \"employer:acmee\"."))

        s.press(.character("/"))
        s.type("team:blue")
        s.press(.enter)
        #expect(s.users.filterError == "team: is not a filter; searching ids for \"team:blue\" (filters: employer: zone: id:)")
        // Esc clears the search: every user again.
        s.press(.escape)
        #expect(s.users.results.count == 16 && s.users.filterError == nil)
    }

    /// While typing, the cursor is a reversed cell, not an underscore: `00_` reads as what was typed.
    @Test func theCursorIsAReversedCellNotAnUnderscore() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("00_")
        let grid = AppView.render(s, width: 80, height: 24, glyphs: .unicode).grid
        let line = grid.text.split(separator: "\n", omittingEmptySubsequences: false)[2]
        #expect(line.hasPrefix(" / search: 00_ "))
        let cursor = 1 + "/ search: 00_".count
        #expect(grid[cursor, 2].style == .selected && grid[cursor, 2].character == " ")
    }

    /// The in-memory data and the query model agree on what `%`, `_`, case and non-ASCII letters mean.
    @Test func substringsAreLiteralAndFoldOnlyASCIICase() {
        #expect(UserQuery.contains("a%b", "%"))
        #expect(!UserQuery.contains("ab", "%"))
        #expect(UserQuery.contains("A_B", "a_b"))
        #expect(!UserQuery.contains("axb", "a_b"))
        #expect(!UserQuery.contains("Äbc", "äb"), "only ASCII letters fold, as SQLite's lower()")
        #expect(UserQuery.contains("Europe/Paris", "PARIS"))
        #expect(UserQuery(idPrefix: "u-1").matches(Member(id: "u-10", employer: nil, timezone: "UTC", eligibleFrom: LocalDate(iso: "2026-01-01")!, eligibleUntil: nil)))
    }
}
