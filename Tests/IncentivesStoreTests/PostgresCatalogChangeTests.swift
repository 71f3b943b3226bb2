import Foundation
import IncentivesCore
import IncentivesStore
import IncentivesPostgres
import Testing

/// What the workers change for a catalog change and for the Live feed on PostgreSQL.
@Suite("PostgreSQL: catalog changes and the Live feed with workers", .timeLimit(.minutes(10)))
struct PostgresCatalogChangeTests {
    let server: PostgresServer
    let bin: String

    init() throws {
        server = try PostgresServer.shared()
        bin = try #require(Binary.path)
    }

    /// A catalog change waits until the workers have evaluated every stored event: those events count under the
    /// catalog they arrived under, and a backfill over them would count them twice.
    @Test func aCatalogChangeWaitsForTheInboxToBeEvaluated() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 2_000)
        let db = try server.database("change")
        #expect(try runProcess(bin, ["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        let queued = try runProcess(bin, ["ingest", "--db", db, "--events", g.inputs.events, "--inbox-only"])
        #expect(queued.status == 0 || queued.status == 65, "\(queued.stderr)")
        let proposed = dir.write("proposed.json", PreviewTests.proposed)

        let refused = try runProcess(bin, ["init", "--db", db, "--catalog", proposed, "--roster", g.inputs.roster, "--backfill"])
        #expect(refused.status == 75)
        #expect(refused.stderr.contains("stored events are not evaluated yet; run `incentives work --until-drained` first"), "\(refused.stderr)")
        #expect(try server.sql(PostgresServer.name(of: db), "SELECT count(*) FROM catalog_versions").stdout == "1\n", "nothing of the change stored")
        // The roster alone (no catalog change) is never held up.
        #expect(try runProcess(bin, ["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)

        #expect(try runProcess(bin, ["work", "--db", db, "--until-drained", "--quiet"]).status == 0)
        let applied = try runProcess(bin, ["init", "--db", db, "--catalog", proposed, "--roster", g.inputs.roster, "--backfill"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("catalog version 2"))
    }

    /// Workers commit awards out of replay's order (`seq`); the Live feed follows the order they were recorded in,
    /// so paging through `changes` from the start finds every award once, however the workers interleaved.
    @Test func theLiveFeedFindsEveryAwardOnceWithTwoWorkers() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 6_000)
        let db = try server.database("feed")
        #expect(try runProcess(bin, ["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        let ingest = try runProcess(bin, ["ingest", "--db", db, "--events", g.inputs.events, "--workers", "2", "--batch", "500"])
        #expect(ingest.status == 0 || ingest.status == 65, "\(ingest.stderr)")

        let reader = try PGStoreReader(url: db)
        let counts = try reader.counts()
        #expect(counts.achievements > 20)
        #expect(counts.lastAchievementSeq == Int64(counts.achievements), "recorded numbers are dense: the feed's skipped count is right")
        var cursor: Int64 = 0
        var seen: [String] = []
        while true {
            let page = try reader.changes(sinceEvent: Int64.max - 1, sinceAchievement: cursor, sinceReject: Int64.max - 1, limit: 7)
            if page.achievements.isEmpty { break }
            #expect(page.lastAchievementSeq > cursor)
            cursor = page.lastAchievementSeq
            seen += page.achievements.map(\.achievement.id)
        }
        #expect(seen.count == counts.achievements)
        #expect(Set(seen).count == seen.count, "no award twice")
    }

    /// After a bulk ingest the planner has statistics at once (not when autovacuum comes by), so a page of awards
    /// "completed since" a day that none reaches is a look-up, not a walk over every award.
    @Test func anIngestLeavesThePlannerStatistics() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 2_000)
        let db = try server.database("stats")
        let name = PostgresServer.name(of: db)
        #expect(try runProcess(bin, ["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        let ingest = try runProcess(bin, ["ingest", "--db", db, "--events", g.inputs.events])
        #expect(ingest.status == 0 || ingest.status == 65, "\(ingest.stderr)")
        let analysed = try server.sql(name, """
            SELECT count(*) FROM pg_stat_user_tables WHERE relname LIKE 'achievements_p%' AND last_analyze IS NOT NULL
            """).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(analysed == "8", "every partition of achievements analysed: \(analysed)")
        // Statistics for the columns pages filter and sort on, on the table a page reads; none for the wide ones.
        func statistics(_ column: String) throws -> String {
            try server.sql(name, "SELECT count(*) FROM pg_stats WHERE tablename = 'achievements' AND attname = '\(column)'")
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try statistics("completed_on") == "1")
        #expect(try statistics("employer") == "1")
        #expect(try statistics("json") == "0")
    }

    /// Two `init`s at once, on an empty database (both migrate) and then with a changed catalog: each ends 0 or 75
    /// with a message, the schema is made once, and the change is one version, whole.
    @Test func twoInitsAtOnce() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 3_000)
        let db = try server.database("twice")
        let name = PostgresServer.name(of: db)
        func both(_ args: [String]) -> [ProcessOutput?] {
            let results = ConcurrentResults()
            DispatchQueue.concurrentPerform(iterations: 2) { _ in results.add(try? runProcess(bin, args)) }
            return results.all
        }
        let first = both(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster])
        for r in first {
            #expect(r?.status == 0 || r?.status == 75, "\(r?.stderr ?? "no process")")
            if r?.status == 75 { #expect(r?.stderr.contains("is running on this database") == true, "\(r?.stderr ?? "")") }
        }
        #expect(first.contains { $0?.status == 0 })
        #expect(try server.sql(name, "SELECT count(*) FROM catalog_versions").stdout == "1\n")
        let ingest = try runProcess(bin, ["ingest", "--db", db, "--events", g.inputs.events])
        #expect(ingest.status == 0 || ingest.status == 65, "\(ingest.stderr)")

        let proposed = dir.write("proposed.json", PreviewTests.proposed)
        let changed = both(["init", "--db", db, "--catalog", proposed, "--roster", g.inputs.roster])
        for r in changed { #expect(r?.status == 0 || r?.status == 75, "\(r?.stderr ?? "no process")") }
        #expect(changed.contains { $0?.stdout.contains("catalog version 2") == true })
        #expect(try server.sql(name, "SELECT count(*) FROM catalog_versions").stdout == "2\n", "one change, one version")
    }
}
