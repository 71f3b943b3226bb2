import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore
@testable import IncentivesPostgres
#if canImport(Glibc)
import Glibc
#endif

/// Many ingest workers on PostgreSQL (#13, DESIGN.md §9): the ingest admits lines into the inbox in file order,
/// `incentives work` processes evaluate it a user partition at a time under leases. Whatever the number of
/// workers, and when one is killed or the server ends their sessions, the result is `replay`'s exactly.
@Suite("PostgreSQL workers", .timeLimit(.minutes(10)))
struct PostgresWorkersTests {
    let server: PostgresServer
    let binary: String

    init() throws {
        server = try PostgresServer.shared()
        binary = try Binary.located()
    }

    func run(_ args: [String]) throws -> ProcessOutput { try runProcess(binary, args) }

    func initialize(_ db: String, _ inputs: Inputs) throws {
        let r = try run(["init", "--db", db, "--catalog", inputs.catalog, "--roster", inputs.roster])
        #expect(r.status == 0, "\(r.stderr)")
    }

    func replay(_ inputs: Inputs) throws -> ProcessOutput {
        try run(["replay", "--catalog", inputs.catalog, "--roster", inputs.roster, "--events", inputs.events])
    }

    func listed(_ db: String) throws -> String {
        let r = try run(["achievements", "--db", db, "--format", "jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        return Fixtures.contractLines(r.stdout)
    }

    func sql(_ db: String, _ statement: String) throws -> String {
        try server.sql(PostgresServer.name(of: db), statement).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls `condition` until it holds or `seconds` pass; whether it held.
    @discardableResult
    func waitFor(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            usleep(5_000)
        }
        return try condition()
    }

    /// How many stored events are after their partition's position (not evaluated yet).
    static let unevaluatedEvents = "SELECT count(*) FROM events e WHERE e.seq > (SELECT position FROM work_positions w WHERE w.part = "
        + "(SELECT p FROM generate_series(0, 7) p WHERE satisfies_hash_partition('events'::regclass, 8, p, e.user_id)))"

    /// How many ingests' stored award counts differ from the awards their events earned (the join it replaced).
    static let ingestCountsDisagreeing = """
        SELECT count(*) FROM ingests i WHERE i.achievements <> (SELECT count(*) FROM achievements a
          WHERE EXISTS (SELECT 1 FROM events e WHERE e.user_id = a.user_id AND e.seq = a.event_seq AND e.ingest = i.id))
        """

    /// Every contract scenario, those of `next/` too (`Tests/Fixtures/Scenarios`).
    static var scenarios: [(name: String, inputs: Inputs)] { Fixtures.scenarios }

    @Test("every contract scenario (next/ too) with 1 and 3 workers: the summary and the achievements are replay's", arguments: [1, 3])
    func scenariosMatchReplay(workers: Int) throws {
        let scenarios = Self.scenarios
        #expect(scenarios.count >= 15)
        #expect(scenarios.contains { $0.name.hasPrefix("next/13-") })
        for (name, inputs) in scenarios {
            let replay = try replay(inputs)
            let db = try server.database()
            let initRun = try run(["init", "--db", db, "--catalog", inputs.catalog, "--roster", inputs.roster])
            if replay.status == 78 { #expect(initRun.status == 78, "\(name)"); continue }
            #expect(initRun.status == 0, "\(name): \(initRun.stderr)")
            let ingest = try run(["ingest", "--db", db, "--events", inputs.events, "--workers", String(workers)])
            #expect(ingest.status == replay.status, "\(name)")
            #expect(ingest.stderr == replay.stderr, "\(name)")
            #expect(try listed(db) == replay.stdout, "\(name)")
        }
    }

    @Test("a generated file with 1 and 3 workers, small batches, and in chunks filled by --inbox-only then worked: replay's", arguments: [1, 3])
    func generatedFileMatchesReplay(workers: Int) throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 80, events: 8_000, seed: 11)
        let replay = try replay(g.inputs)
        #expect(replay.stdout.split(separator: "\n").count > 50)

        let whole = try server.database()
        try initialize(whole, g.inputs)
        let ingest = try run(["ingest", "--db", whole, "--events", g.inputs.events, "--batch", "700", "--workers", String(workers), "--work-batch", "40"])
        #expect(ingest.status == replay.status)
        #expect(ingest.stderr == replay.stderr)
        #expect(try listed(whole) == replay.stdout)
        // Every partition was evaluated to its end, and every award has its delivery rows.
        #expect(try sql(whole, Self.unevaluatedEvents) == "0")

        // Seven files into the inbox only, then workers (processes of their own) evaluate everything at once.
        let chunked = try server.database()
        try initialize(chunked, g.inputs)
        for chunk in g.chunks(7, in: dir) {
            let r = try run(["ingest", "--db", chunked, "--events", chunk, "--inbox-only", "--batch", "300"])
            #expect(r.status == 0 || r.status == 65, "\(r.stderr)")
            #expect(r.stderr.hasSuffix("achievements: 0\n"), "\(r.stderr.suffix(120))")
        }
        #expect(try listed(chunked).isEmpty)
        let started = try (0..<workers).map { _ in try Binary.launch(["work", "--db", chunked, "--until-drained", "--batch", "50", "--quiet"]) }
        for p in started {
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        #expect(try listed(chunked) == replay.stdout)
        // Each ingest's summary count, kept by the workers as they store awards, is the awards its own events earned.
        #expect(try sql(chunked, Self.ingestCountsDisagreeing) == "0")
        #expect(try sql(chunked, "SELECT count(DISTINCT id) FROM ingests WHERE achievements > 0") != "1", "the awards came from several chunks")
        // The same deliveries as the database ingested whole.
        #expect(try sql(chunked, "SELECT string_agg(id, ',' ORDER BY id) FROM deliveries") == (try sql(whole, "SELECT string_agg(id, ',' ORDER BY id) FROM deliveries")))
    }

    @Test("an idle worker waits for a NOTIFY instead of polling, and evaluates what an ingest commits meanwhile")
    func idleWorkerListens() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 3_000, seed: 21)
        let replay = try replay(g.inputs)
        let db = try server.database()
        try initialize(db, g.inputs)
        let worker = try Binary.launch(["work", "--db", db, "--quiet"])
        // SIGKILL: a SIGTERM from the test runner's process can stay blocked in its children.
        defer { kill(worker.processIdentifier, SIGKILL); worker.waitUntilExit() }
        let mine = "application_name = 'incentives work \(worker.processIdentifier)'"
        #expect(try waitFor(30) { try sql(db, "SELECT count(*) FROM pg_stat_activity WHERE \(mine) AND query LIKE '%LISTEN%' OR \(mine) AND state = 'idle'") != "0" })
        // Idle, it is waiting on its socket: its last statement grows old, up to a second, when it looks again
        // (polling every 50 ms, it ran about ten statements in each 50 ms, none ever older than that). Waited for —
        // the age passing 0.5 s — not sampled at fixed times: a polling worker never gets there, a listening one does
        // within its first idle second even on a loaded machine.
        var ages: [Double] = []
        #expect(try waitFor(30) {
            ages.append(Double(try sql(db, "SELECT extract(epoch FROM now() - query_start) FROM pg_stat_activity WHERE \(mine)")) ?? 0)
            return ages.last! > 0.5
        }, "ages of its last statement: \(ages.suffix(10))")
        // An ingest that starts no worker of its own: the idle one evaluates all of it.
        let inbox = try run(["ingest", "--db", db, "--events", g.inputs.events, "--inbox-only"])
        #expect(inbox.status == replay.status, "\(inbox.stderr.suffix(200))")
        #expect(try waitFor(60) { try sql(db, Self.unevaluatedEvents) == "0" })
        #expect(try listed(db) == replay.stdout)
    }

    @Test("a worker that fails leaves the inbox unevaluated: ingest --workers exits 75 and says how to finish; work --until-drained then ends as replay")
    func failingWorkerIsReported() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 2_000, seed: 23)
        let replay = try replay(g.inputs)
        let db = try server.database()
        try initialize(db, g.inputs)
        // Every award the workers try to store is refused by the server.
        try #require(try server.sql(PostgresServer.name(of: db), """
            CREATE FUNCTION refuse_award() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'award refused for the test'; END $$;
            CREATE TRIGGER refuse_award BEFORE INSERT ON achievements FOR EACH ROW EXECUTE FUNCTION refuse_award();
            """).status == 0)
        let ingest = try run(["ingest", "--db", db, "--events", g.inputs.events, "--workers", "2"])
        #expect(ingest.status == 75, "\(ingest.stderr.suffix(400))")
        #expect(ingest.stderr.contains("the inbox is written but not all evaluated"), "\(ingest.stderr.suffix(400))")
        #expect(ingest.stderr.contains("run 'incentives work --until-drained' to finish"), "\(ingest.stderr.suffix(400))")
        #expect(try sql(db, "SELECT count(*) FROM achievements") == "0")
        _ = try sql(db, "DROP TRIGGER refuse_award ON achievements")
        let work = try run(["work", "--db", db, "--until-drained", "--quiet"])
        #expect(work.status == 0, "\(work.stderr.suffix(300))")
        #expect(try listed(db) == replay.stdout)
    }

    @Test("a worker killed with SIGKILL mid-run: the others take its partitions over; no event lost, no award or delivery twice")
    func killedWorkerIsTakenOver() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 120, events: 40_000, seed: 5)
        let replay = try replay(g.inputs)
        let db = try server.database()
        try initialize(db, g.inputs)
        let inbox = try run(["ingest", "--db", db, "--events", g.inputs.events, "--inbox-only"])
        #expect(inbox.status == replay.status, "\(inbox.stderr.suffix(300))")
        let last = Int(try sql(db, "SELECT max(seq) FROM events")) ?? 0
        #expect(last > 30_000)

        let workers = try (0..<3).map { _ in try Binary.launch(["work", "--db", db, "--until-drained", "--batch", "25", "--quiet"]) }
        // Once the victim holds leases and batches are committed (the work far from done), it dies at once.
        let victim = workers[1]
        let leases = """
            SELECT count(*) FROM pg_stat_activity WHERE application_name = 'incentives work \(victim.processIdentifier) leases'
              AND backend_xid IS NOT NULL
            """
        #expect(try waitFor(60) { try sql(db, leases) != "0" })
        let start = Int(try sql(db, "SELECT sum(position) FROM work_positions")) ?? 0
        #expect(try waitFor(60) { (Int(try sql(db, "SELECT sum(position) FROM work_positions")) ?? 0) >= start + 8_000 })
        kill(victim.processIdentifier, SIGKILL)
        victim.waitUntilExit()
        #expect(victim.terminationReason == .uncaughtSignal)
        let before = try sql(db, "SELECT count(*) FROM work_positions WHERE position < \(last)")
        #expect(before != "0", "the work was over before the kill: make the file bigger")
        for p in [workers[0], workers[2]] {
            p.waitUntilExit()
            #expect(p.terminationStatus == 0)
        }
        #expect(try listed(db) == replay.stdout)
        #expect(try sql(db, "SELECT count(*) FROM achievements") == String(replay.stdout.split(separator: "\n").count))
        // The killed worker's batch in flight added nothing to the ingest's count either.
        #expect(try sql(db, Self.ingestCountsDisagreeing) == "0")
        // Each award has one delivery row per partner serving it: as many as one uninterrupted worker writes.
        let calm = try server.database()
        try initialize(calm, g.inputs)
        _ = try run(["ingest", "--db", calm, "--events", g.inputs.events])
        #expect(try sql(db, "SELECT count(*) FROM deliveries") == (try sql(calm, "SELECT count(*) FROM deliveries")))
        #expect(try sql(db, "SELECT md5(string_agg(id, ',' ORDER BY id)) FROM deliveries") == (try sql(calm, "SELECT md5(string_agg(id, ',' ORDER BY id)) FROM deliveries")))
        #expect(try sql(db, "SELECT md5(string_agg(user_id || encode(state, 'hex'), ',' ORDER BY user_id)) FROM progress")
                == (try sql(calm, "SELECT md5(string_agg(user_id || encode(state, 'hex'), ',' ORDER BY user_id)) FROM progress")))
    }

    @Test("a conflicting duplicate under a user of another partition: the first in file order stands, as replay decides", arguments: [false, true])
    func conflictAcrossPartitions(reversed: Bool) throws {
        let dir = TempDir()
        let db = try server.database()
        let catalog = dir.path("catalog.json"), roster = dir.path("roster.jsonl"), events = dir.path("events.jsonl")
        try """
            {"incentives": [{"id": "birth", "name": "Report a birth", "kind": "single", "event": "birth_reported"},
                            {"id": "streak-2", "name": "Two days", "kind": "streak", "event": "health_data_logged", "days": 2}],
             "employers": [{"id": "acme", "name": "Acme", "programs": [{"id": "p", "starts": "2026-01-01", "ends": "2026-12-31",
               "rewards": [{"incentive": "birth", "reward": "Gift card"}, {"incentive": "streak-2", "reward": "Socks"}]}]}]}
            """.write(toFile: catalog, atomically: true, encoding: .utf8)
        let users = (1...40).map { "user-\($0)" }
        try users.map { #"{"id": "\#($0)", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# }.joined(separator: "\n")
            .write(toFile: roster, atomically: true, encoding: .utf8)
        try initialize(db, Inputs(catalog: catalog, roster: roster, events: events))
        // Two users the server places in different partitions of the per-user tables.
        func partition(_ user: String) throws -> Int {
            Int(try sql(db, "SELECT p FROM generate_series(0, 7) p WHERE satisfies_hash_partition('events'::regclass, 8, p, '\(user)'::text)")) ?? -1
        }
        let a = users[0]
        var b = users[1]
        for u in users.dropFirst() where try partition(u) != partition(a) { b = u; break }
        #expect(try partition(a) != partition(b))
        let (first, second) = reversed ? (b, a) : (a, b)
        // The same id for both users: the second line is a conflict. Each user's other events make the id matter:
        // the one whose event stands gets its 2-day streak, the other does not.
        try """
            {"id": "x-1", "type": "health_data_logged", "user": "\(first)", "at": "2026-03-01T10:00:00Z", "category": "mood"}
            {"id": "x-1", "type": "health_data_logged", "user": "\(second)", "at": "2026-03-01T11:00:00Z", "category": "mood"}
            {"id": "a-2", "type": "health_data_logged", "user": "\(first)", "at": "2026-03-02T10:00:00Z", "category": "sleep"}
            {"id": "b-2", "type": "health_data_logged", "user": "\(second)", "at": "2026-03-02T10:00:00Z", "category": "sleep"}
            {"id": "x-1", "type": "health_data_logged", "user": "\(first)", "at": "2026-03-01T10:00:00Z", "category": "mood"}
            {"id": "b-3", "type": "birth_reported", "user": "\(second)", "at": "2026-03-03T10:00:00Z"}

            """.write(toFile: events, atomically: true, encoding: .utf8)
        let inputs = Inputs(catalog: catalog, roster: roster, events: events)
        let replay = try replay(inputs)
        #expect(replay.status == 65)
        #expect(replay.stderr.contains("events.jsonl:2: "), "\(replay.stderr)")
        let ingest = try run(["ingest", "--db", db, "--events", events, "--workers", "3", "--work-batch", "1"])
        #expect(ingest.status == 65)
        #expect(ingest.stderr == replay.stderr)
        #expect(try listed(db) == replay.stdout)
        #expect(replay.stdout.contains(#""user":"\#(first)","employer":"acme","program":"p","incentive":"streak-2""#))
        #expect(!replay.stdout.contains(#""user":"\#(second)","employer":"acme","program":"p","incentive":"streak-2""#))
        #expect(try sql(db, "SELECT user_id FROM events WHERE id = 'x-1'") == first)
        #expect(try sql(db, "SELECT count(*) FROM rejects WHERE code = 'conflict' AND line = 2") == "1")
    }

    @Test("work on a database nobody initialised: 66 with what to do; on a SQLite file: a usage error")
    func workOnUninitialisedDatabase() throws {
        let db = try server.database()
        let r = try run(["work", "--db", db, "--until-drained"])
        #expect(r.status == 66, "\(r.stderr)")
        #expect(r.stderr.contains("no catalog and roster yet; run 'incentives init"), "\(r.stderr)")
        let dir = TempDir()
        let lite = try run(["work", "--db", dir.path("x.sqlite"), "--until-drained"])
        #expect(lite.status == 64, "\(lite.stderr)")
        #expect(lite.stderr.contains("PostgreSQL only"))
        let help = try run(["work", "--help"])
        #expect(help.status == 0 && help.stdout.contains("--until-drained") && help.stdout.contains("--batch N"))
        #expect(try run(["ingest", "--help"]).stdout.contains("--workers N"))
    }

    @Test("the server ends the workers' sessions mid-work: 75, whole batches only, and a rerun completes as replay")
    func serverTerminatesWorkers() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 30_000, seed: 9)
        let replay = try replay(g.inputs)
        let db = try server.database()
        let name = PostgresServer.name(of: db)
        try initialize(db, g.inputs)
        #expect(try run(["ingest", "--db", db, "--events", g.inputs.events, "--inbox-only"]).status == replay.status)
        let stderr = Pipe()
        let child = try Binary.launch(["work", "--db", db, "--until-drained", "--batch", "20", "--quiet"], stderr: stderr)
        #expect(try waitFor(60) { (Int(try sql(db, "SELECT sum(position) FROM work_positions")) ?? 0) > 0 })
        try server.sql(name, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(name)' AND pid <> pg_backend_pid()")
        let said = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        #expect(child.terminationStatus == 75, "\(said.suffix(300))")
        #expect(said.contains("connection to the PostgreSQL server was lost"), "\(said.suffix(300))")
        // Whole batches: every award stored was earned by an event at or before its partition's position.
        #expect(try sql(db, """
            SELECT count(*) FROM achievements a WHERE a.event_seq > (SELECT position FROM work_positions w WHERE w.part =
              (SELECT p FROM generate_series(0, 7) p WHERE satisfies_hash_partition('events'::regclass, 8, p, a.user_id)))
            """) == "0")
        #expect(try sql(db, "SELECT count(*) FROM work_positions WHERE position < (SELECT max(seq) FROM events)") != "0")
        let again = try run(["work", "--db", db, "--until-drained"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("work: drained:"))
        #expect(try listed(db) == replay.stdout)
    }

    @Test("init refuses to change the catalog while a worker runs (75), and works once it stops")
    func initWaitsForWorkers() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 20, events: 500, seed: 2)
        let db = try server.database()
        try initialize(db, g.inputs)
        let worker = try Binary.launch(["work", "--db", db, "--quiet"])
        defer { if worker.isRunning { kill(worker.processIdentifier, SIGKILL); worker.waitUntilExit() } }
        // This worker's own slot (named by its pid: pg_stat_activity is the whole server's, and another test's worker
        // once satisfied a pattern here before this one held anything, so init ran with no worker to refuse it).
        #expect(try waitFor(60) { try sql(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'incentives work \(worker.processIdentifier) slot' AND backend_xid IS NOT NULL") != "0" })
        let refused = try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster])
        #expect(refused.status == 75, "\(refused.stderr)")
        #expect(refused.stderr.contains("workers ('incentives work') are running"))
        // A running worker evaluates what an ingest adds.
        let ingest = try run(["ingest", "--db", db, "--events", g.inputs.events, "--inbox-only"])
        #expect(ingest.status == 0 || ingest.status == 65)
        let replay = try replay(g.inputs)
        #expect(try waitFor(60) { try listed(db) == replay.stdout })
        // SIGKILL: a worker needs no goodbye (and a test thread's child may have SIGTERM blocked, inherited).
        kill(worker.processIdentifier, SIGKILL)
        worker.waitUntilExit()
        let ok = try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster])
        #expect(ok.status == 0, "\(ok.stderr)")
    }

    @Test("a database of schema 1 (before the workers) is brought up to date: awards renumbered in replay's order, later ingests go on exactly")
    func upgradesSchemaOne() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 4_000, seed: 13)
        let replay = try replay(g.inputs)
        let db = try server.database()
        try initialize(db, g.inputs)
        let chunks = g.chunks(2, in: dir)
        let first = try run(["ingest", "--db", db, "--events", chunks[0]])
        #expect(first.status == 0 || first.status == 65)
        // As version 1 left a database: awards numbered densely in recording order, no positions, no `upto`.
        let awards = try sql(db, "SELECT count(*) FROM achievements")
        #expect(awards != "0")
        try server.sql(PostgresServer.name(of: db), """
            UPDATE achievements a SET seq = n.r FROM (SELECT user_id, id, row_number() OVER (ORDER BY seq) AS r FROM achievements) n
              WHERE a.user_id = n.user_id AND a.id = n.id;
            DROP TABLE work_positions; ALTER TABLE progress DROP COLUMN upto; DROP FUNCTION incentives_notify_changes() CASCADE;
            ALTER TABLE achievements DROP COLUMN recorded; DROP SEQUENCE achievements_recorded; ALTER TABLE ingests DROP COLUMN last_seq;
            DROP INDEX events_id; CREATE INDEX events_id ON events(id);
            DROP VIEW deliverable_achievements; ALTER TABLE achievements DROP COLUMN tier; DROP TABLE refused_events, work_refusals, pipeline_locks, worker_slots; ALTER TABLE deliveries DROP CONSTRAINT deliveries_next_attempt_finite; DROP INDEX rejects_position;
            DROP TABLE duplicate_arrivals;
            ALTER TABLE achievements ADD COLUMN json text NOT NULL DEFAULT '';
            UPDATE incentives_schema SET version = 1;
            """)
        #expect(try sql(db, "SELECT max(seq) FROM achievements") == awards)
        let second = try run(["ingest", "--db", db, "--events", chunks[1], "--workers", "2"])
        #expect(second.status == 0 || second.status == 65, "\(second.stderr)")
        #expect(try sql(db, "SELECT version FROM incentives_schema") == String(PGSchema.version))
        #expect(try sql(db, "SELECT count(*) FROM ingests WHERE last_seq IS NOT NULL") == "1", "the ingest after the upgrade records its last event")
        #expect(try listed(db) == replay.stdout)
    }

    @Test("an event number from the database too large to number its awards after is refused, not wrapped or trapped on")
    func anEventNumberBeyondTheAwardsRoomIsRefused() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 20, events: 500, seed: 5)
        let db = try server.database()
        try initialize(db, g.inputs)
        let queued = try run(["ingest", "--db", db, "--events", g.inputs.events, "--inbox-only"])
        #expect(queued.status == 0 || queued.status == 65, "\(queued.stderr)")
        try server.sql(PostgresServer.name(of: db), "UPDATE events SET seq = seq + 9000000000000000000")
        let work = try run(["work", "--db", db, "--until-drained", "--quiet"])
        #expect(work.status == 65, "\(work.status) \(work.stderr)")
        #expect(work.stderr.contains("is beyond what awards can be numbered after"), "\(work.stderr)")
        #expect(try sql(db, "SELECT count(*) FROM achievements") == "0", "nothing of the refused batch kept")
    }
}
