import Foundation
import Testing
import IncentivesCore
import IncentivesInput
@testable import IncentivesStore
@testable import IncentivesPostgres
@testable import IncentivesSQL

/// `why` on a store shows an exact re-send where it arrived, as the file form does (issue 20, item 4): the store keeps
/// where each arrived (`duplicate_arrivals`), one row per source position however often the file is read again. And
/// the store's `why` reads the user's timeline in pages (issue 21, item 7): any page size gives the same explanation.
@Suite("why: exact re-sends on both stores, paged", .timeLimit(.minutes(10)))
struct WhyDuplicateArrivalTests {
    let binary: String

    init() throws { binary = try Binary.located() }

    enum Kind: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }
    }

    /// A fresh database of the kind: its `--db` value, how many re-sends it holds, and a reader of it.
    struct DB {
        let url: String
        let count: () throws -> Int
        let reader: () throws -> any WhyStreaming
    }

    func database(_ kind: Kind, in dir: TempDir) throws -> DB {
        switch kind {
        case .sqlite:
            let path = dir.path("why.sqlite")
            return DB(url: path, count: { try StoreReader(path: path).db.integer("SELECT count(*) FROM duplicate_arrivals") },
                      reader: { try StoreReader(path: path) })
        case .postgres:
            let server = try PostgresServer.shared()
            let url = try server.database("why")
            return DB(url: url, count: {
                Int(try server.sql(PostgresServer.name(of: url), "SELECT count(*) FROM duplicate_arrivals").stdout
                    .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            }, reader: { try PGStoreReader(url: url) })
        }
    }

    func run(_ args: [String]) throws -> ProcessOutput { try runProcess(binary, args) }

    /// Every line as text, everything `why --format jsonl` says of it. A conflict's content (type, instant, category) is
    /// not kept by the stores (the first event stands; the rejects table keeps its id and reason): left out.
    static func rendered(_ lines: [ExplanationLine], slots: [RewardSlot]) -> [String] {
        lines.map { l in
            let e = l.event, conflict = l.outcome.code == "conflict"
            let content = conflict ? "-" : "\(e.type?.rawValue ?? "nil") \(e.at.map { "\($0)" } ?? "nil") \(e.category ?? "nil") \(e.localDay?.iso ?? "nil")"
            let slot = l.slotIndex.map { "\(slots[$0].program.id)/\(slots[$0].incentive.id)" } ?? "(all)"
            return "\(e.id ?? "nil") \(content) \(e.file ?? "nil"):\(e.line.map(String.init) ?? "nil") \(slot) \(l.outcome.code) \(l.outcome.sentence)"
        }
    }

    /// Collects the lines and counts them; stops after `stopAfter`.
    final class Lines: ExplanationConsumer {
        var lines: [ExplanationLine] = []
        var slots: [RewardSlot] = []
        let stopAfter: Int?
        init(stopAfter: Int? = nil) { self.stopAfter = stopAfter }
        func begin(member: Member, slots: [RewardSlot]) { self.slots = slots }
        func take(_ line: ExplanationLine) -> Bool {
            // A keyset that does not move on would read the same rows for ever: fail, not fill the memory.
            guard lines.count < 100_000 else {
                Issue.record("more than 100,000 lines: the reading does not move on")
                return false
            }
            lines.append(line)
            return stopAfter.map { lines.count < $0 } ?? true
        }
        var text: [String] { WhyDuplicateArrivalTests.rendered(lines, slots: slots) }
    }

    static let today = LocalDate(iso: "2026-12-31")!

    func fromFile(_ user: String, _ inputs: Inputs, stopAfter: Int? = nil, linesRead: ((Int) -> Void)? = nil) throws -> Lines {
        let catalog = try CatalogDecoder.load(path: inputs.catalog)
        let engine = try Engine(catalog: catalog, roster: try RosterDecoder.load(path: inputs.roster, catalog: catalog))
        let lines = Lines(stopAfter: stopAfter)
        _ = try #require(try FileExplanation.explain(user: user, engine: engine, events: inputs.events, today: Self.today, program: nil,
                                                     to: lines, linesRead: linesRead))
        return lines
    }

    func fromStore(_ db: DB, _ user: String, paging: WhyPaging = WhyPaging(), stopAfter: Int? = nil) throws -> Lines {
        let lines = Lines(stopAfter: stopAfter)
        _ = try #require(try db.reader().explain(user: user, today: Self.today, program: nil, paging: paging, to: lines))
        return lines
    }

    @Test("scenario 06: the exact re-send (line 3) is shown where it arrived, on the store as from the file", arguments: Kind.allCases)
    func scenarioSix(_ kind: Kind) throws {
        let dir = TempDir()
        let scenario = try #require(ContractCases.all.first { $0.name.hasPrefix("06-") })
        let db = try database(kind, in: dir)
        let files = [scenario.catalog, scenario.roster, scenario.events]
        #expect(try run(["init", "--db", db.url, "--catalog", files[0], "--roster", files[1]]).status == 0)
        #expect(try run(["ingest", "--db", db.url, "--events", files[2]]).status == 65)
        let why = ["--today", "2026-03-05", "--format", "jsonl"]
        let stored = try run(["why", "ana", "--db", db.url] + why)
        let file = try run(["why", "ana", "--catalog", files[0], "--roster", files[1], "--events", files[2]] + why)
        #expect(stored.status == 0 && file.status == 0, "\(stored.stderr) \(file.stderr)")
        let duplicate = try #require(stored.stdout.split(separator: "\n").first { $0.contains("\"outcome\":\"duplicate\"") })
        #expect(duplicate.contains("\"event\":\"a1\"") && duplicate.contains("\"line\":3"), "\(duplicate)")
        // Line for line the same, the conflict's content aside (the store keeps its id and reason).
        func normalized(_ out: String) -> [String] {
            out.split(separator: "\n").map { line in
                guard line.contains("\"outcome\":\"conflict\"") else { return String(line) }
                return line.replacingOccurrences(of: #""type":[^,]*,"category":[^,]*,"at":[^,]*,"localDay":[^,]*,"#, with: "", options: .regularExpression)
            }
        }
        #expect(normalized(stored.stdout) == normalized(file.stdout))
        #expect(try db.count() == 1)
    }

    @Test("a generated history with re-sends: the store's why is the file's, re-reads add no row", arguments: Kind.allCases)
    func generatedHistory(_ kind: Kind) throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 12, events: 2_400, seed: 20)
        let db = try database(kind, in: dir)
        #expect(try run(["init", "--db", db.url, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        #expect(try run(["ingest", "--db", db.url, "--events", g.inputs.events, "--batch", "101"]).status == 65)
        let users = (0..<12).map { "u\($0)" }
        func expectSameAsFile(_ label: String) throws {
            var resends = 0
            for user in users {
                let file = try fromFile(user, g.inputs), stored = try fromStore(db, user)
                // A generated conflict names another user than the event it contradicts: the file form explains it with
                // the line's user, the store with the stored event's; and a refused line is not stored under a user.
                // Every event and every re-send line for line.
                let noConflicts = { (l: Lines) in
                    zip(l.lines, l.text).filter { !["conflict", "rejected"].contains($0.0.outcome.code) }.map(\.1)
                }
                let (a, b) = (noConflicts(stored), noConflicts(file))
                let first = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
                if a != b { Issue.record("\(label) \(user): \(a.count) and \(b.count) lines, first difference at \(first): \(a.dropFirst(first).first ?? "-") | \(b.dropFirst(first).first ?? "-")") }
                resends += file.lines.filter { $0.outcome.code == "duplicate" }.count
            }
            #expect(resends > 20, "the generated file re-sends events")
        }
        try expectSameAsFile("first ingest")
        let rows = try db.count()
        #expect(rows > 20)
        for args in [["--restart"], ["--restart", "--batch", "37"]] {
            #expect(try run(["ingest", "--db", db.url, "--events", g.inputs.events] + args).status == 65)
            #expect(try db.count() == rows, "\(args): a re-read is not a re-send")
            try expectSameAsFile("\(args)")
        }
        // The same lines on standard input are re-sent from another source: recorded once, however often sent.
        let text = try String(contentsOfFile: g.inputs.events, encoding: .utf8)
        var counts: [Int] = []
        for _ in 0..<2 {
            let r = try runProcess("/bin/sh", ["-c", "exec \"$0\" \"$@\" < \(dir.write("in.jsonl", text))", binary, "ingest", "--db", db.url, "--events", "-"])
            #expect(r.status == 65, "\(r.stderr.suffix(300))")
            counts.append(try db.count())
        }
        #expect(counts[0] > rows && counts[1] == counts[0], "\(rows) \(counts)")
    }

    @Test("any page size gives the same explanation; --limit stops the reading", arguments: Kind.allCases)
    func paging(_ kind: Kind) throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 3, events: 1_500, seed: 7)
        let db = try database(kind, in: dir)
        #expect(try run(["init", "--db", db.url, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        #expect(try run(["ingest", "--db", db.url, "--events", g.inputs.events, "--batch", "64"]).status == 65)
        for user in ["u0", "u1", "u2"] {
            let whole = try fromStore(db, user, paging: WhyPaging(pageSize: 1_000_000)).text
            #expect(whole.count > 400 && whole.contains { $0.contains(" duplicate ") }, "\(user): \(whole.count) lines")
            for size in [1, 7] {
                #expect(try fromStore(db, user, paging: WhyPaging(pageSize: size)).text == whole, "\(user), pages of \(size)")
            }
        }
        // Five lines wanted: a page of each kind of row is read, not the user's history.
        var all = 0, stopped = 0
        _ = try fromStore(db, "u1", paging: WhyPaging(pageSize: 7, rowsRead: { all += $0 }))
        let five = try fromStore(db, "u1", paging: WhyPaging(pageSize: 7, rowsRead: { stopped += $0 }), stopAfter: 5)
        #expect(five.lines.count == 5)
        #expect(all > 300 && stopped <= 3 * 7, "rows read: \(stopped) of \(all)")
        // The file form stops reading the file as well.
        var linesRead = 0
        let fromTheFile = try fromFile("u1", g.inputs, stopAfter: 5, linesRead: { linesRead += $0 })
        #expect(fromTheFile.lines.count == 5 && linesRead < 100, "lines read: \(linesRead) of \(g.eventLines.count)")
    }

    @Test("why --limit N: N event lines, the rewards as of there, and a line saying the reading stopped")
    func limitOnTheCommandLine() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 3, events: 600, seed: 7)
        let db = dir.path("limit.sqlite")
        #expect(try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        #expect(try run(["ingest", "--db", db, "--events", g.inputs.events]).status == 65)
        for source in [["--db", db], ["--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", g.inputs.events]] {
            let r = try run(["why", "u1", "--format", "jsonl", "--limit", "4"] + source)
            #expect(r.status == 0, "\(r.stderr)")
            let kinds = r.stdout.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                .map { $0["kind"] as? String ?? "?" }
            #expect(kinds.filter { $0 == "event" }.count == 4 && kinds.last == "stopped" && kinds.contains("reward"), "\(kinds)")
        }
    }

    @Test("SQLite: a version-9 database gets the table at its next open")
    func sqliteMigration() throws {
        let dir = TempDir()
        let path = dir.path("old.sqlite")
        let raw = try Database(path: path, mode: .readWrite(create: true))
        try raw.transaction {
            for m in Schema.migrations.prefix(9) { try raw.execute(m) }
            try raw.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 9")
        }
        #expect(try raw.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'duplicate_arrivals'") == 0)
        let store = try Store(path: path, create: false)
        #expect(try store.db.pragma("user_version") == Schema.version)
        #expect(try store.db.integer("SELECT count(*) FROM sqlite_schema WHERE name IN ('duplicate_arrivals', 'duplicate_arrivals_user')") == 2)
    }

    @Test("PostgreSQL: a schema-11 database gets the table; the reader reads it, the writer writes it, the sender does not see it")
    func postgresMigrationAndRoles() throws {
        let server = try PostgresServer.shared()
        let url = try server.database("whyroles")
        let name = PostgresServer.name(of: url)
        let scenario = try #require(ContractCases.all.first { $0.name.hasPrefix("06-") })
        let made = try run(["init", "--db", url, "--roles", name, "--catalog", scenario.catalog, "--roster", scenario.roster])
        try #require(made.status == 0, "\(made.stderr)")
        // As schema 11 left it.
        try #require(try server.sql(name, "DROP TABLE duplicate_arrivals; ALTER TABLE achievements ADD COLUMN json text NOT NULL DEFAULT ''; UPDATE incentives_schema SET version = 11").status == 0)
        _ = try PGStore(url: url, create: false)
        #expect(try server.sql(name, "SELECT version FROM incentives_schema").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(PGSchema.version))
        // init grants again (a table a migration adds is covered by the default privileges and by init's grants).
        #expect(try run(["init", "--db", url, "--roles", name, "--catalog", scenario.catalog, "--roster", scenario.roster]).status == 0)
        let roles = try PGRoles(prefix: name)
        for (login, group) in [("r", roles.reader), ("w", roles.writer), ("s", roles.sender)] {
            try #require(try server.sql(name, "CREATE ROLE \(name)_\(login) LOGIN IN ROLE \(group)").status == 0)
        }
        let ingest = try run(["ingest", "--db", server.url(name, user: "\(name)_w"), "--events", scenario.events])
        #expect(ingest.status == 65, "the writer records the re-send: \(ingest.stderr)")
        #expect(try server.sql(name, "SELECT count(*) FROM duplicate_arrivals", user: "\(name)_r").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        let sender = try server.sql(name, "SELECT count(*) FROM duplicate_arrivals", user: "\(name)_s")
        #expect(sender.status != 0 && sender.stderr.contains("permission denied"), "\(sender.stderr)")
        let why = try run(["why", "ana", "--db", server.url(name, user: "\(name)_r"), "--format", "jsonl"])
        #expect(why.status == 0 && why.stdout.contains("\"outcome\":\"duplicate\""), "\(why.stderr)")
    }
}
