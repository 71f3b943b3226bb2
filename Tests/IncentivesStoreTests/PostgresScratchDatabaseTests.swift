import Foundation
import IncentivesStore
import IncentivesPostgres
import Testing
import IncentivesSQL

/// `bench postgres` measures in scratch databases it makes beside the one its URL names: made fresh each run,
/// and only ever a database named `…_bench_LABEL` is dropped.
@Suite(.timeLimit(.minutes(10)))
struct PostgresScratchDatabaseTests {
    @Test func aScratchDatabaseIsMadeFreshBesideTheNamedOneAndNothingElseIsTouched() throws {
        let server = try PostgresServer.shared()
        let real = try server.database("real")
        _ = try server.sql(PostgresServer.name(of: real), "CREATE TABLE kept (x int); INSERT INTO kept VALUES (1)")

        let scratch = try PGScratchDatabase.recreate("w2", beside: real)
        let name = PostgresServer.name(of: scratch)
        #expect(name == PostgresServer.name(of: real) + "_bench_w2")
        _ = try server.sql(name, "CREATE TABLE leftover (x int)")
        // Again: the leftovers are gone, even with a session still open in it.
        let open = try PGStoreReaderProbe(scratch)
        // The session is open before the database is made again (waited for, not slept for): the race under test happens.
        var sessions = 0
        for _ in 0..<400 where sessions == 0 {
            sessions = Int(try server.sql(PostgresServer.name(of: real), "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(name)'")
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            if sessions == 0 { usleep(50_000) }
        }
        try #require(sessions > 0, "the probe's session never opened in \(name)")
        let again = try PGScratchDatabase.recreate("w2", beside: real)
        #expect(again == scratch)
        #expect(try server.sql(name, "SELECT count(*) FROM pg_tables WHERE tablename = 'leftover'").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        #expect(try server.sql(PostgresServer.name(of: real), "SELECT count(*) FROM kept").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        _ = open

        // Beside a database that does not exist yet: made through the server's own `postgres` database.
        let absent = server.url("not_made_yet")
        #expect(PostgresServer.name(of: try PGScratchDatabase.recreate("w1", beside: absent)) == "not_made_yet_bench_w1")
    }

    @Test func aLabelThatIsNotAPlainNameIsRefused() throws {
        let server = try PostgresServer.shared()
        let real = try server.database("real")
        #expect(throws: StoreError.self) { try PGScratchDatabase.recreate("w1; DROP DATABASE postgres", beside: real) }
        #expect(throws: StoreError.self) { try PGScratchDatabase.recreate("w1", beside: "postgresql://%zz") }
    }
}

/// A session held open in a database (what a killed run leaves behind).
private final class PGStoreReaderProbe {
    let process: Process
    init(_ url: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec psql '\(url)' -c 'SELECT pg_sleep(30)' >/dev/null 2>&1"]
        try process.run()
    }
    deinit { if process.isRunning { process.terminate() } }
}
