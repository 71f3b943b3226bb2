import Foundation
import IncentivesStore
import IncentivesText
#if canImport(Glibc)
import Glibc
#endif

/// `incentives bench postgres --db postgresql://…`: the PostgreSQL ingest (inbox, then workers evaluating it
/// while it is written) with 1 and 2 workers, side by side with the SQLite ingest of the same file, each a child
/// process into a fresh database (on PostgreSQL one created for the run and dropped after: the role needs
/// CREATEDB). Prints the best of N runs and each one's ratio to SQLite.
public enum PostgresBench {
    public static func run(files: BenchInput.Files, dir: String, runs: Int, url: String, workers: [Int]) throws {
        #if DEBUG
        printError("warning: this is a debug build; measure with `swift build -c release` and .build/release/incentives")
        #endif
        let work = dir + "/postgres-bench"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        print("load: \(files.lines) lines, \(files.bytes / 1_000_000) MB: \(files.events)")
        print("PostgreSQL: \(PGURL.redacted(url))")

        var bestSQLite = Double.infinity
        let lite = work + "/ingest.sqlite"
        for _ in 0..<runs {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: lite + suffix) }
            try StoreBench.initDatabase(lite, files)
            let m = try ChildProcess.run(ChildProcess.selfPath, ["ingest", "--db", lite, "--events", files.events], stderr: work + "/sqlite.err")
            guard m.status == 0 || m.status == 65 else { throw BenchFailure(.software, "SQLite ingest exited \(m.status); see \(work)/sqlite.err") }
            bestSQLite = min(bestSQLite, m.seconds)
        }
        print(String(format: "SQLite ingest:                 %7.2f s  %8.0f lines/s", bestSQLite, Double(files.lines) / bestSQLite))

        let name = "incentives_bench_\(getpid())"
        defer { try? PGScratch.drop(name, via: url) }
        for n in workers {
            var best = Double.infinity
            for _ in 0..<runs {
                let db = try PGScratch.create(name, via: url)
                // The URL reaches the children through the environment, so a password in it never shows in `ps`.
                setenv("INCENTIVES_DB", db, 1)
                defer { unsetenv("INCENTIVES_DB") }
                let i = try ChildProcess.run(ChildProcess.selfPath, ["init", "--catalog", files.catalog, "--roster", files.roster], stderr: work + "/init.err")
                guard i.status == 0 else { throw BenchFailure(.software, "init on PostgreSQL exited \(i.status); see \(work)/init.err") }
                let m = try ChildProcess.run(ChildProcess.selfPath, ["ingest", "--events", files.events, "--workers", String(n)], stderr: work + "/pg.err")
                guard m.status == 0 || m.status == 65 else { throw BenchFailure(.software, "PostgreSQL ingest exited \(m.status); see \(work)/pg.err") }
                best = min(best, m.seconds)
            }
            print(String(format: "PostgreSQL ingest, %d worker%@: %7.2f s  %8.0f lines/s  ratio to SQLite %.2f",
                         n, n == 1 ? " " : "s", best, Double(files.lines) / best, best / bestSQLite))
        }
    }
}
