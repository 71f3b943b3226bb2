import Foundation
import Testing

/// Every refusal a command promises (its `CommandFailure`s and usage errors, and README's), one table per command
/// (issue 26, item 5): the exact exit status and the words that say why, run against the built `incentives` on a
/// small world with a webhook partner and a file-drop partner.
// Serialized: the cases share one world, and two `deliver`s on its database at once are refused (75, the sender lock).
@Suite("command refusals, table by table", .serialized, .timeLimit(.minutes(5)))
struct CommandRefusalTests {
    /// One refusal: the arguments (`DB`, `CATALOG`, `ROSTER`, `EVENTS`, `ACHIEVEMENTS`, `DIR`, `FILE` are replaced by
    /// the world's paths), the exit status, and a phrase stderr must hold.
    struct Refusal: Sendable, CustomTestStringConvertible {
        let args: [String]
        let status: Int32
        let says: String
        init(_ args: [String], _ status: Int32, _ says: String) {
            self.args = args
            self.status = status
            self.says = says
        }
        var testDescription: String { args.joined(separator: " ") + " → \(status)" }
    }

    /// A world with a catalog of two partners (a webhook one and a file-drop one), an initialised database with
    /// awards to deliver, an achievements log, and a regular file (a path under it cannot be a folder, even for root).
    final class World: @unchecked Sendable {
        let dir = TempDir(prefix: "refusals")
        let db: String, catalog: String, roster: String, events: String, achievements: String, file: String, badURLCatalog: String
        let environment: [String: String]

        init() throws {
            catalog = dir.write("catalog.json", """
                {"incentives": [{"id": "birth", "name": "Birth", "kind": "single", "event": "birth_reported"}],
                 "employers": [{"id": "acme", "name": "Acme", "programs": [{"id": "p", "name": "P", "starts": "2026-01-01",
                   "ends": "2026-12-31", "rewards": [{"incentive": "birth", "reward": "Book"}]}]}],
                 "partners": [
                   {"id": "hooky", "employers": ["acme"], "webhook": {"url": "http://127.0.0.1:9/hook", "secretEnv": "REFUSAL_TEST_SECRET"}},
                   {"id": "droppy", "employers": ["acme"], "drop": {"directory": "\(dir.path("drops"))", "secretEnv": "REFUSAL_TEST_SECRET"}}]}
                """)
            // A webhook URL that is not https (nor http to this machine): refused with the catalog, before any deliver.
            badURLCatalog = dir.write("bad-url-catalog.json", try String(contentsOfFile: catalog, encoding: .utf8)
                .replacingOccurrences(of: "http://127.0.0.1:9/hook", with: "ftp://partner.example/hook"))
            roster = dir.write("roster.jsonl", #"{"id": "u1", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n")
            events = dir.write("events.jsonl", #"{"id": "e1", "type": "birth_reported", "user": "u1", "at": "2026-03-02T10:00:00Z"}"# + "\n")
            file = dir.write("a-file", "not a folder\n")
            _ = dir.write("empty.sqlite", "") // a database file with nothing in it yet
            db = dir.path("db.sqlite")
            var env = ProcessInfo.processInfo.environment
            env["REFUSAL_TEST_SECRET"] = String(repeating: "s", count: 32)
            env.removeValue(forKey: "INCENTIVES_DB")
            environment = env
            for args in [["init", "--db", db, "--catalog", catalog, "--roster", roster], ["ingest", "--db", db, "--events", events]] {
                let r = try Binary.run(args, environment: env)
                guard r.status == 0 else { throw Setup(description: "\(args[0]): \(r.status) \(r.stderr)") }
            }
            let replay = try Binary.run(["replay", "--catalog", catalog, "--roster", roster, "--events", events], environment: env)
            achievements = dir.write("achievements.jsonl", replay.stdout)
        }

        struct Setup: Error, CustomStringConvertible { let description: String }

        func run(_ r: Refusal, environment override: [String: String?] = [:]) throws -> ProcessOutput {
            let names = ["DB": db, "CATALOG": catalog, "ROSTER": roster, "EVENTS": events, "ACHIEVEMENTS": achievements,
                         "DIR": dir.path, "FILE": file, "BADURLCATALOG": badURLCatalog]
            var env = environment
            for (k, v) in override { env[k] = v }
            // Whole words and path prefixes: "DIR/none.jsonl" is a path in the world's folder, never in the current one.
            let args = r.args.map { a -> String in
                if let whole = names[a] { return whole }
                guard let slash = a.firstIndex(of: "/"), let base = names[String(a[..<slash])] else { return a }
                return base + a[slash...]
            }
            return try Binary.run(args, environment: env)
        }
    }

    static let world = Result { try World() }

    func check(_ r: Refusal, environment: [String: String?] = [:]) throws {
        let out = try Self.world.get().run(r, environment: environment)
        #expect(out.status == r.status, "\(r.args): \(out.stderr)")
        #expect(out.stderr.contains(r.says), "\(r.args): \(out.stderr)")
    }

    @Test("deliver", arguments: [
        Refusal(["deliver", "--db", "DB", "--partner", "droppy"], 64, "partner droppy takes file drops: use 'incentives export --partner droppy'"),
        Refusal(["deliver", "--db", "DB", "--partner", "nobody"], 64, "unknown partner \"nobody\""),
        Refusal(["deliver", "--db", "DB", "--catalog", "CATALOG"], 64, "give either --db or --catalog, --roster and --achievements, not both"),
        Refusal(["deliver", "--catalog", "CATALOG", "--roster", "ROSTER", "--achievements", "ACHIEVEMENTS", "--retry-failed"], 64,
                "--retry and --retry-failed need the database"),
        Refusal(["deliver", "--db", "DB", "--retry", "no-such-delivery"], 64, "no failed delivery with id \"no-such-delivery\""),
        Refusal(["deliver", "--db", "DB", "--concurrency", "0"], 64, "--concurrency must be a whole number from 1 to 256, got 0"),
        // A bad webhook URL (78): refused with the catalog it is in, so deliver's own check of it is never reached.
        Refusal(["deliver", "--catalog", "BADURLCATALOG", "--roster", "ROSTER", "--achievements", "ACHIEVEMENTS"], 78, "partners[0].webhook.url"),
        Refusal(["deliver", "--db", "DB", "--watch", "--poll", "0"], 64, "--poll must be a whole number from 1 to 3600, got 0"),
        Refusal(["deliver", "--db", "DB", "--watch", "--partner", "droppy"], 64, "partner droppy takes file drops"),
        Refusal(["deliver", "--catalog", "CATALOG", "--roster", "ROSTER", "--achievements", "DIR/none.jsonl"], 66, "no such file"),
    ])
    func deliver(_ r: Refusal) throws { try check(r) }

    @Test("deliver without the partner's secret in the environment: 78, nothing sent")
    func deliverWithoutSecret() throws {
        try check(Refusal(["deliver", "--db", "DB", "--partner", "hooky"], 78, "nothing was sent"), environment: ["REFUSAL_TEST_SECRET": nil])
    }

    @Test("export", arguments: [
        Refusal(["export", "--db", "DB"], 64, "missing --partner"),
        Refusal(["export", "--db", "DB", "--partner", "droppy", "--format", "xml"], 64, "--format must be jsonl or csv, got xml"),
        Refusal(["export", "--db", "DB", "--partner", "droppy", "--since", "2026-03-02", "--until", "2026-03-01"], 64,
                "--until 2026-03-01 is before --since 2026-03-02"),
        Refusal(["export", "--db", "DB", "--partner", "droppy", "--since", "March"], 64, "--since must be a date (YYYY-MM-DD), got March"),
        Refusal(["export", "--db", "DB", "--partner", "hooky"], 64, "partner hooky receives webhooks; give --out DIR to write a file for it anyway"),
        Refusal(["export", "--db", "DB", "--partner", "droppy", "--out", "FILE/sub"], 73, "cannot write the batch"),
        Refusal(["export", "--db", "DB", "--partner", "nobody"], 64, "unknown partner \"nobody\""),
    ])
    func export(_ r: Refusal) throws { try check(r) }

    @Test("init", arguments: [
        Refusal(["init", "--db", "DIR/roles.sqlite", "--catalog", "CATALOG", "--roster", "ROSTER", "--roles", "app"], 64,
                "--roles and --print-roles are for a PostgreSQL database"),
        Refusal(["init", "--db", "DIR/effective.sqlite", "--catalog", "CATALOG", "--roster", "ROSTER", "--effective", "soon"], 64,
                "--effective must be a date YYYY-MM-DD, got soon"),
        Refusal(["init", "--db", "DIR/missing.sqlite", "--catalog", "DIR/none.json", "--roster", "ROSTER"], 66, "none.json"),
        Refusal(["init", "--db", "DIR/bad-url.sqlite", "--catalog", "BADURLCATALOG", "--roster", "ROSTER"], 78, "partners[0].webhook.url"),
    ])
    func initialise(_ r: Refusal) throws { try check(r) }

    @Test("ingest", arguments: [
        Refusal(["ingest", "--db", "DB", "--events", "EVENTS", "--inbox-only", "--workers", "2"], 64,
                "--inbox-only starts no workers: give one of --workers and --inbox-only"),
        Refusal(["ingest", "--db", "DB", "--events", "EVENTS", "--workers", "2"], 64, "--workers is for a PostgreSQL database"),
        Refusal(["ingest", "--db", "DB", "--events", "EVENTS", "--inbox-only"], 64, "--inbox-only is for a PostgreSQL database"),
        Refusal(["ingest", "--db", "DB", "--events", "EVENTS", "--work-batch", "10"], 64, "--work-batch is for a PostgreSQL database"),
        Refusal(["ingest", "--db", "DB", "--events", "DIR/none.jsonl"], 66, "none.jsonl"),
        Refusal(["ingest", "--db", "DIR/none.sqlite", "--events", "EVENTS"], 66, "none.sqlite"),
    ])
    func ingest(_ r: Refusal) throws { try check(r) }

    @Test("demo-feed", arguments: [
        Refusal(["demo-feed", "--db", "DIR/none.sqlite"], 66, "no such database"),
        Refusal(["demo-feed", "--db", "DIR/empty.sqlite"], 78, "no catalog yet; run incentives init first"),
        Refusal(["demo-feed", "--db", "DB", "--events", "DIR/none.jsonl"], 66, "no such file"),
    ])
    func demoFeed(_ r: Refusal) throws { try check(r) }

    @Test("bench", arguments: [
        Refusal(["bench", "nonsense"], 64, "unknown benchmark nonsense"),
        Refusal(["bench", "postgres"], 64, "bench postgres needs --db postgresql://"),
    ])
    func bench(_ r: Refusal) throws { try check(r) }
}
