import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore
@testable import IncentivesPostgres

/// A reader's login cannot stall or stop the pipeline (issue 21): the locks that decide whether it runs are row locks
/// only the owner and the writer may take (`PGLocks`), so holding every advisory key the application once used changes
/// nothing, and every SQL function a lower role may call checks its arguments.
@Suite("PostgreSQL: a reader's login cannot wedge the pipeline")
struct PostgresReaderLockTests {
    let server: PostgresServer
    let binary: String
    let demo = Binary.packageRoot + "/Assets/demo/"

    init() throws {
        server = try PostgresServer.shared()
        binary = try Binary.located()
    }

    func run(_ args: [String]) throws -> ProcessOutput { try runProcess(binary, args) }

    /// A database with the demo's catalog and roster, its roles named after it, and a login in the reader and writer roles.
    func setUp() throws -> (db: String, name: String, reader: String, writer: String) {
        let db = try server.database("lock")
        let name = PostgresServer.name(of: db)
        let made = try run(["init", "--db", db, "--roles", name, "--catalog", demo + "catalog.json", "--roster", demo + "roster.jsonl"])
        try #require(made.status == 0, "\(made.stderr)")
        for kind in ["reader", "writer"] {
            try #require(try server.sql(name, "CREATE ROLE \(name)_\(kind)_login LOGIN IN ROLE \(name)_\(kind)").status == 0)
        }
        return (db, name, "\(name)_reader_login", "\(name)_writer_login")
    }

    static var psql: String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        return versions.map { "\(root)/\($0)/bin/psql" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("a reader holding every advisory key the pipeline used: ingest, workers and init still run")
    func advisoryLocksDecideNothing() throws {
        let s = try setUp()
        let psql = try #require(Self.psql, "no psql under /usr/lib/postgresql")
        // The keys of the ingest, the workers, the leases, the awards' order and the migrations, held for a minute.
        let hold = Process()
        hold.executableURL = URL(fileURLWithPath: psql)
        hold.arguments = ["-h", server.dir, "-U", s.reader, "-d", s.name, "-v", "ON_ERROR_STOP=1", "-c", """
            SELECT pg_advisory_lock(1229865815, g) FROM generate_series(0, 7) g;
            SELECT pg_advisory_lock(80600485986306); SELECT pg_advisory_lock(80600485986305);
            SELECT pg_advisory_lock_shared(80600485986307); SELECT pg_advisory_lock(80600485986308);
            SELECT pg_sleep(60)
            """]
        hold.standardOutput = FileHandle.nullDevice
        hold.standardError = FileHandle.nullDevice
        try hold.run()
        defer { if hold.isRunning { kill(hold.processIdentifier, SIGKILL); hold.waitUntilExit() } }
        let held = "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND a.usename = '\(s.reader)'"
        var count = 0
        for _ in 0..<200 where count < 12 {
            count = Int(try server.sql(s.name, held).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            if count < 12 { usleep(50_000) }
        }
        try #require(count == 12, "the reader holds the 12 keys")

        let started = Date()
        let ingest = try run(["ingest", "--db", server.url(s.name, user: s.writer), "--events", demo + "events.jsonl", "--workers", "2"])
        #expect(ingest.status == 65, "\(ingest.stderr.suffix(400))")
        let replay = try run(["replay", "--catalog", demo + "catalog.json", "--roster", demo + "roster.jsonl", "--events", demo + "events.jsonl"])
        #expect(ingest.stderr == replay.stderr)
        #expect(Fixtures.contractLines(try run(["achievements", "--db", s.db, "--format", "jsonl"]).stdout) == replay.stdout)
        let again = try run(["init", "--db", s.db, "--roles", s.name, "--catalog", demo + "catalog.json", "--roster", demo + "roster.jsonl"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(Date().timeIntervalSince(started) < 50, "nothing waited for the reader's locks")
        #expect(hold.isRunning, "the reader still held its keys throughout")
    }

    @Test("a reader can take none of the pipeline's row locks", arguments: [
        "SELECT * FROM pipeline_locks FOR UPDATE", "SELECT * FROM pipeline_locks FOR KEY SHARE", "SELECT * FROM worker_slots FOR SHARE",
        "LOCK TABLE pipeline_locks IN EXCLUSIVE MODE", "LOCK TABLE worker_slots IN ROW EXCLUSIVE MODE",
        "LOCK TABLE incentives_schema IN SHARE ROW EXCLUSIVE MODE", "DELETE FROM pipeline_locks",
    ])
    func readerTakesNoRowLock(statement: String) throws {
        let s = try setUp()
        let r = try server.sql(s.name, "BEGIN; \(statement); ROLLBACK", user: s.reader)
        #expect(r.status != 0 && r.stderr.contains("permission denied"), "\(statement): \(r.stderr)")
        // The writer may lock the rows (that is its work), but not remove them.
        #expect(try server.sql(s.name, "BEGIN; SELECT name FROM pipeline_locks FOR UPDATE; ROLLBACK", user: s.writer).status == 0)
        #expect(try server.sql(s.name, "DELETE FROM pipeline_locks", user: s.writer).stderr.contains("permission denied"))
    }

    @Test("the retry function a reader may call refuses NaN, infinite, negative and far-future instants",
          arguments: ["'NaN'", "'Infinity'", "'-Infinity'", "-1", "1e300", "extract(epoch FROM now()) + 86400 * 400", "NULL"])
    func retryChecksItsArguments(at: String) throws {
        let s = try setUp()
        let ingest = try run(["ingest", "--db", s.db, "--events", demo + "events.jsonl"])
        try #require(ingest.status == 65, "\(ingest.stderr.suffix(300))")
        let id = try server.sql(s.name, "SELECT id FROM deliveries ORDER BY id LIMIT 1").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(!id.isEmpty)
        try server.sql(s.name, "UPDATE deliveries SET status = 'failed' WHERE id = '\(id)'")
        let refused = try server.sql(s.name, "SELECT incentives_retry_delivery('\(id)', \(at))", user: s.reader)
        #expect(refused.status != 0 && refused.stderr.contains("incentives_retry_delivery: at must be"), "\(at): \(refused.stderr)")
        #expect(try server.sql(s.name, "SELECT status FROM deliveries WHERE id = '\(id)'").stdout == "failed\n")
        // Nor can anyone store such an instant directly: the column refuses it.
        let direct = try server.sql(s.name, "UPDATE deliveries SET next_attempt_at = 'NaN' WHERE id = '\(id)'")
        #expect(direct.status != 0 && direct.stderr.contains("deliveries_next_attempt_finite"), "\(direct.stderr)")
        // Now is fine.
        let ok = try server.sql(s.name, "SELECT incentives_retry_delivery('\(id)', extract(epoch FROM now()))", user: s.reader)
        #expect(ok.stdout == "t\n", "\(ok.stderr)")
    }
}
