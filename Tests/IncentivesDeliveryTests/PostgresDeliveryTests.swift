import Foundation
import Testing
import IncentivesDelivery
import IncentivesStore
import IncentivesPostgres
import TestSupport

/// `incentives deliver` on PostgreSQL, on the tests' private server (`PostgresServer`): two senders at once share
/// the outbox (rows claimed FOR UPDATE SKIP LOCKED), and each delivery reaches the partner exactly once.
@Suite("deliver on PostgreSQL", .timeLimit(.minutes(10)))
struct PostgresDeliveryTests {
    static let secret = "pg-delivery-secret-0123456789abcdef"

    @Test("two senders at once deliver each row once, and every row ends delivered")
    func twoSendersDeliverEachRowOnce() throws {
        let server = try PostgresServer.shared()
        let receiver = try LoopbackReceiver(secret: PartnerSecret(Self.secret), latency: 0.01)
        defer { receiver.stop() }
        let dir = TempDir(prefix: "pg-deliver")
        let users = 40
        let catalog = """
        {"incentives": [{"id": "report-birth", "kind": "single", "event": "birth_reported"}],
         "employers": [{"id": "acme", "programs": [{"id": "acme-2026", "starts": "2026-01-01", "ends": "2026-12-31",
           "rewards": [{"incentive": "report-birth", "reward": "$50 gift card"}]}]}],
         "partners": [{"id": "pillowco", "employers": ["acme"], "webhook": {"url": "\(receiver.url.absoluteString)", "secretEnv": "PG_DELIVERY_SECRET"}}]}
        """
        var roster = "", events = ""
        for n in 1...users {
            roster += #"{"id": "u-\#(n)", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n"
            events += #"{"id": "e-\#(n)", "type": "birth_reported", "user": "u-\#(n)", "at": "2026-06-11T09:12:00Z"}"# + "\n"
        }
        let db = try server.database()
        var env = ProcessInfo.processInfo.environment
        env["PG_DELIVERY_SECRET"] = Self.secret
        let bin = try Binary.located()
        for args in [["init", "--db", db, "--catalog", dir.write("catalog.json", catalog), "--roster", dir.write("roster.jsonl", roster)],
                     ["ingest", "--db", db, "--events", dir.write("events.jsonl", events)]] {
            let r = try runProcess(bin, args, environment: env)
            try #require(r.status == 0, "\(args[0]): \(r.stderr)")
        }
        let senders = try (0..<2).map { _ in
            try Binary.launch(["deliver", "--db", db, "--concurrency", "2", "--timeout", "5", "--max-attempts", "3"], environment: env)
        }
        for s in senders { s.waitUntilExit() }
        #expect(senders.allSatisfy { $0.terminationStatus == 0 })
        #expect(receiver.requestCount == users, "requests \(receiver.requestCount)")
        #expect(receiver.duplicates == 0)
        #expect(Set(receiver.accepted).count == users)
        let delivered = try server.sql(PostgresServer.name(of: db), "SELECT count(*) FROM deliveries WHERE status = 'delivered'").stdout
        #expect(delivered == "\(users)\n")
        let status = try runProcess(bin, ["deliver", "--db", db, "--status"], environment: env)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("pillowco"))
    }

    @Test("a sender that dies holding rows: nobody else takes them while its lease runs, and another takes them all once it has run out")
    func aDeadSendersLeaseHandsItsRowsOver() throws {
        let db = try Self.birthsDatabase(births: 6, webhook: "http://127.0.0.1:9/hook", in: TempDir(prefix: "pg-lease"))
        // Two senders' queues on two connections; the clock is the one each is given (`due(at:)`), not the wall's.
        let dead = PGDeliveryQueue(store: try PGStore(url: db, create: false))
        let other = PGDeliveryQueue(store: try PGStore(url: db, create: false))
        let now = Date().timeIntervalSince1970
        let taken = try dead.due(partners: ["pillowco"], at: now, limit: 4)
        #expect(taken.count == 4)
        // The dead sender never records an outcome. While its lease runs, the other gets only the rows it did not take.
        let meanwhile = try other.due(partners: ["pillowco"], at: now + 1, limit: 100)
        #expect(meanwhile.count == 2)
        #expect(Set(meanwhile.map(\.id)).isDisjoint(with: taken.map(\.id)))
        #expect(try other.due(partners: ["pillowco"], at: now + dead.leaseSeconds - 1, limit: 100).isEmpty, "every row is leased")
        // Once the lease has run out, the other takes the dead sender's rows over, each once.
        let handedOver = try other.due(partners: ["pillowco"], at: now + dead.leaseSeconds + 1, limit: 100)
        #expect(Set(handedOver.map(\.id)).isSuperset(of: taken.map(\.id)))
        #expect(handedOver.count == Set(handedOver.map(\.id)).count)
    }

    @Test("export on PostgreSQL writes the bytes export on SQLite writes, marks a drop partner's rows delivered, and again gives the same file",
          arguments: ["jsonl", "csv"])
    func exportMatchesSQLite(format: String) throws {
        let server = try PostgresServer.shared()
        let bin = try Binary.located()
        let demo = Binary.packageRoot + "/Assets/demo/"
        let dir = TempDir(prefix: "pg-export")
        let pg = try server.database("export")
        let sqlite = dir.path("demo.sqlite")
        var env = ProcessInfo.processInfo.environment
        env["GIFTLY_SECRET"] = "giftly-export-secret-0123456789"
        for db in [pg, sqlite] {
            for args in [["init", "--db", db, "--catalog", demo + "catalog.json", "--roster", demo + "roster.jsonl"],
                         ["ingest", "--db", db, "--events", demo + "events.jsonl"]] {
                let r = try runProcess(bin, args, environment: env)
                try #require(r.status == 0 || r.status == 65, "\(args[0]) \(db): \(r.stderr)")
            }
        }
        func export(_ db: String, _ out: String, _ extra: [String] = []) throws -> ProcessOutput {
            try runProcess(bin, ["export", "--db", db, "--partner", "giftly", "--format", format, "--out", out, "--since", "2026-10-01"] + extra,
                           environment: env)
        }
        let fromPG = try export(pg, dir.path("pg")), fromSQLite = try export(sqlite, dir.path("sqlite"))
        #expect(fromPG.status == 0, "\(fromPG.stderr)")
        #expect(fromSQLite.status == 0, "\(fromSQLite.stderr)")
        let files = fromPG.stdout.split(separator: "\n").map(String.init)
        try #require(files.count == 2, "\(fromPG.stdout)")
        #expect(fromSQLite.stdout == fromPG.stdout.replacingOccurrences(of: dir.path("pg"), with: dir.path("sqlite")))
        for file in files {
            let mine = try Data(contentsOf: URL(fileURLWithPath: file))
            let theirs = try Data(contentsOf: URL(fileURLWithPath: file.replacingOccurrences(of: dir.path("pg"), with: dir.path("sqlite"))))
            #expect(mine == theirs, "\(file)")
            #expect(!mine.isEmpty)
        }
        #expect(fromPG.stderr == fromSQLite.stderr)
        #expect(!fromPG.stderr.contains(" 0 achievements exported"), "\(fromPG.stderr)")
        let name = PostgresServer.name(of: pg)
        let marked = try server.sql(name, "SELECT count(*) FROM deliveries d JOIN achievements a ON a.id = d.achievement_id WHERE d.partner = 'giftly' AND a.completed_on >= '2026-10-01' AND d.status <> 'delivered'")
        #expect(marked.stdout == "0\n", "every exported row is delivered")
        // The same range again: the same file, byte for byte.
        let data = try Data(contentsOf: URL(fileURLWithPath: files[0]))
        #expect(try export(pg, dir.path("pg")).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: files[0])) == data)
        // A webhook partner's file is a copy for reconciliation: its rows stay as they were.
        env["PILLOWCO_SECRET"] = "pillowco-export-secret-0123456789"
        let before = try server.sql(name, "SELECT status, count(*) FROM deliveries WHERE partner = 'pillowco' GROUP BY 1 ORDER BY 1").stdout
        let copy = try runProcess(bin, ["export", "--db", pg, "--partner", "pillowco", "--format", format, "--out", dir.path("copy")], environment: env)
        #expect(copy.status == 0, "\(copy.stderr)")
        #expect(try server.sql(name, "SELECT status, count(*) FROM deliveries WHERE partner = 'pillowco' GROUP BY 1 ORDER BY 1").stdout == before)
    }

    @Test("rows another sender holds are not this sender's '… to retry'")
    func heldRowsAreNotToRetry() throws {
        let server = try PostgresServer.shared()
        let receiver = try LoopbackReceiver(secret: PartnerSecret(Self.secret), latency: 0)
        defer { receiver.stop() }
        let db = try Self.birthsDatabase(births: 10, webhook: receiver.url.absoluteString, in: TempDir(prefix: "pg-deliver-held"))
        let name = PostgresServer.name(of: db)
        var env = ProcessInfo.processInfo.environment
        env["PG_DELIVERY_SECRET"] = Self.secret
        let bin = try Binary.located()
        // Another sender holds 4 rows (claimed for two minutes, as `due` claims them).
        try #require(try server.sql(name, """
            UPDATE deliveries SET claimed_until = extract(epoch FROM clock_timestamp()) + 120
              WHERE id IN (SELECT id FROM deliveries ORDER BY id LIMIT 4)
            """).status == 0)
        let r = try runProcess(bin, ["deliver", "--db", db, "--timeout", "5", "--max-attempts", "3"], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.stdout + r.stderr).contains("deliveries: 6 delivered, 0 to retry, 0 failed"), "\(r.stdout) \(r.stderr)")
        #expect(receiver.requestCount == 6)
    }

    /// A private PostgreSQL database holding `births` users of acme, each with one birth (one "$50 gift card" award)
    /// and one outbox row for the webhook partner `pillowco` at `webhook` (secret in `PG_DELIVERY_SECRET`).
    static func birthsDatabase(births: Int, webhook: String, in dir: TempDir) throws -> String {
        let catalog = """
        {"incentives": [{"id": "report-birth", "kind": "single", "event": "birth_reported"}],
         "employers": [{"id": "acme", "programs": [{"id": "acme-2026", "starts": "2026-01-01", "ends": "2026-12-31",
           "rewards": [{"incentive": "report-birth", "reward": "$50 gift card"}]}]}],
         "partners": [{"id": "pillowco", "employers": ["acme"], "webhook": {"url": "\(webhook)", "secretEnv": "PG_DELIVERY_SECRET"}}]}
        """
        var roster = "", events = ""
        for n in 1...births {
            roster += #"{"id": "u-\#(n)", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n"
            events += #"{"id": "e-\#(n)", "type": "birth_reported", "user": "u-\#(n)", "at": "2026-06-11T09:12:00Z"}"# + "\n"
        }
        let db = try PostgresServer.shared().database()
        for args in [["init", "--db", db, "--catalog", dir.write("catalog.json", catalog), "--roster", dir.write("roster.jsonl", roster)],
                     ["ingest", "--db", db, "--events", dir.write("events.jsonl", events)]] {
            let r = try Binary.run(args)
            try #require(r.status == 0, "\(args[0]): \(r.stderr)")
        }
        return db
    }
}
