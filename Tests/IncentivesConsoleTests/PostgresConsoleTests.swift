import Foundation
import Testing

/// The console on a PostgreSQL database (the tests' private server, `PostgresServer`), driven in tmux: it opens
/// through the same `StoreReading` as on SQLite and shows the stored users and achievements.
@Suite("console on PostgreSQL", .timeLimit(.minutes(10)))
struct PostgresConsoleTests {
    @Test("the console opens a PostgreSQL database and shows its users and achievements")
    func consoleOnPostgres() throws {
        try Tmux.required()
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

    @Test("as a login with only the reader role, the Live screen LISTENs and shows an achievement ingested while it is open")
    func liveByNotifyAsReader() throws {
        try Tmux.required()
        let server = try PostgresServer.shared()
        let binary = try Binary.located()
        let f = Fixture.directory
        let db = try server.database("live")
        let name = PostgresServer.name(of: db)
        let made = try runProcess(binary, ["init", "--db", db, "--roles", name, "--catalog", "\(f)/catalog.json", "--roster", "\(f)/roster.jsonl"])
        try #require(made.status == 0, "\(made.stderr)")
        let login = "\(name)_support"
        try #require(try server.sql(name, "CREATE ROLE \(login) LOGIN IN ROLE \(name)_reader").status == 0)
        let tmux = try Tmux("\(binary) console --db '\(server.url(name, user: login))' --screen 5", width: 120, height: 40)
        let empty = tmux.wait("the empty Live screen") { $0.contains("0 events · 0 achievements") }
        #expect(empty.contains("Waiting for events"), "\(empty)")
        // The console's live connection listens (its last statement), as the reader's login.
        let listening = try server.sql(name, "SELECT count(*) FROM pg_stat_activity WHERE usename = '\(login)' AND query = 'LISTEN incentives_changes'")
        #expect(listening.stdout == "1\n", "\(listening.stdout) \(listening.stderr)")
        let ingest = try runProcess(binary, ["ingest", "--db", db, "--events", "\(f)/events.jsonl"])
        try #require(ingest.status == 0 || ingest.status == 65, "\(ingest.stderr)")
        let achievements = try server.sql(name, "SELECT count(*) FROM achievements").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(achievements != "0")
        let live = tmux.wait("the ingested achievements on the Live screen") { $0.contains("· \(achievements) achievements") }
        #expect(live.contains("· \(achievements) achievements"), "\(live)")
        #expect(!live.contains("Waiting for events"))
        tmux.send("q")
    }
}
