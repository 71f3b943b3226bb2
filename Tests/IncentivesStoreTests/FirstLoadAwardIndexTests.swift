import Foundation
import IncentivesCore
@testable import IncentivesStore
@testable import IncentivesSQL
import Testing

/// A first load also builds the awards' look-up indexes at its end (`UserIndex.deferred`): each award used to land
/// in six of them as it was written, on the ingest's busiest thread. Readers must get the same answers while they
/// are missing, and they must be back however the ingest ended.
@Suite("first load: the awards' indexes built at its end")
struct FirstLoadAwardIndexTests {
    static func awardIndexes(_ path: String) throws -> Set<String> {
        Set(try StoreReader(path: path).db.rows("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'achievements' AND sql IS NOT NULL",
                                                map: { $0.text(0) }))
    }

    static let deferredAwardIndexes = Set(UserIndex.deferred.map(\.name).filter { $0.hasPrefix("achievements_") })

    @Test("dropped while a first load runs, the same answers by a scan, all back at its end")
    func firstLoad() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 50, events: 8_000, seed: 33)
        let expected = try Fixtures.replay(g.inputs)
        #expect(Self.deferredAwardIndexes.count == 6)
        var options = Ingestor.Options()
        options.batchLines = 500
        options.rebuildUserIndexFrom = 0
        let path = dir.path("db.sqlite")
        var missingDuring = 0, answersDuring = 0
        _ = try Ingestor(store: try Fixtures.initStore(path, g.inputs)).ingest(path: g.inputs.events, options: options, onProgress: { p in
            guard p.counts.read < g.eventLines.count, let reader = try? StoreReader(path: path),
                  let indexes = try? Self.awardIndexes(path) else { return }
            if indexes.isDisjoint(with: Self.deferredAwardIndexes) { missingDuring += 1 }
            // The same answer as a plain count, in one snapshot (the writer commits meanwhile).
            if let (page, count) = try? reader.db.snapshot({
                (try reader.achievements(AchievementQuery(user: "u3", limit: 10_000)),
                 try reader.db.integer("SELECT count(*) FROM achievements WHERE user = 'u3'"))
            }) {
                #expect(page.count == count)
                answersDuring += 1
            }
        })
        #expect(missingDuring > 0, "dropped while the file is read")
        #expect(answersDuring > 0)
        #expect(try Self.awardIndexes(path).isSuperset(of: Self.deferredAwardIndexes), "built in the last batch")
        #expect(try Fixtures.storedLines(path) == expected.lines)
    }

    @Test("an award index a killed first load left missing is built by the next writer that finds no ingest running")
    func repairedAfterAKill() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 3_000, seed: 9)
        let path = dir.path("db.sqlite")
        _ = try Ingestor(store: try Fixtures.initStore(path, g.inputs)).ingest(path: g.inputs.events)
        let before = try StoreReader(path: path).achievements(AchievementQuery(limit: 10_000))
        #expect(!before.isEmpty)
        try Store(path: path).db.execute("DROP INDEX achievements_menu; DROP INDEX achievements_reward")
        #expect(try StoreReader(path: path).achievements(AchievementQuery(limit: 10_000)).map(\.achievement.id) == before.map(\.achievement.id))

        let lock = try IngestLock(databasePath: path)
        _ = try Store(path: path)
        #expect(!(try Self.awardIndexes(path).contains("achievements_menu")), "left to the running ingest")
        lock.release()
        _ = try Store(path: path)
        #expect(try Self.awardIndexes(path).isSuperset(of: Self.deferredAwardIndexes))
    }
}
