import Foundation
import IncentivesCore
import IncentivesStore
import IncentivesText
#if canImport(Glibc)
import Glibc
import IncentivesPostgres
#endif

/// `incentives bench postgres --db URL`: the PostgreSQL store beside the SQLite one, in the same run (README,
/// "Benchmarks"; issue 13).
///
/// 1. Ingest of the bench file into SQLite, then into PostgreSQL with each number of workers asked
///    (`--workers 1,2`), each into a scratch database of its own made beside the one the URL names
///    (`PGScratchDatabase`); every ingest is a child process timed from outside, so the PostgreSQL figure
///    includes the server's work. The ratio to the SQLite ingest is printed.
/// 2. Look-ups, by the same loop on both stores (`LookupTimes`): a user's profile and a page of 50 achievements.
public enum PostgresBench {
    public static func run(files: BenchInput.Files, dir: String, url: String, workers: [Int], lookups: Int) throws {
        #if DEBUG
        printError("warning: this is a debug build; measure with `swift build -c release` and .build/release/incentives")
        #endif
        let work = dir + "/postgres-bench"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        print("load: \(files.lines) lines, \(files.bytes / 1_000_000) MB: \(files.events); server: \(PGURL.redacted(url))")

        // 1. SQLite, then PostgreSQL with each number of workers.
        let sqlite = work + "/ingest.sqlite"
        try StoreBench.initDatabase(sqlite, files)
        let s = try ChildProcess.run(ChildProcess.selfPath, ["ingest", "--db", sqlite, "--events", files.events], stderr: work + "/sqlite.err")
        guard s.status == 0 || s.status == 65 else { throw BenchFailure(.software, "SQLite ingest exited \(s.status); see \(work)/sqlite.err") }
        print(String(format: "(1) SQLite ingest:                  %7.2f s  %8.0f lines/s", s.seconds, Double(files.lines) / s.seconds))
        var last: String?
        for n in workers {
            let db = try PGScratchDatabase.recreate("w\(n)", beside: url)
            let err = work + "/postgres-w\(n).err"
            // The URL reaches the children through the environment, so a password in it never shows in `ps`.
            setenv("INCENTIVES_DB", db, 1)
            defer { unsetenv("INCENTIVES_DB") }
            let made = try ChildProcess.run(ChildProcess.selfPath, ["init", "--catalog", files.catalog, "--roster", files.roster], stderr: err)
            guard made.status == 0 else { throw BenchFailure(.software, "init on PostgreSQL exited \(made.status); see \(err)") }
            let m = try ChildProcess.run(ChildProcess.selfPath, ["ingest", "--events", files.events, "--workers", String(n)], stderr: err)
            guard m.status == 0 || m.status == 65 else { throw BenchFailure(.software, "ingest on PostgreSQL exited \(m.status); see \(err)") }
            print(String(format: "    PostgreSQL ingest, %d worker%@:  %7.2f s  %8.0f lines/s  ×%.2f the SQLite ingest%@", n, n == 1 ? " " : "s",
                         m.seconds, Double(files.lines) / m.seconds, m.seconds / s.seconds, n == 2 ? "  (target ≤ 1.5, issue 27)" : ""))
            last = db
        }

        // 2. Look-ups on the last PostgreSQL database and on the SQLite one, by the same loop.
        guard let last else { return }
        let pg = try PGStoreReader(url: last)
        let users = try pg.members().map(\.id)
        guard !users.isEmpty else { throw BenchFailure(.software, "no users were stored") }
        var rng = SplitMix64(seed: 7)
        print(try LookupTimes.measure(pg, users: users, lookups: lookups, rng: &rng).report("(2) PostgreSQL"))
        rng = SplitMix64(seed: 7)
        print(try LookupTimes.measure(try StoreReader(path: sqlite), users: users, lookups: lookups, rng: &rng).report("    SQLite    "))
    }

    /// `1,2` → [1, 2].
    public static func workerCounts(_ text: String) -> [Int]? {
        let counts = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) >= 1 && ($0 ?? 0) <= 64 }) else { return nil }
        return counts.map { $0! }
    }
}
