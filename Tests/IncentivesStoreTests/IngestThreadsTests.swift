import Foundation
import IncentivesCore
@testable import IncentivesStore
import IncentivesStores
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `ingest --threads N` (issue 27): parsing N wide, admission by event id and the engines by user in parallel,
/// per-shard progress loads and saves, one prior-ids look-up connection per id partition. Whatever N, what is
/// stored is the same, row for row: the achievements in replay's order and numbering, the events, users' saved
/// progress, rejects, duplicate arrivals and deliveries — also with ids and users forgotten and loaded back
/// (small memory bounds), a second ingest whose ids are all stored, and an ingest killed and resumed.
@Suite("ingest --threads N: the same store whatever N", .serialized, .timeLimit(.minutes(10)))
struct IngestThreadsTests {
    let temp = TempDir(prefix: "ingest-threads")

    /// Every table an ingest writes, each row as SQL literals in key order; wall-clock columns (REAL: when a reject
    /// or delivery row was made) and the `ingests` rows (times, paths) left out.
    static func dump(_ path: String) throws -> [String: [String]] {
        let db = try Database(path: path, mode: .readOnly)
        let tables = try db.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('ingests', 'settings') AND name NOT LIKE 'sqlite_%'") { $0.text(0) }
        var out: [String: [String]] = [:]
        for t in tables {
            let columns = try db.rows("SELECT name FROM pragma_table_info(?) WHERE upper(type) <> 'REAL' ORDER BY cid", .text(t)) { $0.text(0) }
            let row = columns.map { "quote(\"\($0)\")" }.joined(separator: " || '|' || ")
            out[t] = try db.rows("SELECT \(row) FROM \"\(t)\" ORDER BY 1") { $0.text(0) }
        }
        return out
    }

    /// Small memory bounds and batches, so that ids are forgotten and looked up again, users' progress saved in
    /// parts, dropped and loaded back, many times over the file.
    static func options(threads: Int) -> IngestOptions {
        var o = IngestOptions()
        o.threads = threads
        o.batchLines = 1_700
        o.progressEvery = 4_000
        o.maxUsersInMemory = 40
        o.progressPartUsers = 23
        o.maxIDsInMemory = 5_000
        return o
    }

    /// Ingests the file into a new store with `threads`, then again with `--restart` (every id is stored: all
    /// duplicates or conflicts, asked of the database by every partition at once). Returns the store's path.
    func ingest(_ g: Generated, threads: Int, name: String) throws -> (path: String, first: IngestOutcome, again: IngestOutcome, rejects: [String]) {
        let path = temp.path("\(name)-\(threads).sqlite")
        let store = try Fixtures.initStore(path, g.inputs)
        var rejects: [String] = []
        let first = try store.ingest(path: g.inputs.events, options: Self.options(threads: threads), onReject: { rejects.append($0.message) })
        var again = Self.options(threads: threads)
        again.restart = true
        let second = try store.ingest(path: g.inputs.events, options: again)
        return (path, first, second, rejects)
    }

    @Test(arguments: [1, 2, 3])
    func storesWhatOneThreadStores(threads: Int) throws {
        let g = Generated.make(in: temp, users: 300, events: 40_000, seed: 7, points: true)
        let expected = try Fixtures.replay(g.inputs)
        let one = try ingest(g, threads: 1, name: "one")
        let got = try ingest(g, threads: threads, name: "n")
        #expect(got.first.counts == expected.counts)
        #expect(got.rejects == expected.rejects)
        #expect(try Fixtures.storedLines(got.path) == expected.lines, "achievements in replay's order and numbering")
        #expect(expected.lines.count > 100 && expected.counts.duplicates > 0)
        #expect(got.again.counts == one.again.counts)
        let oneDump = try Self.dump(one.path), gotDump = try Self.dump(got.path)
        #expect(oneDump.keys.sorted() == gotDump.keys.sorted())
        for (table, rows) in oneDump { #expect(gotDump[table] == rows, "table \(table) with --threads \(threads)") }
        #expect((oneDump["progress"]?.count ?? 0) > 100 && (oneDump["duplicate_arrivals"]?.count ?? 0) > 0)
    }

    /// The CLI: `--threads 1, 2, 3` store the same, and `user`'s page (which reads the saved progress) is the same.
    @Test func theCommandLineAndUsersPages() throws {
        let g = Generated.make(in: temp, users: 120, events: 30_000, seed: 11)
        let expected = try Fixtures.replay(g.inputs)
        var dumps: [[String: [String]]] = [], pages: [[String]] = []
        for n in [1, 2, 3] {
            let db = temp.path("cli-\(n).sqlite")
            try Fixtures.initStore(db, g.inputs)
            let r = try Binary.run(["ingest", "--db", db, "--events", g.inputs.events, "--threads", "\(n)", "--batch", "900", "--progress-every", "3000"])
            #expect(r.status == (expected.counts.rejected > 0 ? 65 : 0), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").last.map(String.init) == expected.counts.summary)
            #expect(try Fixtures.storedLines(db) == expected.lines)
            dumps.append(try Self.dump(db))
            pages.append(try (0..<120).filter { $0 % 7 == 0 }.map { u in
                let page = try Binary.run(["user", "u\(u)", "--db", db, "--format", "jsonl", "--today", "2026-06-01"])
                #expect(page.status == 0, "\(page.stderr)")
                return page.stdout
            })
        }
        #expect(dumps[1] == dumps[0] && dumps[2] == dumps[0])
        #expect(pages[1] == pages[0] && pages[2] == pages[0])
        #expect(pages[0].filter { $0.contains("\"awards\":") }.count > 10, "the pages show progress")
    }

    @Test(arguments: ["0", "-1", "two", "1025"])
    func aBadThreadCountIsAUsageError(_ value: String) throws {
        let g = Generated.make(in: temp, users: 10, events: 100, seed: 1)
        let db = temp.path("bad-\(value).sqlite")
        try Fixtures.initStore(db, g.inputs)
        let r = try Binary.run(["ingest", "--db", db, "--events", g.inputs.events, "--threads", value])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("--threads must be a whole number from 1 to 1024"), "\(r.stderr)")
    }

    /// PostgreSQL's ingest only admits; its workers evaluate in parallel. Said before any server is asked.
    @Test func threadsAreForSQLite() throws {
        let r = try Binary.run(["ingest", "--db", "postgresql://nobody@127.0.0.1:1/none", "--events", "-", "--threads", "2"])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("--threads is for a SQLite database"), "\(r.stderr)")
    }

    /// kill -9 of `ingest --threads 2` at several points, then the same ingest again: the store is that of an
    /// uninterrupted run with one thread.
    @Test func killedAndResumedWithTwoThreads() throws {
        let g = Generated.make(in: temp, users: 80, events: 30_000, seed: 7)
        let expected = try Fixtures.replay(g.inputs)
        let db = temp.path("killed.sqlite")
        try Fixtures.initStore(db, g.inputs)
        let ingest = ["ingest", "--db", db, "--events", g.inputs.events, "--batch", "700", "--progress-every", "2500", "--threads", "2"]
        var kills = 0
        for fraction in [0.0, 0.15, 0.4, 0.7] {
            let child = try Binary.launch(ingest)
            let reader = try StoreReader(path: db, busyTimeout: 30_000)
            let target = Int(Double(g.eventLines.count) * fraction)
            while child.isRunning, try reader.db.integer("SELECT coalesce(max(line), 0) FROM ingests") < target { usleep(2_000) }
            if fraction > 0 { usleep(useconds_t(1_000 * (kills * 7 % 20))) }
            if child.isRunning {
                kill(child.processIdentifier, SIGKILL)
                kills += 1
            }
            child.waitUntilExit()
            let stored = try Fixtures.storedLines(db)
            #expect(stored == Array(expected.lines.prefix(stored.count)), "after a kill at \(fraction)")
        }
        #expect(kills >= 2, "the ingest was killed mid-way")
        let final = try Binary.run(ingest)
        #expect(final.status == (expected.counts.rejected > 0 ? 65 : 0), "\(final.stderr)")
        let lines = final.stderr.split(separator: "\n").map(String.init)
        #expect(lines.last == expected.counts.summary)
        #expect(Array(lines.dropLast()) == expected.rejects)
        #expect(try Fixtures.storedLines(db) == expected.lines)
        // The same rows as one uninterrupted ingest with one thread, saved progress included.
        let whole = temp.path("whole.sqlite")
        try Fixtures.initStore(whole, g.inputs)
        let r = try Binary.run(["ingest", "--db", whole, "--events", g.inputs.events, "--batch", "700", "--progress-every", "2500", "--threads", "1"])
        #expect(r.status == final.status)
        var a = try Self.dump(db), b = try Self.dump(whole)
        // A resumed ingest stores the users' progress as of its end, like the whole one; the duplicate arrivals and
        // rejects keep their rows' numbering across runs, so compare what each says, not their seq.
        for t in ["rejects", "duplicate_arrivals"] {
            a[t] = a[t]?.map { String($0.drop { $0 != "|" }) }.sorted()
            b[t] = b[t]?.map { String($0.drop { $0 != "|" }) }.sorted()
        }
        for (table, rows) in b { #expect(a[table] == rows, "table \(table)") }
    }
}
