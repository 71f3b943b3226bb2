import Foundation

/// `incentives bench` (engine), the scaling lines: end-to-end `replay --threads N` and `ingest --threads N` (into a
/// fresh SQLite file, after a `init` that is not timed) at 1, 2 and every core, each against `sqlite3`'s CSV
/// `.import` of the same rows timed in the same run (the floor for storing them at all,
/// as `bench store` uses for ingest). Runs alternate (import, then each thread count) so that a busy neighbour
/// slows all of them alike; the best of `runs` of each is printed.
public enum ReplayScaling {
    public struct Row: Sendable {
        public let threads: Int
        public let seconds: Double
        public let peakBytes: Int
    }

    /// The thread counts measured: 1, 2 and every core, each once.
    public static func threadCounts(cores: Int) -> [Int] {
        var counts: [Int] = []
        for n in [1, 2, max(1, cores)] where !counts.contains(n) { counts.append(n) }
        return counts
    }

    public static func run(files: BenchInput.Files, dir: String, runs: Int) throws -> [String] {
        let sqlite = try SQLiteImport.tool()
        let work = dir + "/replay-scaling"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let csv = work + "/events.csv"
        let csvRows = try StoreBench.writeCSV(events: files.events, to: csv)
        let counts = threadCounts(cores: ProcessInfo.processInfo.activeProcessorCount)
        var bestImport = Double.infinity
        var best: [Int: Row] = [:]
        var bestIngest: [Int: Row] = [:]
        for round in 0..<runs {
            bestImport = min(bestImport, try SQLiteImport.seconds(sqlite: sqlite, csv: csv, db: work + "/import-\(round).sqlite", work: work))
            for n in counts {
                let r = try ChildProcess.run(ChildProcess.selfPath, ["replay", "--catalog", files.catalog, "--roster", files.roster,
                                                                     "--events", files.events, "--threads", "\(n)"])
                guard r.status == 0 || r.status == 65 else { throw BenchFailure(.software, "replay --threads \(n) exited \(r.status)") }
                if best[n].map({ r.seconds < $0.seconds }) ?? true { best[n] = Row(threads: n, seconds: r.seconds, peakBytes: r.peakRSSBytes) }
                let db = work + "/ingest-\(n).sqlite"
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
                let i = try ChildProcess.run(ChildProcess.selfPath, ["init", "--db", db, "--catalog", files.catalog, "--roster", files.roster])
                guard i.status == 0 else { throw BenchFailure(.software, "init for ingest --threads \(n) exited \(i.status)") }
                let g = try ChildProcess.run(ChildProcess.selfPath, ["ingest", "--db", db, "--events", files.events, "--threads", "\(n)"])
                guard g.status == 0 || g.status == 65 else { throw BenchFailure(.software, "ingest --threads \(n) exited \(g.status)") }
                if bestIngest[n].map({ g.seconds < $0.seconds }) ?? true { bestIngest[n] = Row(threads: n, seconds: g.seconds, peakBytes: g.peakRSSBytes) }
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
            }
        }
        try? FileManager.default.removeItem(atPath: csv)
        var lines = [String(format: "(c) sqlite3 .import of the same rows (CSV, id primary key): %.3f s  %9.0f rows/s",
                            bestImport, Double(csvRows) / bestImport)]
        for n in counts {
            let r = best[n]!
            lines.append(String(format: "    replay --threads %-3d %9.0f lines/s  (%.3f s, peak memory %.0f MB)  ratio to sqlite3 import %.2f",
                                n, Double(files.lines) / r.seconds, r.seconds, Double(r.peakBytes) / 1_048_576, r.seconds / bestImport))
        }
        for n in counts {
            let r = bestIngest[n]!
            lines.append(String(format: "    ingest --threads %-3d %9.0f lines/s  (%.3f s, peak memory %.0f MB)  ratio to sqlite3 import %.2f",
                                n, Double(files.lines) / r.seconds, r.seconds, Double(r.peakBytes) / 1_048_576, r.seconds / bestImport))
        }
        return lines
    }
}

/// `sqlite3`'s own `.import` of the valid rows as CSV into a table keyed by event id: the floor both `bench` (replay)
/// and `bench store` (ingest) compare with.
enum SQLiteImport {
    static func tool() throws -> String {
        guard let sqlite = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3", "/bin/sqlite3"].first(where: FileManager.default.isExecutableFile) else {
            throw BenchFailure(.unavailable, "the sqlite3 command-line tool is needed for the comparison (apt-get install sqlite3)")
        }
        return sqlite
    }

    /// One timed import into a fresh `db`, removed after.
    static func seconds(sqlite: String, csv: String, db: String, work: String) throws -> Double {
        let m = try ChildProcess.run(sqlite, [db, "CREATE TABLE e(id TEXT PRIMARY KEY, type, user, at, category);", ".import --csv \(csv) e"],
                                     stderr: work + "/import.err")
        guard m.status == 0 else { throw BenchFailure(.software, "sqlite3 .import exited \(m.status); see \(work)/import.err") }
        try? FileManager.default.removeItem(atPath: db)
        return m.seconds
    }
}
