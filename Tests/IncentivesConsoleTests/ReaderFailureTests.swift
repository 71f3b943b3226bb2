import Foundation
import IncentivesConsole
import IncentivesCore
import Testing

/// The console over a store whose reads fail (a file that vanished, a schema being changed): every screen
/// gets an empty answer instead of a crash, and a retry that fails says why.
struct ReaderFailureTests {
    struct Unavailable: Error, CustomStringConvertible { var description: String { "the store is unavailable" } }

    /// A reader that answers only with its catalog and fails every question.
    final class FailingReader: StoreReading, DeliveryRetrying {
        let catalog: Catalog
        init(catalog: Catalog) { self.catalog = catalog }
        func counts() throws -> StoreCounts { throw Unavailable() }
        func catalogVersions() throws -> [CatalogVersion] { throw Unavailable() }
        func programs(employer: String?) throws -> [ProgramReward] { throw Unavailable() }
        func user(_ id: String) throws -> Member? { throw Unavailable() }
        func members() throws -> [Member] { throw Unavailable() }
        func forEachEvent(afterSeq: Int64, _ body: (Int64, Event) throws -> Void) throws { throw Unavailable() }
        func users(_ query: UserQuery) throws -> [Member] { throw Unavailable() }
        func userCount(_ query: UserQuery) throws -> Int { throw Unavailable() }
        func profile(of id: String, today: LocalDate?, recentEvents: Int, achievementLimit: Int) throws -> UserProfile? { throw Unavailable() }
        func events(of user: String, limit: Int, beforeSeq: Int64?) throws -> [EventRecord] { throw Unavailable() }
        func event(id: String) throws -> EventRecord? { throw Unavailable() }
        func achievements(_ query: AchievementQuery) throws -> [AchievementRecord] { throw Unavailable() }
        func achievementCount(_ query: AchievementQuery) throws -> Int { throw Unavailable() }
        func achievement(id: String) throws -> AchievementRecord? { throw Unavailable() }
        func evidence(of achievementID: String) throws -> [EvidenceRecord] { throw Unavailable() }
        func changes(sinceEvent: Int64, sinceAchievement: Int64, sinceReject: Int64, limit: Int) throws -> StoreChanges { throw Unavailable() }
        func deliveries(failureLimit: Int) throws -> [PartnerDeliveries] { throw Unavailable() }
        func explain(user: String, today: LocalDate?, program: String?) throws -> Explanation? { throw Unavailable() }
        func retry(delivery id: String, at unixSeconds: Double) throws -> Bool { throw Unavailable() }
    }

    @Test func everyScreenGetsAnEmptyAnswerAndRetrySaysWhy() throws {
        let catalog = try Fixture.data().catalog
        let failing = FailingReader(catalog: catalog)
        let data = try ReaderConsoleData(sourceName: "gone.sqlite", open: { failing }, retry: failing)
        #expect(data.searchUsers(prefix: "", limit: 10).isEmpty)
        #expect(data.users(UserQuery(idContains: "10")) == UserList(rows: [], total: 0))
        #expect(data.userPage(id: "u-1002", today: Fixture.clock.today) == nil)
        #expect(data.achievements(AchievementQuery()).total == 0)
        #expect(data.changes(since: .start, limit: 10).events.isEmpty)
        #expect(data.deliveries().isEmpty)
        // The overview still lists the catalog's programs, with nothing counted.
        #expect(data.programsOverview().flatMap(\.programs).allSatisfy { $0.achievements == 0 && $0.enrolled == 0 })
        guard case .failure(let why) = data.retryDelivery(id: "p:ach-1") else { Issue.record("a failed retry reported success"); return }
        #expect(why.message == "the store is unavailable")
        // And the app over it draws a frame on every screen without crashing.
        var state = AppState(data: data, clock: Fixture.clock)
        for screen in ScreenID.allCases {
            state.screen = screen
            _ = Fixture.text(state, 100, 30)
        }
    }

    @Test func aReaderThatCannotOpenIsAnError() {
        #expect(throws: Unavailable.self) {
            _ = try ReaderConsoleData(sourceName: "gone.sqlite", open: { throw Unavailable() }, retry: FailingReader(catalog: Catalog(incentives: [], employers: [], partners: [])))
        }
    }
}
