import Foundation
import Testing

/// The console on a PostgreSQL database (the tests' private server, `PostgresServer`), driven in tmux: it opens
/// through the same `StoreReading` as on SQLite and shows the stored users and achievements.
@Suite("console on PostgreSQL")
struct PostgresConsoleTests {
    @Test("the console opens a PostgreSQL database and shows its users and achievements",
          .enabled(if: Tmux.available, "tmux is not installed (bash .ci/deps)"))
    func consoleOnPostgres() throws {
        let server = try PostgresServer.shared()
        let binary = try Binary.located()
        let f = Fixture.directory
        let db = try server.database()
        for args in [["init", "--db", db, "--catalog", "\(f)/catalog.json", "--roster", "\(f)/roster.jsonl"],
                     ["ingest", "--db", db, "--events", "\(f)/events.jsonl"]] {
            let r = try runProcess(binary, args)
            try #require(r.status == 0 || r.status == 65, "\(args[0]): \(r.stderr)")
        }
        let tmux = try Tmux("\(binary) console --db '\(db)'", width: 120, height: 40)
        let programs = tmux.wait(for: "Programs")
        #expect(programs.contains("Programs"))
        tmux.send("3")
        let achievements = tmux.wait("the achievements screen") { $0.contains("u-1") }
        #expect(achievements.contains("u-1"), "\(achievements)")
        tmux.send("q")
    }
}
