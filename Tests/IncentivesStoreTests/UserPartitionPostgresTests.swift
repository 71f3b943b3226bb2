import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore
@testable import IncentivesPostgres

/// `UserPartition` is PostgreSQL's own hash partitioning of a text key, asked of a live server: the hash of ids of
/// every length (each tail of lookup3's 12-byte blocks, multi-byte UTF-8), and where the store's per-user tables
/// put each user after an ingest — the partition an `incentives work` lease covers (`PGWorker` evaluates
/// `events_pN` under lease N) is the shard `replay --threads 8` gives the user.
@Suite("One partition function: PostgreSQL's", .serialized, .timeLimit(.minutes(10)))
struct UserPartitionPostgresTests {
    let server: PostgresServer

    init() throws { server = try PostgresServer.shared() }

    @Test func theHashIsTheServersForIdsOfEveryLength() throws {
        let db = PostgresServer.name(of: try server.database("hash"))
        var rng = SplitMix64(seed: 27)
        let alphabet = Array("abcXYZ019-_.@ üé漢🙂")
        var ids: [String] = [""]
        for length in 1...40 {
            for _ in 0..<4 { ids.append(String((0..<length).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })) }
        }
        // Each id as a dollar-quoted literal (none holds a dollar sign), one row each, in order.
        let list = ids.map { "$q$\($0)$q$" }.joined(separator: ",")
        let r = try server.sql(db, "SELECT hashtextextended(u, \(Int64(bitPattern: UserPartition.seed))) FROM unnest(ARRAY[\(list)]::text[]) WITH ORDINALITY AS t(u, n) ORDER BY n")
        #expect(r.status == 0, "\(r.stderr)")
        let got = r.stdout.split(separator: "\n").map { Int64($0) }
        #expect(got.count == ids.count)
        for (id, server) in zip(ids, got) {
            #expect(Int64(bitPattern: UserPartition.hash(id) &- 0x49A0_F4DD_15E5_A8E3) == server, "\(id)")
        }
    }

    @Test func theStoresPartitionsAndTheWorkersLeasesFollowIt() throws {
        let url = try server.database("parts")
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 1_500, seed: 5)
        let binary = try Binary.located()
        let made = try runProcess(binary, ["init", "--db", url, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster])
        #expect(made.status == 0, "\(made.stderr)")
        let ingest = try runProcess(binary, ["ingest", "--db", url, "--events", g.inputs.events, "--workers", "2"])
        #expect(ingest.status == 0 || ingest.status == 65, "\(ingest.stderr)")
        let rows = try server.sql(PostgresServer.name(of: url), "SELECT DISTINCT user_id, tableoid::regclass::text FROM events ORDER BY 1")
        #expect(rows.status == 0, "\(rows.stderr)")
        let placed = rows.stdout.split(separator: "\n").map { $0.split(separator: "|", maxSplits: 1).map(String.init) }
        #expect(placed.count > 20)
        for row in placed {
            let user = try #require(row.first), table = try #require(row.last)
            #expect(table == PGSchema.partitionTable(UserPartition.of(user, among: PGSchema.partitions), of: "events"), "\(user)")
        }
    }
}
