import Foundation
import IncentivesCore
@testable import IncentivesStore
import Testing

/// Reads the console makes on every frame or key answer from one index (schema 7) instead of every row:
/// the Programs overview's counts per reward (the first frame) and the user search (every key typed).
struct CoveringIndexTests {
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

    @Test(arguments: [
        UserQuery(idContains: "U1"),
        UserQuery(idContains: "1", employer: "acme"),
        UserQuery(zone: "tokyo"),
        UserQuery(idContains: "2", zone: "paris"),
    ])
    func aSubstringSearchReadsTheSearchIndexAndFindsWhatMemoryFinds(_ query: UserQuery) throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 500)
        let db = dir.path("db.sqlite")
        _ = try Ingestor(store: try Fixtures.initStore(db, g.inputs)).ingest(path: g.inputs.events)
        let reader = try StoreReader(path: db)
        let members = try reader.members()
        let expected = members.filter(query.matches).map(\.id).sorted()
        #expect(!expected.isEmpty, "the search finds someone")
        #expect(try reader.userCount(query) == expected.count)
        #expect(try reader.users(query).map(\.id) == expected)
        // Paged: a window in the middle, by offset and by keyset.
        var window = query
        window.offset = 1
        window.limit = 2
        #expect(try reader.users(window).map(\.id) == Array(expected.dropFirst(1).prefix(2)))
        var after = query
        after.afterID = expected[0]
        #expect(try reader.users(after).map(\.id) == Array(expected.dropFirst()))

        let plan = try reader.db.rows("EXPLAIN QUERY PLAN SELECT count(*) FROM members INDEXED BY members_search WHERE instr(lower(id), 'u1') > 0",
                                      map: { $0.text(3) })
        #expect(plan.contains { $0.contains("COVERING INDEX members_search") }, "\(plan)")
    }
}
