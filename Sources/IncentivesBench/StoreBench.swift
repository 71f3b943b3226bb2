import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore
import IncentivesText
#if canImport(Glibc)
import Glibc
#endif

/// `incentives bench store`: the store's targets as a benchmark (README, "Benchmarks").
///
/// 1. Ingest speed against SQLite's own CLI: the same valid rows, as CSV, `.import`ed by `sqlite3` into a
///    table keyed by event id, versus `incentives ingest` of the JSONL into a fresh database (both child
///    processes, timed in the same run; best of N). The ratio is printed.
/// 2. Look-up latency on that database: `StoreReader.profile` (what `incentives user` shows) for random
///    users, and a page of 50 achievements with random filters: median and p99.
/// 3. Memory: peak RSS of ingest over the first tenth of the file and over the whole file.
/// 4. Employer reports: each kind of `incentives report` for every employer, repeated, and the console's Reports
///    screen's first frame (`ReportTimes`).
/// Store errors are thrown as they are (`StoreError`); `incentives bench` gives each its exit status.
public enum StoreBench {
    /// `lookups`: random users looked up (and pages read), `--lookups N`.
    public static func run(files: BenchInput.Files, dir: String, runs: Int, lookups: Int, commands: BenchCommands) throws {
        let sqlite = try SQLiteImport.tool()
        #if DEBUG
        printError("warning: this is a debug build; measure with `swift build -c release` and .build/release/incentives")
        #endif
        let work = dir + "/store-bench"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)

        // The same rows as CSV (not timed): every valid event line.
        let csv = work + "/events.csv"
        let csvRows = try writeCSV(events: files.events, to: csv)
        print("load: \(files.lines) lines (\(csvRows) distinct valid events), \(files.bytes / 1_000_000) MB: \(files.events)")

        // 1. sqlite3 .import versus incentives ingest.
        var bestImport = Double.infinity
        for i in 0..<runs {
            bestImport = min(bestImport, try SQLiteImport.seconds(sqlite: sqlite, csv: csv, db: work + "/import-\(i).sqlite", work: work))
        }
        var bestIngest: ChildProcess.Measurement?
        let db = work + "/ingest.sqlite"
        for _ in 0..<runs {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
            try initDatabase(db, files)
            let m = try ChildProcess.run(ChildProcess.selfPath, ["ingest", "--db", db, "--events", files.events], stderr: work + "/ingest.err")
            guard m.status == 0 || m.status == 65 else { throw BenchFailure(.software, "ingest exited \(m.status); see \(work)/ingest.err") }
            if bestIngest == nil || m.seconds < bestIngest!.seconds { bestIngest = m }
        }
        let ingest = bestIngest!
        print(String(format: "(1) sqlite3 .import (CSV, id primary key): %7.2f s  %8.0f rows/s", bestImport, Double(csvRows) / bestImport))
        print(String(format: "    incentives ingest (JSONL, full store): %7.2f s  %8.0f lines/s, peak memory %.0f MB",
                     ingest.seconds, Double(files.lines) / ingest.seconds, Double(ingest.peakRSSBytes) / 1_048_576))
        print(String(format: "    ratio ingest / import: %.2f  (target ≤ 1.5)", ingest.seconds / bestImport))

        // 2. Look-ups on the ingested database.
        let reader = try StoreReader(path: db)
        let users = try reader.db.rows("SELECT id FROM members ORDER BY position") { $0.text(0) }
        var rng = SplitMix64(seed: 7)
        let looked = try LookupTimes.measure(reader, users: users, lookups: lookups, rng: &rng)
        let why = try whyTimes(reader, users: users, lookups: lookups, work: work, rng: &rng, writeWhy: commands.writeWhy)
        print(looked.report("(2)"))
        print(String(format: "    incentives why (explain + JSON lines, %d random users): median %.2f ms, p99 %.2f ms  (target < 20 ms)",
                     why.random.count, percentile(why.random, 0.5), percentile(why.random, 0.99)))
        print(String(format: "    incentives why, the %d users with most events (%d–%d events, %d lines each at most): median %.2f ms, p99 %.2f ms",
                     why.heavyUsers, why.fewest, why.most, why.maxLines, percentile(why.heavy, 0.5), percentile(why.heavy, 0.99)))

        // 4. Employer reports (issue 25) on the same database: every kind, every employer, `runs` rounds; and the
        // console's Reports screen, first frame, for every employer.
        print(try reportTimes(db: db, rounds: max(runs, 3), commands: commands))

        // 3. Peak memory of ingest at a tenth of the file and at the whole file.
        let tenth = work + "/events-tenth.jsonl"
        let tenthLines = try copyHead(of: files.events, lines: max(1, files.lines / 10), to: tenth)
        var peaks: [(Int, Int)] = []
        for (path, lines) in [(tenth, tenthLines), (files.events, files.lines)] {
            let memDB = work + "/mem.sqlite"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: memDB + suffix) }
            try initDatabase(memDB, files)
            let m = try ChildProcess.run(ChildProcess.selfPath, ["ingest", "--db", memDB, "--events", path])
            peaks.append((lines, m.peakRSSBytes))
        }
        print(String(format: "(3) ingest peak memory: %d lines %.0f MB, %d lines %.0f MB (×%.1f memory for ×%.0f events)",
                     peaks[0].0, Double(peaks[0].1) / 1_048_576, peaks[1].0, Double(peaks[1].1) / 1_048_576,
                     Double(peaks[1].1) / Double(max(peaks[0].1, 1)), Double(peaks[1].0) / Double(max(peaks[0].0, 1))))
        // The whole file again with every program ending 9999-12-31.
        let openEnded = try BenchInput.openEndedCatalog(files, dir: dir)
        let memDB = work + "/mem-open-ended.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: memDB + suffix) }
        try initDatabase(memDB, files, catalog: openEnded)
        let o = try ChildProcess.run(ChildProcess.selfPath, ["ingest", "--db", memDB, "--events", files.events])
        print(String(format: "    programs ending 9999-12-31: %d lines %.0f MB (×%.2f of the same file with the bench catalog; target ≤ 1.2)",
                     files.lines, Double(o.peakRSSBytes) / 1_048_576, Double(o.peakRSSBytes) / Double(max(peaks[1].1, 1))))
    }

    /// `why` as the command runs it (explanation, then every line worded as JSON, written to /dev/null), for
    /// random users and, ten times each, for the users with the most events: the long histories are the slow ones.
    static func whyTimes(_ reader: StoreReader, users: [String], lookups: Int, work: String, rng: inout SplitMix64,
                         writeWhy: (Explanation, Output) -> Void) throws
        -> (random: [Double], heavy: [Double], heavyUsers: Int, fewest: Int, most: Int, maxLines: Int) {
        let sink = try create("/dev/null")
        func time(_ user: String) throws -> (Double, Int) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            guard let x = try reader.explain(user: user) else { return (0, 0) }
            writeWhy(x, sink)
            return (Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6, x.lines.count)
        }
        var random: [Double] = []
        for _ in 0..<max(1, lookups / 4) { random.append(try time(users[Int(rng.next() % UInt64(users.count))]).0) }
        let heaviest = try reader.db.rows("SELECT k.id, count(*) FROM events e JOIN user_keys k ON k.key = e.user_key GROUP BY e.user_key ORDER BY 2 DESC LIMIT 20") {
            ($0.text(0), $0.int(1))
        }
        var heavy: [Double] = [], maxLines = 0
        for _ in 0..<10 {
            for (user, _) in heaviest {
                let (ms, lines) = try time(user)
                heavy.append(ms)
                maxLines = max(maxLines, lines)
            }
        }
        sink.close()
        return (random, heavy, heaviest.count, heaviest.last?.1 ?? 0, heaviest.first?.1 ?? 0, maxLines)
    }

    /// Part (4): the employer reports and the Reports screen's first frame on `db` (also `incentives bench reports`).
    public static func reportTimes(db: String, rounds: Int, commands: BenchCommands) throws -> String {
        try ReportTimes.measure(db: db, rounds: rounds, consoleData: commands.consoleData).report("(4)")
    }

    static func initDatabase(_ db: String, _ files: BenchInput.Files, catalog: String? = nil) throws {
        let m = try ChildProcess.run(ChildProcess.selfPath, ["init", "--db", db, "--catalog", catalog ?? files.catalog, "--roster", files.roster])
        guard m.status == 0 else { throw BenchFailure(.software, "init exited \(m.status)") }
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    /// The rows ingest keeps (valid events, first of each id) as CSV (id,type,user,at,category) for `sqlite3 .import --csv`.
    static func writeCSV(events: String, to path: String) throws -> Int {
        let out = try create(path)
        defer { out.close() }
        var rows = 0
        var seen = Set<String>()
        try EventStream(path: events).forEach { item in
            if case .success(let e) = item.event, seen.insert(e.id).inserted {
                out.line([e.id, e.type.rawValue, e.user, e.at.rfc3339, e.category ?? ""].map { CSV.exactField($0) }.joined(separator: ","))
                rows += 1
            }
            return true
        }
        out.flush()
        return rows
    }

    /// The first `lines` lines of a file, for the memory comparison.
    static func copyHead(of source: String, lines: Int, to path: String) throws -> Int {
        let out = try create(path)
        defer { out.close() }
        let fd = try InputFile.open(source)
        let reader = try LineReader(fd: fd)
        var n = 0
        try reader.forEachLine { line in
            guard n < lines, let bytes = line.bytes else { return false }
            out.line(String(decoding: bytes, as: UTF8.self))
            n += 1
            return true
        }
        out.flush()
        return n
    }
}

extension StoreBench {
    /// A file opened for writing through `Output`'s buffering; call `close()` when done.
    static func create(_ path: String) throws -> Output {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchFailure(.cantCreate, "\(path): \(String(cString: strerror(errno)))") }
        return Output(fd: fd)
    }
}
