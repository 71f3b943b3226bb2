import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore

/// What PostgreSQL cannot store never stops the pipeline for good (issue 21): a NUL character is refused by every
/// input (so the server never sees one), and a batch the server refuses for what one of its rows holds — an event id
/// or a catalog string too large for an index — rejects that line, or lets `init` bring a corrected catalog, instead
/// of failing the same way at every rerun.
@Suite("PostgreSQL: what the server refuses never wedges the pipeline")
struct PostgresRefusalTests {
    let server: PostgresServer
    let binary: String

    init() throws {
        server = try PostgresServer.shared()
        binary = try Binary.located()
    }

    func run(_ args: [String], stdin: String? = nil) throws -> ProcessOutput {
        guard let stdin else { return try runProcess(binary, args) }
        let dir = TempDir()
        return try runProcess("/bin/sh", ["-c", "exec \"$0\" \"$@\" < \(dir.write("in.jsonl", stdin))", binary] + args)
    }

    func number(_ db: String, _ q: String) throws -> Int {
        Int(try server.sql(PostgresServer.name(of: db), q).stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// The generated events with line `n` (1-based) replaced.
    func events(_ g: Generated, in dir: TempDir, replacing n: Int, with line: String, name: String = "events-edited.jsonl") -> String {
        var lines = g.eventLines
        lines[n - 1] = line
        return dir.write(name, lines.joined(separator: "\n") + "\n")
    }

    /// A string of `n` random letters and digits: no compression makes it fit an index entry (at most 2,704 bytes).
    static func incompressible(_ n: Int, seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed)
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }

    @Test("a NUL in an event id at line 1001 of 3002: that line is rejected, the rest stored as replay; a rerun ends as replay")
    func nulEventIsRejectedAndTheRestGoesOn() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 3_002, seed: 21)
        let file = events(g, in: dir, replacing: 1_001,
                          with: #"{"id": "e-nul\u0000x", "type": "health_data_logged", "user": "u3", "at": "2026-02-02T10:00:00Z", "category": "mood"}"#)
        let replay = try run(["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", file])
        #expect(replay.stderr.contains("events-edited.jsonl:1001: id: contains a NUL character (U+0000)"), "\(replay.stderr.prefix(500))")
        let db = try server.database()
        #expect(try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        for _ in 0..<2 { // the run, then a rerun of the finished file
            let ingest = try run(["ingest", "--db", db, "--events", file, "--batch", "500"])
            #expect(ingest.status == replay.status && ingest.status == 65)
            #expect(ingest.stderr == replay.stderr)
            let listed = try run(["achievements", "--db", db, "--format", "jsonl"])
            #expect(Fixtures.contractLines(listed.stdout) == replay.stdout)
        }
    }

    @Test("a catalog string with a NUL is refused by init on PostgreSQL (78), with its JSON path, and nothing is stored")
    func nulCatalogIsRefused() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 10, events: 10)
        let catalog = dir.write("catalog-nul.json", Generated.catalog.replacingOccurrences(of: #""reward": "Gift card""#,
                                                                                           with: #""reward": "Gift\u0000card""#))
        let db = try server.database()
        let refused = try run(["init", "--db", db, "--catalog", catalog, "--roster", g.inputs.roster])
        #expect(refused.status == 78)
        #expect(refused.stderr.contains("catalog-nul.json: employers[0].programs[0].rewards[1].reward: contains a NUL character (U+0000)"),
                "\(refused.stderr)")
        #expect(try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
    }

    @Test("an event id too large for the server's index: that line is rejected with the server's reason, the rest stored; reruns are not wedged")
    func eventTheServerRefusesIsRejected() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 3_002, seed: 22)
        let huge = Self.incompressible(9_000, seed: 5)
        let file = events(g, in: dir, replacing: 1_001,
                          with: #"{"id": "\#(huge)", "type": "health_data_logged", "user": "u3", "at": "2026-02-02T10:00:00Z", "category": "mood"}"#)
        let without = events(g, in: dir, replacing: 1_001, with: "{not json", name: "events-without.jsonl")
        let replay = try run(["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", without])
        let db = try server.database()
        #expect(try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        for attempt in 0..<2 {
            let ingest = try run(["ingest", "--db", db, "--events", file, "--batch", "500"])
            #expect(ingest.status == 65, "\(attempt): \(ingest.stderr.suffix(500))")
            #expect(ingest.stderr.contains("events-edited.jsonl:1001: the database refused to store this event (index row"),
                    "\(attempt): \(ingest.stderr.suffix(500))")
            #expect(ingest.stderr.components(separatedBy: ":1001: ").count == 2, "the line is reported once")
            // Everything but that line is what replay keeps without it (the same counts too).
            #expect(ingest.stderr.components(separatedBy: "\n").last(where: { !$0.isEmpty })
                    == replay.stderr.components(separatedBy: "\n").last(where: { !$0.isEmpty }))
            let listed = try run(["achievements", "--db", db, "--format", "jsonl"])
            #expect(Fixtures.contractLines(listed.stdout) == replay.stdout)
        }
        #expect(try number(db, "SELECT count(*) FROM rejects WHERE line = 1001") == 1)
        // The same event again on standard input, after the file: rejected at once, nothing else changes.
        let again = try run(["ingest", "--db", db, "--events", "-"], stdin: try String(contentsOfFile: file, encoding: .utf8))
        #expect(again.status == 65, "\(again.stderr.suffix(300))")
        #expect(again.stderr.contains("stdin:1001: the database refused to store this event"), "\(again.stderr.suffix(300))")
    }

    @Test("on standard input, the refused event stops the run (65) with what came before kept; the re-send goes on past it")
    func eventTheServerRefusesOnStandardInput() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 3_002, seed: 23)
        let huge = Self.incompressible(9_000, seed: 6)
        let file = events(g, in: dir, replacing: 1_001,
                          with: #"{"id": "\#(huge)", "type": "health_data_logged", "user": "u3", "at": "2026-02-02T10:00:00Z", "category": "mood"}"#)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        let without = events(g, in: dir, replacing: 1_001, with: "{not json", name: "events-without.jsonl")
        let replay = try run(["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", without])
        let db = try server.database()
        #expect(try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        let first = try run(["ingest", "--db", db, "--events", "-", "--batch", "500"], stdin: text)
        #expect(first.status == 65, "\(first.stderr.suffix(500))")
        #expect(first.stderr.contains("line 1001: the database refused to store this event"), "\(first.stderr.suffix(500))")
        let second = try run(["ingest", "--db", db, "--events", "-", "--batch", "500"], stdin: text)
        #expect(second.status == 65, "\(second.stderr.suffix(500))")
        #expect(second.stderr.contains("stdin:1001: the database refused to store this event"), "\(second.stderr.suffix(500))")
        let listed = try run(["achievements", "--db", db, "--format", "jsonl"])
        #expect(Fixtures.contractLines(listed.stdout) == replay.stdout)
    }

    @Test("a catalog whose awards the server refuses: the worker says so (78), and init with the corrected catalog is not refused")
    func awardsTheServerRefusesLetInitCorrectTheCatalog() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 2_000, seed: 24)
        let long = Self.incompressible(6_000, seed: 7)
        let bad = dir.write("catalog-long.json", Generated.catalog.replacingOccurrences(of: #""id": "acme-2026""#, with: #""id": "acme-\#(long)""#))
        let db = try server.database()
        #expect(try run(["init", "--db", db, "--catalog", bad, "--roster", g.inputs.roster]).status == 0)
        #expect(try run(["ingest", "--db", db, "--events", g.inputs.events, "--inbox-only"]).status == 65)
        let work = try run(["work", "--db", db, "--until-drained"])
        #expect(work.status == 78, "\(work.stderr.suffix(500))")
        #expect(work.stderr.contains("the database refused to store the awards of partition"), "\(work.stderr.suffix(500))")
        #expect(work.stderr.contains("run 'incentives init' with a corrected catalog"), "\(work.stderr.suffix(500))")
        // The way out: init with the corrected catalog, then the workers evaluate the waiting events under it (its
        // program, new to the store, counting from the first day of the events: all of them, as replay counts them).
        let fixed = try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--effective", "2026-01-01"])
        #expect(fixed.status == 0, "\(fixed.stderr.suffix(500))")
        #expect(try run(["work", "--db", db, "--until-drained"]).status == 0)
        let replay = try run(["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", g.inputs.events])
        let listed = try run(["achievements", "--db", db, "--format", "jsonl"])
        #expect(Fixtures.contractLines(listed.stdout) == replay.stdout)
        #expect(try number(db, "SELECT count(*) FROM work_refusals") == 0)
    }
}
