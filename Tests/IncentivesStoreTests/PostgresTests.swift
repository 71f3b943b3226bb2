import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore
@testable import IncentivesPostgres
@testable import IncentivesSQL

/// The PostgreSQL store (#13) through the commands, on a private server the tests start and stop themselves
/// (`PostgresServer`): every shared scenario and a generated file give what `replay` gives, the look-ups answer
/// as on SQLite, and bad URLs, refused passwords, newer schemas and a server that goes away each give their
/// message and exit status, the password never printed.
@Suite("PostgreSQL store", .timeLimit(.minutes(10)))
struct PostgresTests {
    let server: PostgresServer
    let binary: String

    init() throws {
        server = try PostgresServer.shared()
        binary = try Binary.located()
    }

    func run(_ args: [String], environment: [String: String]? = nil) throws -> ProcessOutput {
        try runProcess(binary, args, environment: environment)
    }

    func initialize(_ db: String, _ inputs: Inputs) throws -> ProcessOutput {
        try run(["init", "--db", db, "--catalog", inputs.catalog, "--roster", inputs.roster])
    }

    /// Runs the ingest of `inputs` again (it resumes from its checkpoint): its summary and the stored awards are
    /// what `replay` prints for the same files.
    func expectRerunEndsAsReplay(_ db: String, _ inputs: Inputs, _ options: [String] = [],
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let again = try run(["ingest", "--db", db, "--events", inputs.events] + options)
        let replay = try run(["replay", "--catalog", inputs.catalog, "--roster", inputs.roster, "--events", inputs.events])
        #expect(again.stderr == replay.stderr, sourceLocation: sourceLocation)
        #expect(Fixtures.contractLines(try run(["achievements", "--db", db, "--format", "jsonl"]).stdout) == replay.stdout,
                sourceLocation: sourceLocation)
    }

    @Test("every contract scenario (Tests/Fixtures/Scenarios): init, ingest, achievements on PostgreSQL print what replay prints")
    func scenariosMatchReplay() throws {
        #expect(Fixtures.scenarios.count >= 15)
        for (name, inputs) in Fixtures.scenarios {
            let replay = try run(["replay", "--catalog", inputs.catalog, "--roster", inputs.roster, "--events", inputs.events])
            let db = try server.database()
            let initRun = try initialize(db, inputs)
            if replay.status == 78 { #expect(initRun.status == 78, "\(name)"); continue }
            #expect(initRun.status == 0, "\(name): \(initRun.stderr)")
            let ingest = try run(["ingest", "--db", db, "--events", inputs.events])
            #expect(ingest.status == replay.status, "\(name)")
            #expect(ingest.stderr == replay.stderr, "\(name)")
            let listed = try run(["achievements", "--db", db, "--format", "jsonl"])
            #expect(listed.status == 0, "\(name): \(listed.stderr)")
            #expect(Fixtures.contractLines(listed.stdout) == replay.stdout, "\(name)")
        }
    }

    @Test("a generated file, in one run of small batches and in resumed chunks, gives what replay gives")
    func generatedFileMatchesReplay() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 6_000)
        let replay = try run(["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", g.inputs.events])
        #expect(replay.stdout.split(separator: "\n").count > 50)

        let whole = try server.database()
        #expect(try initialize(whole, g.inputs).status == 0)
        let ingest = try run(["ingest", "--db", whole, "--events", g.inputs.events, "--batch", "250"])
        #expect(ingest.status == replay.status)
        #expect(ingest.stderr == replay.stderr)
        #expect(Fixtures.contractLines(try run(["achievements", "--db", whole, "--format", "jsonl"]).stdout) == replay.stdout)
        // The same file again: found by its identity, already complete, the same report.
        let again = try run(["ingest", "--db", whole, "--events", g.inputs.events])
        #expect(again.stderr == replay.stderr)
        // Read again from its first line: everything is a duplicate (ids accepted before are found in the database).
        let restart = try run(["ingest", "--db", whole, "--events", g.inputs.events, "--restart"])
        #expect(restart.stderr.contains(" 0 accepted,") && restart.stderr.hasSuffix("achievements: 0\n"), "\(restart.stderr.suffix(200))")
        #expect(Fixtures.contractLines(try run(["achievements", "--db", whole, "--format", "jsonl"]).stdout) == replay.stdout)

        // Seven files, one ingest each: later ones find earlier ids and saved progress in the database.
        let chunked = try server.database()
        #expect(try initialize(chunked, g.inputs).status == 0)
        for chunk in g.chunks(7, in: dir) {
            let r = try run(["ingest", "--db", chunked, "--events", chunk, "--batch", "100"])
            #expect(r.status == 0 || r.status == 65, "\(r.stderr)")
        }
        #expect(Fixtures.contractLines(try run(["achievements", "--db", chunked, "--format", "jsonl"]).stdout) == replay.stdout)
    }

    @Test("user, programs, why, rejects, preview and achievements tables answer on PostgreSQL as on SQLite")
    func lookUpsAgreeWithSQLite() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 3_000, seed: 7)
        let pg = try server.database()
        let lite = dir.path("db.sqlite")
        for db in [pg, lite] {
            #expect(try initialize(db, g.inputs).status == 0)
            _ = try run(["ingest", "--db", db, "--events", g.inputs.events])
        }
        let users = try run(["achievements", "--db", lite, "--format", "jsonl"]).stdout
            .split(separator: "\n").prefix(40).compactMap { line -> String? in
                guard let r = line.range(of: #""user":""#) else { return nil }
                return String(line[r.upperBound...].prefix { $0 != "\"" })
            }
        #expect(!users.isEmpty)
        var asked: [[String]] = [["programs"], ["achievements"], ["achievements", "--sort", "user"], ["achievements", "--format", "csv", "--sort", "reward"]]
        for u in Set(users).sorted().prefix(5) {
            asked.append(["user", u, "--today", "2026-12-01"])
            asked.append(["why", u, "--today", "2026-12-01"])
        }
        asked.append(["rejects", "--format", "csv"])
        asked.append(["preview", "--catalog", g.inputs.catalog])
        for args in asked {
            let a = try run(args + ["--db", pg]), b = try run(args + ["--db", lite])
            #expect(a.status == 0, "\(args) on PostgreSQL: \(a.stderr)")
            #expect(b.status == 0, "\(args) on SQLite: \(b.stderr)")
            // Rejects carry the time they were refused, and a user's pending deliveries the time their row was written
            // (SQLite's at ingest, PostgreSQL's when a worker evaluated: seconds apart); compare all but those columns.
            let strip: (String) -> String = {
                switch args[0] {
                case "rejects": return $0.replacing(#/,[0-9T:\-]+Z\n/#, with: "\n")
                case "user": return $0.replacing(#/(?m)( +[0-9]+ +)[0-9T:\-]+Z(.* ach-[0-9a-f]+:\S+)$/#) { "\($0.1)<written>\($0.2)" }
                default: return $0
                }
            }
            #expect(strip(a.stdout) == strip(b.stdout), "\(args)")
        }
    }

    @Test("a URL libpq cannot read is a usage error (64)")
    func badURL() throws {
        let r = try run(["achievements", "--db", "postgresql://u:hunter2-secret@[::1/db"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("not a usable PostgreSQL URL"))
        #expect(!r.stderr.contains("hunter2-secret"))
    }

    @Test("an unreachable server: 69, the message names the URL without its password", arguments: ["init", "ingest", "achievements", "user"])
    func unreachable(command: String) throws {
        let url = "postgresql://bob:hunter2-secret@/nodb?host=/nonexistent-incentives-socket"
        var args = [command, "--db", url]
        switch command {
        case "init": args += ["--catalog", Binary.packageRoot + "/Assets/demo/catalog.json", "--roster", Binary.packageRoot + "/Assets/demo/roster.jsonl"]
        case "ingest": args += ["--events", Binary.packageRoot + "/Assets/demo/events.jsonl"]
        case "user": args.insert("u-00001", at: 1)
        default: break
        }
        let r = try run(args)
        #expect(r.status == 69, "\(r.stderr)")
        #expect(r.stderr.contains("cannot reach the PostgreSQL server"))
        #expect(r.stderr.contains("postgresql://bob:*****@/nodb"))
        #expect(!r.stderr.contains("hunter2-secret"))
    }

    @Test("a refused password: 77, never printed; the right one (PGPASSWORD) works")
    func refusedPassword() throws {
        let db = try server.database()
        let name = PostgresServer.name(of: db)
        try server.sql(name, "GRANT ALL ON SCHEMA public TO \(PostgresServer.passwordRole)")
        let url = server.url(name, user: PostgresServer.passwordRole)
        var env = ProcessInfo.processInfo.environment
        env["PGPASSWORD"] = "wrong-staple-secret"
        let catalog = Binary.packageRoot + "/Assets/demo/catalog.json", roster = Binary.packageRoot + "/Assets/demo/roster.jsonl"
        let refused = try run(["init", "--db", url, "--catalog", catalog, "--roster", roster], environment: env)
        #expect(refused.status == 77, "\(refused.stderr)")
        #expect(refused.stderr.contains("refused"))
        #expect(!refused.stderr.contains("wrong-staple-secret"))
        env["PGPASSWORD"] = PostgresServer.password
        let ok = try run(["init", "--db", url, "--catalog", catalog, "--roster", roster], environment: env)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(!ok.stdout.contains(PostgresServer.password) && !ok.stderr.contains(PostgresServer.password))
    }

    /// Issue 20, item 8: a login the server refuses because its role does not exist was said as "cannot reach the
    /// PostgreSQL server" with 69; README promises 77 for a refused login, whatever the command (the console too).
    @Test("a missing role is a refused login: 77, not 69", arguments: ["init", "ingest", "achievements", "user", "why", "programs", "console"])
    func missingRole(command: String) throws {
        let db = try server.database()
        let url = server.url(PostgresServer.name(of: db), user: "ghost_role_nobody_made")
        let demo = Binary.packageRoot + "/Assets/demo"
        var args = [command, "--db", url]
        switch command {
        case "init": args += ["--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl"]
        case "ingest": args += ["--events", demo + "/events.jsonl"]
        case "user", "why": args.insert("u-00001", at: 1)
        default: break
        }
        let r = try run(args)
        #expect(r.status == 77, "\(command): \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("refused"), "\(r.stderr)")
        #expect(!r.stderr.contains("cannot reach"), "\(r.stderr)")
    }

    @Test("a schema from a newer version is refused (78) before anything is read or written")
    func newerSchema() throws {
        let db = try server.database()
        let demo = Binary.packageRoot + "/Assets/demo/"
        #expect(try run(["init", "--db", db, "--catalog", demo + "catalog.json", "--roster", demo + "roster.jsonl"]).status == 0)
        try server.sql(PostgresServer.name(of: db), "UPDATE incentives_schema SET version = 99")
        for args in [["achievements"], ["ingest", "--events", demo + "events.jsonl"], ["init", "--catalog", demo + "catalog.json", "--roster", demo + "roster.jsonl"]] {
            let r = try run(args + ["--db", db])
            #expect(r.status == 78, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("newer version of incentives (schema 99"), "\(r.stderr)")
        }
        #expect(try server.sql(PostgresServer.name(of: db), "SELECT count(*) FROM events").stdout == "0\n")
    }

    @Test("look-ups on an empty database say there is nothing yet (66)")
    func notInitialized() throws {
        let db = try server.database()
        let r = try run(["achievements", "--db", db])
        #expect(r.status == 66, "\(r.stderr)")
        let ingest = try run(["ingest", "--db", db, "--events", Binary.packageRoot + "/Assets/demo/events.jsonl"])
        #expect(ingest.status == 78, "\(ingest.stderr)")
    }

    @Test("the server ends the connection mid-ingest: 75, what was committed stays, the next run completes as replay")
    func serverGoesAwayMidBatch() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 40_000, seed: 3)
        let db = try server.database()
        let name = PostgresServer.name(of: db)
        #expect(try initialize(db, g.inputs).status == 0)
        let stderr = Pipe()
        let child = try Binary.launch(["ingest", "--db", db, "--events", g.inputs.events, "--batch", "20"], stderr: stderr)
        // Once some batches are committed, the server ends the ingest's session (as a restart or failover would).
        var committed = 0
        for _ in 0..<2_000 where committed == 0 {
            committed = Int(try server.sql(name, "SELECT coalesce(max(line), 0) FROM ingests").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
            if committed == 0 { usleep(5_000) }
        }
        try server.sql(name, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)' AND pid <> pg_backend_pid()")
        let said = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        #expect(child.terminationStatus == 75, "\(said.suffix(300))")
        #expect(said.contains("connection to the PostgreSQL server was lost"), "\(said.suffix(300))")
        // Batches are whole: the checkpoint and the events it covers agree.
        let events = try server.sql(name, "SELECT count(*) FROM events").stdout
        let accepted = try server.sql(name, "SELECT accepted FROM ingests").stdout
        #expect(events == accepted && events != "0\n", "events \(events) accepted \(accepted)")
        try expectRerunEndsAsReplay(db, g.inputs)
    }

    @Test("a batch the server refuses takes the batch written beside it down: what is stored is a prefix of the file, the checkpoint its end")
    func refusedBatchStopsTheLanes() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 4_000, seed: 8)
        let db = try server.database()
        let name = PostgresServer.name(of: db)
        #expect(try initialize(db, g.inputs).status == 0)
        // The server refuses event 250 once the other lane has sent a row of a later batch (waiting for that, up to
        // 20 s, not for a fixed pause). Rows of later batches count themselves in a sequence, which no rollback undoes:
        // the test then knows the race it is about happened.
        let refuse = try server.sql(name, """
            CREATE SEQUENCE later_rows;
            CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
              BEGIN
                IF NEW.seq > 250 THEN PERFORM nextval('later_rows'); END IF;
                IF NEW.seq = 250 THEN
                  FOR i IN 1..400 LOOP EXIT WHEN (SELECT is_called FROM later_rows); PERFORM pg_sleep(0.05); END LOOP;
                  RAISE EXCEPTION 'refused for the test';
                END IF;
                RETURN NEW;
              END $$;
            CREATE TRIGGER refuse_one BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_one();
            """)
        try #require(refuse.status == 0, "\(refuse.stderr)")
        let failed = try run(["ingest", "--db", db, "--events", g.inputs.events, "--batch", "60", "--inbox-only"])
        #expect(failed.status == 70, "\(failed.stderr.suffix(300))") // StoreError.postgres: EX_SOFTWARE
        #expect(failed.stderr.contains("refused for the test"), "\(failed.stderr.suffix(300))")
        func number(_ q: String) throws -> Int { Int(try server.sql(name, q).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1 }
        #expect(try server.sql(name, "SELECT is_called FROM later_rows").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "t",
                "the other lane sent a later batch while event 250's was held: the race under test happened")
        let stored = try number("SELECT count(*) FROM events"), last = try number("SELECT coalesce(max(seq), 0) FROM events")
        #expect(stored == last, "no hole in seq: a later batch was not kept without the refused one")
        #expect(last > 0 && last < 250, "the batches before the refused one stay, none after it")
        #expect(try number("SELECT accepted FROM ingests") == stored, "the checkpoint covers exactly what is stored")
        #expect(try number("SELECT count(*) FROM events e WHERE e.line > (SELECT line FROM ingests)") == 0)
        #expect(try number("SELECT count(*) FROM rejects r WHERE r.line > (SELECT line FROM ingests)") == 0)
        // Once the server takes it, the next run resumes from the checkpoint and ends as replay.
        try #require(try server.sql(name, "DROP TRIGGER refuse_one ON events").status == 0)
        try expectRerunEndsAsReplay(db, g.inputs, ["--batch", "60"])
    }

    @Test("look-ups of events by id go through the events' id index, which compares bytes (migration 6)")
    func eventIDLookUpsUseTheIndex() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 2_000, seed: 4)
        let db = try server.database()
        let name = PostgresServer.name(of: db)
        #expect(try initialize(db, g.inputs).status == 0)
        let ingest = try run(["ingest", "--db", db, "--events", g.inputs.events])
        #expect(ingest.status == 0 || ingest.status == 65, "\(ingest.stderr.suffix(200))")
        #expect(try server.sql(name, "SELECT indexdef FROM pg_indexes WHERE indexname = 'events_id'").stdout.contains("COLLATE \"C\""))
        // The plan looks the ids up in the index (an Index Cond under each scan of it). With a collation the index does
        // not have, the planner reads the whole index and filters (a Filter under it), or scans the table.
        for (label, query) in [("the ingest's duplicate check", PGIngestor.priorEventsSQL.replacingOccurrences(of: "$1", with: "'{e1,e2}'")),
                               ("an event by id", PGStoreReader.eventByIDSQL.replacingOccurrences(of: "$1", with: "'e1'"))] {
            let plan = try server.sql(name, "SET enable_seqscan = off; EXPLAIN \(query)").stdout.split(separator: "\n").map(String.init)
            let scans = plan.indices.filter { plan[$0].contains("Scan") && plan[$0].contains("_id_idx") }
            #expect(!scans.isEmpty, "\(label): \(plan.joined(separator: "\n"))")
            #expect(scans.allSatisfy { $0 + 1 < plan.count && plan[$0 + 1].contains("Index Cond") }, "\(label): \(plan.joined(separator: "\n"))")
        }
        // And they find what they look for.
        let first = try server.sql(name, "SELECT id FROM events ORDER BY seq LIMIT 1").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let found = try server.sql(name, PGIngestor.priorEventsSQL.replacingOccurrences(of: "$1", with: "'{\(first),nowhere}'")).stdout
        #expect(found.hasPrefix(first + "|"), "\(found)")
    }
}
