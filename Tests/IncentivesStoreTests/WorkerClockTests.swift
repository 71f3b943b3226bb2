import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore
@testable import IncentivesPostgres

/// A worker reads the time at each write (the clock port, #22): a long-running worker stamped every outbox row with
/// the moment it started. Here the clock is moved between two batches, and each batch's rows carry their own time.
@Suite("PostgreSQL workers stamp rows with the time they write them", .timeLimit(.minutes(5)))
struct WorkerClockTests {
    @Test func eachBatchsOutboxRowsCarryTheTimeOfThatBatch() throws {
        let server = try PostgresServer.shared()
        let binary = try Binary.located()
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 2_000, seed: 9)
        let db = try server.database()
        #expect(try runProcess(binary, ["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        let chunks = g.chunks(2, in: dir)
        let clock = ManualClock(1_800_000_000)
        let store = try PGStore(url: db)
        var drain = PGWorker.Options()
        drain.untilDrained = true
        // One worker for both batches: a time read once at its start would stamp both with the first.
        let worker = try PGWorker(store: store, clock: clock)
        for (i, chunk) in chunks.enumerated() {
            let r = try runProcess(binary, ["ingest", "--db", db, "--events", chunk, "--inbox-only"])
            #expect(r.status == 0 || r.status == 65, "\(r.stderr)")
            _ = try worker.run(drain)
            if i == 0 { clock.advance(by: 3_600) }
        }
        let name = PostgresServer.name(of: db)
        let times = try server.sql(name, "SELECT DISTINCT created_at::bigint FROM deliveries ORDER BY 1").stdout
            .split(separator: "\n").map(String.init)
        #expect(times == ["1800000000", "1800003600"], "one time per batch, the clock's at that batch: \(times)")
    }
}
