import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A stream into PostgreSQL (#23): the ingest writes the inbox with the stream's sequence as its checkpoint while
/// `--workers` children evaluate it, as for a file. What is stored is `replay`'s, tiers included, with one and two
/// workers, and across a kill -9 of the ingest mid-stream.
@Suite("Events from a NATS JetStream stream into PostgreSQL", .timeLimit(.minutes(10)))
struct PostgresStreamTests {
    static func run(_ args: [String]) throws -> ProcessOutput { try Binary.run(args) }

    static func stored(_ db: String) throws -> String {
        let listed = try run(["achievements", "--db", db, "--format", "jsonl"])
        #expect(listed.status == 0, "achievements: \(listed.stderr)")
        return listed.stdout.replacing(#/,"catalogVersion":[0-9]+\}\n/#, with: "}\n")
    }

    @Test("a generated points world through the stream with 1 and 2 workers: replay's lines", arguments: [1, 2])
    func streamIntoPostgresEqualsReplay(workers: Int) throws {
        let nats = try NATSServer()
        let pg = try PostgresServer.shared()
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 3_000, seed: 17, points: true)
        let url = nats.url("PG\(workers)")
        #expect(try Self.run(["publish", "--to", url, "--events", g.inputs.events]).status == 0)
        let replay = try Self.run(["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", g.inputs.events])
        #expect(replay.stdout.contains(#""tier":"#), "the world reaches tiers")
        let db = try pg.database()
        #expect(try Self.run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        let ingest = try Self.run(["ingest", "--db", db, "--events", url, "--workers", String(workers), "--batch", "300", "--idle-exit", "0.5"])
        #expect(ingest.status == replay.status, "\(ingest.stderr.suffix(400))")
        #expect(try Self.stored(db) == replay.stdout)
        // Run again: nothing new in the stream, nothing stored twice.
        let again = try Self.run(["ingest", "--db", db, "--events", url, "--idle-exit", "0.3"])
        #expect([0, 65].contains(again.status), "\(again.stderr.suffix(300))")
        #expect(try Self.stored(db) == replay.stdout)
    }

    @Test("kill -9 of a PostgreSQL stream ingest mid-stream, then a rerun: replay's lines, none lost, none twice")
    func killNineIntoPostgresResumesExactly() throws {
        let nats = try NATSServer()
        let pg = try PostgresServer.shared()
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 4_000, seed: 23)
        let url = nats.url("PGKILL")
        #expect(try Self.run(["publish", "--to", url, "--events", g.inputs.events]).status == 0)
        let replay = try Self.run(["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", g.inputs.events])
        let db = try pg.database()
        let name = PostgresServer.name(of: db)
        #expect(try Self.run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        func committed() -> Int {
            Int((try? pg.sql(name, "SELECT coalesce(max(\"offset\"), 0) FROM ingests WHERE path LIKE 'nats://%'").stdout)?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try Binary.located())
        p.arguments = ["ingest", "--db", db, "--events", url, "--batch", "50", "--workers", "1", "--idle-exit", "30"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(60)
        while committed() < 800 && Date() < deadline && p.isRunning { usleep(5_000) }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        let at = committed()
        #expect(at > 0 && at < 3_900, "killed mid-stream (committed \(at))")
        // The orphaned worker child ends on its own when its parent's ingest lock is gone; the rerun's workers finish.
        let rerun = try Self.run(["ingest", "--db", db, "--events", url, "--workers", "2", "--idle-exit", "0.5"])
        #expect([0, 65].contains(rerun.status), "\(rerun.stderr.suffix(400))")
        let drain = try Self.run(["work", "--db", db, "--until-drained"])
        #expect(drain.status == 0, "\(drain.stderr.suffix(300))")
        #expect(try Self.stored(db) == replay.stdout, "after a kill at sequence \(at)")
    }
}
