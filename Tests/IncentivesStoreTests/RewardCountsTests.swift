import Foundation
import IncentivesCore
@testable import IncentivesStore
import Testing

/// The Programs screen's counts per reward come from one index (schema 7), not from every achievement row,
/// and still count every achievement: the console's first frame depends on it.
struct RewardCountsTests {
    @Test(arguments: [false, true])
    func countsPerRewardReadOneIndexOnly(employer: Bool) throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 3_000)
        let db = dir.path("db.sqlite")
        _ = try Ingestor(store: try Fixtures.initStore(db, g.inputs)).ingest(path: g.inputs.events)
        let reader = try StoreReader(path: db)
        let sql = "EXPLAIN QUERY PLAN " + StoreReader.rewardCountsSQL(employer: employer)
        let plan = employer ? try reader.db.rows(sql, .text("acme"), map: { $0.text(3) }) : try reader.db.rows(sql, map: { $0.text(3) })
        #expect(plan.contains { $0.contains("COVERING INDEX achievements_menu") }, "\(plan)")
        #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "the index is already in group order: \(plan)")

        // And the counts are every achievement's.
        let rows = try reader.programs(employer: employer ? "acme" : nil)
        let total = try reader.db.integer("SELECT count(*) FROM achievements" + (employer ? " WHERE employer = 'acme'" : ""))
        #expect(rows.reduce(0) { $0 + $1.achievements } == total)
        #expect(total > 0)
    }
}
