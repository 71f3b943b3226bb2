import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore

/// A rejected line is stored once per source position, however often it is read (issue 21): `--restart` and a re-send
/// on standard input stored every reject again (162 rows for 100 rejected lines after 4 runs on PostgreSQL). The row
/// moves to the ingest that read it last, so a resumed run still lists what its earlier part refused.
@Suite("Rejects: one row per rejected line and source position, on both stores")
struct RejectOncePerLineTests {
    let binary: String

    init() throws { binary = try Binary.located() }

    func run(_ args: [String], stdin: String? = nil) throws -> ProcessOutput {
        guard let stdin else { return try runProcess(binary, args) }
        let dir = TempDir()
        return try runProcess("/bin/sh", ["-c", "exec \"$0\" \"$@\" < \(dir.write("in.jsonl", stdin))", binary] + args)
    }

    /// Ingests the file, again with `--restart`, then twice on standard input; `count` says how many rejects are stored.
    func expectOnePerLine(db: String, _ g: Generated, count: () throws -> Int) throws {
        let replay = try run(["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", g.inputs.events])
        let rejected = replay.stderr.split(separator: "\n").count - 1
        try #require(rejected > 10, "the generated file has rejected lines")
        #expect(try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        for args in [[], ["--restart"], ["--restart", "--batch", "97"]] {
            let r = try run(["ingest", "--db", db, "--events", g.inputs.events] + args)
            // Every rejected line reported (a re-read counts the accepted lines as duplicates in its summary).
            #expect(r.status == 65 && r.stderr.split(separator: "\n").dropLast() == replay.stderr.split(separator: "\n").dropLast(),
                    "\(args): \(r.stderr.suffix(300))")
            #expect(try count() == rejected, "\(args)")
        }
        // Standard input is a source of its own: its lines once more, however often they are sent.
        let text = try String(contentsOfFile: g.inputs.events, encoding: .utf8)
        for _ in 0..<2 {
            let r = try run(["ingest", "--db", db, "--events", "-"], stdin: text)
            #expect(r.status == 65, "\(r.stderr.suffix(300))")
            #expect(try count() == 2 * rejected)
        }
    }

    @Test("SQLite")
    func sqlite() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 3_000, seed: 31)
        let db = dir.path("store.sqlite")
        try expectOnePerLine(db: db, g) { try StoreReader(path: db).rejects().count }
    }

    @Test("PostgreSQL")
    func postgres() throws {
        let server = try PostgresServer.shared()
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 3_000, seed: 31)
        let db = try server.database()
        try expectOnePerLine(db: db, g) {
            Int(try server.sql(PostgresServer.name(of: db), "SELECT count(*) FROM rejects").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
    }
}
