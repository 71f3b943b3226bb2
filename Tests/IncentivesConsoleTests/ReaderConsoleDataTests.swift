import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesStore
import XCTest

/// The store adapter answers the screens' questions as the in-memory data does, for the same files
/// loaded with `incentives init` and `incentives ingest`.
final class ReaderConsoleDataTests: XCTestCase {
    nonisolated(unsafe) static var database: String? // XCTest runs these tests one at a time
    /// Where that database lives, for the whole run (the tests share it).
    nonisolated(unsafe) static var folder: TempDir?

    func storeData() throws -> ReaderConsoleData {
        if Self.database == nil {
            let dir = TempDir(prefix: "console-store")
            let db = dir.path("i.sqlite")
            let f = Fixture.directory
            for args in [["init", "--db", db, "--catalog", f + "/catalog.json", "--roster", f + "/roster.jsonl"],
                         ["ingest", "--db", db, "--events", f + "/events.jsonl"]] {
                XCTAssertEqual(try Binary.run(args).status, 0, "incentives \(args[0])")
            }
            Self.folder = dir
            Self.database = db
        }
        let path = Self.database!
        return try ReaderConsoleData(sourceName: path, open: { try StoreReader(path: path) }, retry: StoreDeliveryRetry(path: path))
    }

    func testProgramsMatchTheEngine() throws {
        let store = try storeData(), memory = try Fixture.data()
        func summary(_ d: any ConsoleData) -> [String] {
            d.programsOverview().flatMap { e in e.programs.map { "\(e.employer.id) \(e.users) \($0.program.id) \($0.achievements)" } }
        }
        XCTAssertEqual(summary(store), summary(memory))
        XCTAssertTrue(summary(store).contains { !$0.hasSuffix(" 0") })
    }

    func testUserProfileAndAchievementsMatch() throws {
        let store = try storeData(), memory = try Fixture.data()
        let today = Fixture.clock.today
        let a = try XCTUnwrap(store.userPage(id: "u-1002", today: today))
        let b = try XCTUnwrap(memory.userPage(id: "u-1002", today: today))
        XCTAssertEqual(a.standings, b.standings)
        XCTAssertEqual(a.achievements.map(\.achievement.id), b.achievements.map(\.achievement.id))
        XCTAssertEqual(a.loggedDays, b.loggedDays)
        XCTAssertEqual(a.evidenceDays, b.evidenceDays)
        XCTAssertFalse(a.evidenceDays.isEmpty)
        XCTAssertNil(store.userPage(id: "nobody", today: today))
        XCTAssertEqual(store.achievements(AchievementQuery()).total, memory.achievements(AchievementQuery()).total)
        let first = try XCTUnwrap(store.achievements(AchievementQuery()).rows.first)
        XCTAssertEqual(store.evidence(of: first).map(\.event.id), first.achievement.evidence)
    }

    /// Every sort, both ways, gives the same rows from the store as in memory, and each is really sorted by
    /// its key (ties in recording order, reversed with the rest): `by program` and `by reward` used to come back
    /// in recorded order from the store, and `r` reversed only `by recorded`.
    func testEverySortAndItsReverseAgreeAndAreSorted() throws {
        let store = try storeData(), memory = try Fixture.data()
        for sort in AchievementQuery.Order.allCases {
            var previous: [String]?
            for descending in [false, true] {
                var q = AchievementQuery()
                q.order = sort
                q.descending = descending
                q.limit = 10_000
                let a = store.achievements(q).rows, b = memory.achievements(q).rows
                XCTAssertEqual(a.map(\.achievement.id), b.map(\.achievement.id), "\(sort) descending \(descending)")
                func key(_ r: AchievementRecord) -> String {
                    switch sort {
                    case .recorded, .newest: return ""
                    case .completed: return r.achievement.completedOn.iso
                    case .user: return r.achievement.user
                    case .program: return r.achievement.program
                    case .reward: return r.achievement.reward
                    }
                }
                let keys = a.map(key)
                XCTAssertEqual(keys, descending ? keys.sorted(by: >) : keys.sorted(), "\(sort) descending \(descending)")
                let ids = a.map(\.achievement.id)
                if let previous { XCTAssertEqual(ids, previous.reversed(), "\(sort): r reverses the whole list") }
                previous = ids
                XCTAssertGreaterThan(a.count, 5)
            }
        }
    }

    func testLiveChangesFollowTheCursor() throws {
        let store = try storeData()
        let start = store.changes(since: .start, limit: 10)
        XCTAssertEqual(start.events.count, 10)
        XCTAssertEqual(start.totalEvents, 1007)
        let next = store.changes(since: start.cursor, limit: 10)
        XCTAssertTrue(next.events.isEmpty, "nothing new after the latest")
        // Far behind (a fast ingest): the newest ten at once, the rest counted.
        let behind = store.changes(since: LiveCursor(event: 3, achievement: 2), limit: 10)
        XCTAssertEqual(behind.events.map(\.seq), start.events.map(\.seq))
        XCTAssertEqual(behind.skipped, (1007 - 3 - 10) + (start.totalAchievements - 2 - 10))
    }
}
