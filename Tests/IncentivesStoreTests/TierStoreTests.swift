import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore

/// Points and tiers through the stores (CONTRACT §3 "Tiers"): a user's program total is part of saved progress, so
/// chunked ingests, small batches, users dropped from memory between batches and PostgreSQL's workers all store
/// exactly `replay`'s lines, tiers included, and tiers reach partners like any award.
@Suite("Points and tiers in the stores", .timeLimit(.minutes(10)))
struct TierStoreTests {
    let binary: String

    init() throws { binary = try Binary.located() }

    func run(_ args: [String]) throws -> ProcessOutput { try runProcess(binary, args) }

    func replay(_ inputs: Inputs) throws -> ProcessOutput {
        try run(["replay", "--catalog", inputs.catalog, "--roster", inputs.roster, "--events", inputs.events])
    }

    func listed(_ db: String, _ extra: [String] = []) throws -> String {
        let r = try run(["achievements", "--db", db, "--format", "jsonl"] + extra)
        #expect(r.status == 0, "\(r.stderr)")
        return Fixtures.contractLines(r.stdout)
    }

    static func tierLines(_ text: String) -> [Substring] { text.split(separator: "\n").filter { $0.contains(#""tier":"#) } }

    @Test func theContractsPointsCaseThroughInitAndIngestIsReplays() throws {
        let points = try #require(ContractCases.all.first { $0.name == "proposed/16-points-and-tiers" }, "the contract's points case")
        let inputs = Inputs(catalog: points.catalog, roster: points.roster, events: points.events)
        let replay = try replay(inputs)
        #expect(replay.status == 0)
        #expect(Self.tierLines(replay.stdout).count == 2)
        let tmp = TempDir()
        let db = tmp.path("db.sqlite")
        #expect(try run(["init", "--db", db, "--catalog", inputs.catalog, "--roster", inputs.roster]).status == 0)
        let ingest = try run(["ingest", "--db", db, "--events", inputs.events, "--batch", "1"])
        #expect(ingest.status == 0)
        #expect(ingest.stderr == replay.stderr)
        #expect(try listed(db) == replay.stdout)
        // `achievements --tier` lists the tiers alone; `user` shows the total and the next tier.
        #expect(try listed(db, ["--tier", "silver"]) == Self.tierLines(replay.stdout).filter { $0.contains(#""tier":"silver""#) }.map { $0 + "\n" }.joined())
        // A tier no catalog and no stored award has is a typo (66, with the nearest), as for --program.
        let typo = try run(["achievements", "--db", db, "--tier", "silvr"])
        #expect(typo.status == 66, "\(typo.stderr)")
        #expect(typo.stderr.contains(#"no tier "silvr" in the catalog; did you mean silver?"#), "\(typo.stderr)")
        let user = try run(["user", "tess", "--db", db])
        #expect(user.status == 0)
        #expect(user.stdout.contains("100 of 200 points to gold"), "\(user.stdout)")
        #expect(user.stdout.contains("bronze, silver"))
    }

    @Test func aGeneratedPointsFileInSmallBatchesAndInChunksStoresReplaysLines() throws {
        let tmp = TempDir()
        let g = Generated.make(in: tmp, users: 60, events: 6_000, seed: 7, points: true)
        let replay = try replay(g.inputs)
        let tiers = Self.tierLines(replay.stdout)
        #expect(tiers.count > 20, "the generated world reaches tiers")
        for tier in ["bronze", "silver", "t20", "t45"] {
            #expect(tiers.contains { $0.contains(#""tier":"\#(tier)""#) }, "someone reaches \(tier)")
        }

        let whole = tmp.path("whole.sqlite")
        #expect(try run(["init", "--db", whole, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        let one = try run(["ingest", "--db", whole, "--events", g.inputs.events, "--batch", "97"])
        #expect(one.status == replay.status)
        #expect(one.stderr == replay.stderr)
        #expect(try listed(whole) == replay.stdout)

        let chunked = tmp.path("chunked.sqlite")
        #expect(try run(["init", "--db", chunked, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        for chunk in g.chunks(9, in: tmp) {
            let r = try run(["ingest", "--db", chunked, "--events", chunk, "--batch", "50"])
            #expect(r.status == 0 || r.status == 65, "\(r.stderr)")
        }
        #expect(try listed(chunked) == replay.stdout)

        // Tiers reach the partners that serve their rewards: `cards` serves every acme reward.
        let reader = try StoreReader(path: chunked)
        let acmeTiers = tiers.filter { $0.contains(#""employer":"acme""#) }.count
        #expect(acmeTiers > 0)
        let outbox = try reader.db.integer("SELECT count(*) FROM deliveries d JOIN achievements a ON a.id = d.achievement_id WHERE a.tier <> '' AND d.partner = 'cards'")
        #expect(outbox == acmeTiers)
    }

    @Test("a generated points file on PostgreSQL with 1 and 2 workers: replay's lines, tiers included", arguments: [1, 2])
    func postgresWorkersStoreReplaysTiers(workers: Int) throws {
        let server = try PostgresServer.shared()
        let tmp = TempDir()
        let g = Generated.make(in: tmp, users: 60, events: 5_000, seed: 5, points: true)
        let replay = try replay(g.inputs)
        #expect(Self.tierLines(replay.stdout).count > 20)
        let db = try server.database()
        #expect(try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        let ingest = try run(["ingest", "--db", db, "--events", g.inputs.events, "--batch", "400", "--workers", String(workers), "--work-batch", "30"])
        #expect(ingest.status == replay.status)
        #expect(ingest.stderr == replay.stderr)
        #expect(try listed(db) == replay.stdout)
    }

    @Test func previewCountsEachTierAsReplayingTheProposalWould() throws {
        let tmp = TempDir()
        let g = Generated.make(in: tmp, users: 60, events: 6_000, seed: 3, points: true)
        let db = tmp.path("db.sqlite")
        #expect(try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        #expect([0, 65].contains(try run(["ingest", "--db", db, "--events", g.inputs.events]).status))
        // The proposal raises silver from 90 to 200 points and lowers Coffee's from 10 to 5.
        let text = Generated.pointsCatalog.replacingOccurrences(of: #""points": 90"#, with: #""points": 200"#)
            .replacingOccurrences(of: #""limit": 6, "points": 10"#, with: #""limit": 6, "points": 5"#)
        #expect(text != Generated.pointsCatalog)
        let proposed = Inputs(catalog: tmp.write("proposed.json", text), roster: g.inputs.roster, events: g.inputs.events)
        func count(_ out: String, _ tier: String) -> Int { out.split(separator: "\n").filter { $0.contains(#""tier":"\#(tier)""#) }.count }
        let now = try replay(g.inputs).stdout, then = try replay(proposed).stdout
        #expect(count(now, "silver") != count(then, "silver"), "the proposal changes who reaches silver")
        let preview = try run(["preview", "--db", db, "--catalog", proposed.catalog, "--format", "jsonl"])
        #expect(preview.status == 0, "\(preview.stderr)")
        for tier in ["bronze", "silver", "t20", "t45"] {
            let row = try #require(preview.stdout.split(separator: "\n").first { $0.contains(#""incentive":"tier:\#(tier)""#) }, "a row for \(tier)")
            #expect(row.contains(#""current":\#(count(now, tier)),"#), "\(row)")
            #expect(row.contains(#""proposed":\#(count(then, tier)),"#), "\(row)")
        }
    }
}
