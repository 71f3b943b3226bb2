import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore
@testable import IncentivesPostgres

/// Least privilege on PostgreSQL (`PGRoles`): `init` makes the reader, writer and sender roles and grants each what
/// its work needs; login roles in them can do that work and nothing else (every other attempt: permission denied,
/// and the CLI exits 77 saying which role a command needs); the console's retry goes through the sender's function
/// as a reader; `init` by a login that may not create roles prints the SQL instead, and that SQL works.
/// Roles belong to the whole cluster, so each test names its own (`--roles <database name>`).
@Suite("PostgreSQL roles", .timeLimit(.minutes(10)))
struct PostgresRolesTests {
    let server: PostgresServer
    let binary: String
    let demo = Binary.packageRoot + "/Assets/demo/"

    init() throws {
        server = try PostgresServer.shared()
        binary = try Binary.located()
    }

    func run(_ args: [String], environment: [String: String]? = nil) throws -> ProcessOutput {
        try runProcess(binary, args, environment: environment)
    }

    /// A database with the demo's catalog, roster and events, its roles named after it, and a login in each role.
    struct Setup {
        let db: String, name: String, roles: PGRoles
        func login(_ role: String) -> String { "\(name)_\(role)_login" }
    }

    func setUp(ingest: Bool = true) throws -> Setup {
        let db = try server.database("roles")
        let name = PostgresServer.name(of: db)
        let made = try run(["init", "--db", db, "--roles", name, "--catalog", demo + "catalog.json", "--roster", demo + "roster.jsonl"])
        try #require(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains("roles: \(name)_reader, \(name)_writer, \(name)_sender granted"), "\(made.stdout)")
        let roles = try PGRoles(prefix: name)
        let setup = Setup(db: db, name: name, roles: roles)
        for (kind, group) in [("reader", roles.reader), ("writer", roles.writer), ("sender", roles.sender)] {
            try #require(try server.sql(name, "CREATE ROLE \(setup.login(kind)) LOGIN IN ROLE \(group)").status == 0)
        }
        if ingest {
            let r = try run(["ingest", "--db", url(setup, "writer"), "--events", demo + "events.jsonl"])
            try #require(r.status == 0 || r.status == 65, "the writer ingests: \(r.stderr)")
        }
        return setup
    }

    func url(_ s: Setup, _ kind: String) -> String { server.url(s.name, user: s.login(kind)) }

    /// The tables of the schema, partitions included.
    func tables(_ s: Setup) throws -> [String] {
        try server.sql(s.name, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1").stdout.split(separator: "\n").map(String.init)
    }

    func firstColumn(_ s: Setup, _ table: String) throws -> String {
        try server.sql(s.name, """
            SELECT column_name FROM information_schema.columns WHERE table_name = '\(table)' AND is_identity = 'NO' ORDER BY ordinal_position LIMIT 1
            """)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func denied(_ s: Setup, _ kind: String, _ statement: String) throws -> Bool {
        let r = try server.sql(s.name, statement, user: s.login(kind))
        return r.status != 0 && r.stderr.contains("permission denied")
    }

    @Test("the reader reads everything and can INSERT, UPDATE, DELETE or TRUNCATE nothing")
    func readerWritesNothing() throws {
        let s = try setUp()
        let listed = try run(["achievements", "--db", url(s, "reader"), "--format", "jsonl"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(!listed.stdout.isEmpty)
        let all = try tables(s)
        #expect(all.contains("events") && all.contains("deliveries") && all.contains("incentives_schema"))
        for table in all {
            let column = try firstColumn(s, table)
            #expect(try server.sql(s.name, "SELECT count(*) FROM \(table)", user: s.login("reader")).status == 0, "\(table)")
            for statement in ["INSERT INTO \(table) DEFAULT VALUES", "UPDATE \(table) SET \(column) = \(column)", "DELETE FROM \(table)",
                              "TRUNCATE \(table)"] {
                #expect(try denied(s, "reader", statement), "reader: \(statement)")
            }
        }
        #expect(try denied(s, "reader", "CREATE TABLE mine (x int)"))
        #expect(try server.sql(s.name, "SELECT count(*) FROM events").stdout != "0\n", "nothing was removed")
    }

    @Test("the CLI's writing commands with reader credentials exit 77 and say which role they need")
    func readerCommandsExit77() throws {
        let s = try setUp()
        let reader = url(s, "reader")
        let drop = TempDir(prefix: "pg-roles-drop")
        var env = ProcessInfo.processInfo.environment
        env["GIFTLY_SECRET"] = "giftly-secret-0123456789abcdef"
        env["PILLOWCO_SECRET"] = "pillowco-secret-0123456789abcdef"
        for args in [["init", "--catalog", demo + "catalog.json", "--roster", demo + "roster.jsonl"],
                     ["ingest", "--events", drop.write("more.jsonl", #"{"id": "more-1", "type": "birth_reported", "user": "u-00001", "at": "2026-11-11T09:12:00Z"}"# + "\n")],
                     ["deliver", "--partner", "pillowco"],
                     ["deliver", "--retry-failed"],
                     ["export", "--partner", "giftly", "--out", drop.path("giftly")]] {
            let r = try run(args + ["--db", reader], environment: env)
            #expect(r.status == 77, "\(args[0]): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("permission denied"), "\(args[0]): \(r.stderr)")
            #expect(r.stderr.contains("the writer role for ingest"), "\(args[0]): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: drop.path("giftly")), "export checks before it writes a file")
        #expect(try server.sql(s.name, "SELECT count(*) FROM deliveries WHERE status <> 'pending'").stdout == "0\n")
    }

    @Test("the sender cannot write events, achievements or anything but the delivery columns; export as sender marks its rows")
    func senderOnlyMarksDeliveries() throws {
        let s = try setUp()
        for statement in ["INSERT INTO events DEFAULT VALUES", "UPDATE events SET id = id", "DELETE FROM events",
                          "INSERT INTO achievements DEFAULT VALUES", "UPDATE achievements SET reward = reward", "DELETE FROM achievements",
                          "UPDATE progress SET state = state", "INSERT INTO rejects DEFAULT VALUES", "UPDATE members SET employer = employer",
                          "UPDATE settings SET value = value", "INSERT INTO deliveries DEFAULT VALUES", "DELETE FROM deliveries",
                          "UPDATE deliveries SET partner = partner", "SELECT count(*) FROM events", "SELECT count(*) FROM progress"] {
            #expect(try denied(s, "sender", statement), "sender: \(statement)")
        }
        #expect(!(try denied(s, "sender", "UPDATE deliveries SET attempts = attempts WHERE false")))
        let drop = TempDir(prefix: "pg-roles-drop")
        var env = ProcessInfo.processInfo.environment
        env["GIFTLY_SECRET"] = "giftly-secret-0123456789abcdef"
        let exported = try run(["export", "--db", url(s, "sender"), "--partner", "giftly", "--out", drop.path("giftly")], environment: env)
        #expect(exported.status == 0, "\(exported.stderr)")
        let marked = try server.sql(s.name, "SELECT count(*) FROM deliveries WHERE partner = 'giftly' AND status = 'delivered'").stdout
        #expect(marked != "0\n", "\(exported.stderr)")
        #expect(try server.sql(s.name, "SELECT count(*) FROM deliveries WHERE partner = 'giftly' AND status <> 'delivered'").stdout == "0\n")
        // The writer: data, not structure, and not the configuration init stores.
        #expect(try denied(s, "writer", "CREATE TABLE mine (x int)"))
        for statement in ["UPDATE settings SET value = value", "DELETE FROM members", "INSERT INTO catalog_versions DEFAULT VALUES",
                          "UPDATE incentives_schema SET version = 99", "TRUNCATE events"] {
            #expect(try denied(s, "writer", statement), "writer: \(statement)")
        }
        #expect(try server.sql(s.name, "DROP TABLE rejects", user: s.login("writer")).status != 0)
    }

    @Test("the console's retry works as a reader, through the sender's function, and only for a failed delivery")
    func consoleRetryAsReader() throws {
        let s = try setUp()
        let id = try server.sql(s.name, "SELECT id FROM deliveries ORDER BY id LIMIT 1").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!id.isEmpty)
        try server.sql(s.name, "UPDATE deliveries SET status = 'failed', attempts = 8, last_error = 'HTTP 500' WHERE id = '\(id)'")
        #expect(try denied(s, "reader", "UPDATE deliveries SET status = 'pending' WHERE id = '\(id)'"))
        let retry = PGDeliveryRetry(url: url(s, "reader"))
        #expect(try retry.retry(delivery: id, at: 1_000))
        let row = try server.sql(s.name, "SELECT status, attempts, next_attempt_at FROM deliveries WHERE id = '\(id)'").stdout
        #expect(row == "pending|0|1000\n", "\(row)")
        #expect(try retry.retry(delivery: id, at: 1_000) == false, "not failed any more")
        // Granted to the reader only (PUBLIC revoked): not to a writer's login. (The sender owns it: its rights anyway.)
        #expect(try denied(s, "writer", "SELECT incentives_retry_delivery('\(id)', 0)"))
        // The console over the reader's login: the same, through its data layer.
        let owner = PGDeliveryRetry(url: s.db)
        try server.sql(s.name, "UPDATE deliveries SET status = 'failed' WHERE id = '\(id)'")
        #expect(try owner.retry(delivery: id, at: 2_000), "a login without EXECUTE (the owner) updates directly")
    }

    @Test("a login in none of the roles is refused with 77 and told which role it needs")
    func loginWithoutRole() throws {
        let s = try setUp(ingest: false)
        let nobody = "\(s.name)_nobody"
        try #require(try server.sql(s.name, "CREATE ROLE \(nobody) LOGIN").status == 0)
        let url = server.url(s.name, user: nobody)
        for args in [["achievements"], ["programs"], ["ingest", "--events", demo + "events.jsonl"]] {
            let r = try run(args + ["--db", url])
            #expect(r.status == 77, "\(args[0]): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("permission denied") && r.stderr.contains("the reader role for the console and look-ups"), "\(r.stderr)")
        }
        // A group role revoked from a login: the same.
        try server.sql(s.name, "REVOKE \(s.roles.reader) FROM \(s.login("reader"))")
        let r = try run(["achievements", "--db", self.url(s, "reader")])
        #expect(r.status == 77, "\(r.stderr)")
    }

    @Test("a reader's login on a database at an older schema is told to have the owner run init; the owner's next command upgrades it")
    func olderSchemaAsReader() throws {
        let s = try setUp(ingest: false)
        // As an incentives from before migrations 5 to 13 left it.
        try server.sql(s.name, """
            ALTER TABLE achievements ADD COLUMN json text NOT NULL DEFAULT '';
            ALTER TABLE ingests DROP COLUMN last_seq; DROP INDEX events_id; CREATE INDEX events_id ON events(id);
            DROP VIEW deliverable_achievements; ALTER TABLE achievements DROP COLUMN tier; DROP TABLE refused_events, work_refusals, pipeline_locks, worker_slots; ALTER TABLE deliveries DROP CONSTRAINT deliveries_next_attempt_finite; DROP INDEX rejects_position;
            DROP TABLE duplicate_arrivals;
            UPDATE incentives_schema SET version = 4
            """)
        let r = try run(["achievements", "--db", url(s, "reader")])
        #expect(r.status == 77, "\(r.stderr)")
        #expect(r.stderr.contains("run 'incentives init' once as the database's owner to upgrade it"), "\(r.stderr)")
        let owner = try run(["programs", "--db", s.db])
        #expect(owner.status == 0, "\(owner.stderr)")
        #expect(try run(["achievements", "--db", url(s, "reader")]).status == 0)
        // The writer writes what the migration added (its grants are the table's).
        let ingest = try run(["ingest", "--db", url(s, "writer"), "--events", demo + "events.jsonl"])
        #expect(ingest.status == 0 || ingest.status == 65, "\(ingest.stderr.suffix(300))")
        #expect(try server.sql(s.name, "SELECT count(*) FROM ingests WHERE last_seq > 0").stdout == "1\n")
    }

    @Test("init by a login that may not create roles stores the catalog and prints the SQL, which a superuser can run as is")
    func initWithoutCreateRole() throws {
        let db = try server.database("roles")
        let name = PostgresServer.name(of: db)
        let owner = "\(name)_owner"
        try #require(try server.sql(name, "CREATE ROLE \(owner) LOGIN; ALTER DATABASE \(name) OWNER TO \(owner)").status == 0)
        let ownerURL = server.url(name, user: owner)
        let made = try run(["init", "--db", ownerURL, "--roles", name, "--catalog", demo + "catalog.json", "--roster", demo + "roster.jsonl"])
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stderr.contains("may not create or grant the roles"), "\(made.stderr)")
        #expect(made.stdout.contains("CREATE ROLE \"\(name)_reader\" NOLOGIN"), "\(made.stdout)")
        #expect(made.stdout.contains("catalog version 1"))
        #expect(try server.sql(name, "SELECT count(*) FROM pg_roles WHERE rolname IN ('\(name)_reader', '\(name)_writer', '\(name)_sender')").stdout == "0\n", "nothing half made")
        // --print-roles prints the same and changes nothing.
        let printed = try run(["init", "--db", ownerURL, "--roles", name, "--print-roles"])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("GRANT EXECUTE ON FUNCTION"), "\(printed.stdout)")
        #expect(made.stdout.contains(printed.stdout), "\(printed.stdout)")
        #expect(try server.sql(name, "SELECT count(*) FROM pg_roles WHERE rolname IN ('\(name)_reader', '\(name)_writer', '\(name)_sender')").stdout == "0\n")
        // The superuser runs it; then the owner's next migration's tables would be granted too (default privileges).
        let applied = try server.sql(name, printed.stdout)
        #expect(applied.status == 0, "\(applied.stderr)")
        try server.sql(name, "CREATE ROLE \(name)_alice LOGIN IN ROLE \(name)_reader")
        let listed = try run(["programs", "--db", server.url(name, user: "\(name)_alice")])
        #expect(listed.status == 0, "\(listed.stderr)")
        try server.sql(name, "SET ROLE \(owner); CREATE TABLE later (x int)")
        #expect(try server.sql(name, "SELECT count(*) FROM later", user: "\(name)_alice").status == 0, "a table a later migration adds is readable")
        #expect(try server.sql(name, "INSERT INTO later VALUES (1)", user: "\(name)_alice").stderr.contains("permission denied"))
    }

    @Test("--roles takes a plain identifier, and only for PostgreSQL")
    func rolesOptionChecked() throws {
        let db = try server.database("roles")
        let bad = try run(["init", "--db", db, "--roles", "x; DROP TABLE y", "--print-roles"])
        #expect(bad.status == 64, "\(bad.stderr)")
        // On an empty database: the SQL, and no table made.
        let printed = try run(["init", "--db", db, "--roles", "empty_db", "--print-roles"])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(printed.stdout.contains("CREATE ROLE \"empty_db_reader\" NOLOGIN"))
        #expect(try server.sql(PostgresServer.name(of: db), "SELECT to_regclass('incentives_schema') IS NULL").stdout == "t\n")
        let sqlite = TempDir(prefix: "pg-roles")
        let r = try run(["init", "--db", sqlite.path("x.sqlite"), "--print-roles"])
        #expect(r.status == 64, "\(r.stderr)")
    }

    @Test("a commit by another connection is announced: the change signal says so, and says nothing when nothing was committed")
    func changeSignalSeesCommits() throws {
        let s = try setUp(ingest: false)
        // A reader's login listens: LISTEN needs no privilege.
        let signal = try PGChangeSignal(url: url(s, "reader"))
        #expect(signal.anythingNew(waitingUpTo: 0.2) == false)
        let r = try run(["ingest", "--db", url(s, "writer"), "--events", demo + "events.jsonl"])
        #expect(r.status == 0 || r.status == 65, "\(r.stderr)")
        #expect(signal.anythingNew(waitingUpTo: 10))
        // Drained: the notifications of that ingest are consumed (a few, one per committing batch at most).
        var quiet = false
        for _ in 0..<20 where !quiet { quiet = !signal.anythingNew(waitingUpTo: 0.1) }
        #expect(quiet)
        // A commit that inserts nothing of interest (the catalog again) says nothing; an insert of an event does.
        try server.sql(s.name, "UPDATE settings SET value = value")
        #expect(signal.anythingNew(waitingUpTo: 0.3) == false)
        try server.sql(s.name, "INSERT INTO events SELECT seq + 1000000, id || '-copy', type, user_id, at_s, at_nanos, category, ingest, line FROM events LIMIT 1")
        #expect(signal.anythingNew(waitingUpTo: 10))
    }
}
