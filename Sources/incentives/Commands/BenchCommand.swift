import Foundation
import IncentivesBench
import IncentivesStore
import IncentivesStream
import IncentivesText
import IncentivesStores
import IncentivesSQL

/// `incentives bench`: the performance targets as a benchmark you can run (not timed unit tests).
enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "measure evaluation and end-to-end replay speed and memory on a generated load"
    static let valuedOptions: Set<String> = ["users", "days", "employers", "dir", "runs", "lookups", "db", "workers", "events", "trickle"]
    static let help = """
    Usage: incentives bench [engine] [--users N] [--days N] [--employers N] [--dir DIR] [--runs N]
           incentives bench store [same options] [--lookups N]
           incentives bench delivery [same options]
           incentives bench console [same options]
           incentives bench postgres --db URL [same options] [--workers 1,2] [--lookups N]
           incentives bench stream [same options] [--events N] [--trickle K]
           incentives bench reports [same options]

    Generates a realistic load (default 10,000 users × 100 days ≈ 1M events over 20 employers, mixed
    zones, logs arriving day by day) once into DIR, then measures in a release build:
      (a) evaluation alone: parsed events fed to the engine in memory, with one engine per core and
          with one engine, then with the duplicate check in front (partitioned as replay runs it, and one);
      (b) end-to-end replay of the JSONL file by `incentives replay`, run as a child process, with its
          peak resident memory; then again with every program ending 9999-12-31 (memory within 1.2×);
      (c) `replay --threads N` at 1, 2 and every core, each with its lines/s and its ratio to sqlite3's own
          `.import` of the same rows as CSV, timed in the same run (alternating).
    `bench store` instead times `incentives ingest` of the file against sqlite3's own `.import` of the
    same rows as CSV (ratio printed), `incentives user` look-ups and achievement pages (median, p99 over
    --lookups N, default 2000), and ingest's peak memory at a tenth and at the whole file, and at the
    whole file with every program ending 9999-12-31.
    `bench store` ends with every kind of employer report for every employer (median, p99 and max of
    --runs rounds, at least 3) and the console's Reports screen's first frame; `bench reports` runs that part
    alone on the database an earlier `bench store` left in DIR/store-bench.
    `bench delivery` sends the file's achievements to a loopback receiver: deliveries per second
    sequentially, with requests in flight and with batched database writes.
    `bench console` times the console's first frame on the ingested database and key-to-frame per screen.
    `bench postgres` ingests the file into SQLite and then into PostgreSQL with each number of --workers
    (default 1,2), each into a scratch database NAME_bench_wN made beside the one --db names (dropped and
    made again each run; nothing else is touched), prints each ingest's ratio to the SQLite one, and times
    look-ups on both stores (--lookups N, default 2000).
    `bench stream` starts a private nats-server -js (it must be installed) on a free loopback port, publishes
    the file (or its first --events N lines) once with `incentives publish` (its cost per event p50/p99), then
    ingests the file and the stream side by side, each into a fresh SQLite database (goal: the stream within
    1.3× of the file), and publishes K events (--trickle K, default 200) one every 50 ms while an ingest follows
    the stream: publication→commit latency p50/p99 (goal: p99 ≤ 250 ms).
    Prints the best of N runs. Targets: (a) ≥ 3M events/s; (b) ≥ 1M lines/s under 250 MB.

      --users N       users (default 10000)
      --days N        days of events (default 100)
      --employers N   employers (default 20)
      --dir DIR       where the generated files live (default /tmp/incentives-bench-USERSxDAYS)
      --runs N        repetitions, best is reported (default 3)

    Example:
      swift build -c release && .build/release/incentives bench --users 10000 --days 100

    """

    /// The benchmarks, by the word after `bench`.
    static let suites = ["engine", "store", "delivery", "console", "postgres", "stream", "reports"]

    static func run(_ args: Arguments) throws -> ExitCode {
        let suite = args.positionals.first ?? "engine"
        guard suites.contains(suite), args.positionals.count <= 1 else {
            throw Arguments.UsageError(message: "unknown benchmark \(args.positionals.joined(separator: " ")) (expected one of: \(suites.joined(separator: ", ")))")
        }
        #if DEBUG
        printError("warning: this is a debug build; measure with `swift build -c release` and .build/release/incentives")
        #endif
        let users = try args.int("users", default: 10_000)
        let days = try args.int("days", default: 100)
        let employers = try args.int("employers", default: 20)
        let runs = try args.int("runs", default: 3, range: 1...100)
        let dir = args.value("dir") ?? "/tmp/incentives-bench-\(users)x\(days)"
        do {
            let files = try BenchInput.prepare(users: users, days: days, employers: employers, dir: dir)
            switch suite {
            case "store":
                // ingest against sqlite3's .import, look-up latencies, ingest memory (IncentivesBench/StoreBench.swift).
                let lookups = try args.int("lookups", default: 2_000, range: 1...1_000_000)
                do {
                    try StoreBench.run(files: files, dir: dir, runs: runs, lookups: lookups, commands: commands)
                } catch let e as StoreError {
                    throw CommandFailure(StoreAccess.exitCode(e), e.description)
                }
            case "reports":
                // Part (4) of `bench store` alone, on the database it ingested (IncentivesBench/ReportTimes.swift).
                let db = dir + "/store-bench/ingest.sqlite"
                guard FileManager.default.fileExists(atPath: db) else {
                    throw CommandFailure(.noInput, "no \(db): run incentives bench store with the same options first")
                }
                do {
                    print(try StoreBench.reportTimes(db: db, rounds: max(runs, 3), commands: commands))
                } catch let e as StoreError {
                    throw CommandFailure(StoreAccess.exitCode(e), e.description)
                }
            case "delivery":
                // deliveries per second to a loopback receiver, sequential vs concurrent vs batched (IncentivesBench/DeliveryBench.swift).
                print(try DeliveryBench.measure(catalog: files.catalog, roster: files.roster, events: files.events, dir: dir,
                                                progress: { printError($0) }))
            case "postgres":
                guard let url = args.value("db"), Stores.traits(at: url).hasRoles else { // a server database, not a file
                    throw Arguments.UsageError(message: "bench postgres needs --db postgresql://… (a server it may create databases on)")
                }
                guard let workers = PostgresBench.workerCounts(args.value("workers") ?? "1,2") else {
                    throw Arguments.UsageError(message: "--workers takes counts from 1 to 64 separated by commas, e.g. 1,2")
                }
                let lookups = try args.int("lookups", default: 2_000, range: 1...1_000_000)
                do {
                    try PostgresBench.run(files: files, dir: dir, url: url, workers: workers, lookups: lookups)
                } catch let e as StoreError {
                    throw CommandFailure(StoreAccess.exitCode(e), e.description)
                }
            case "stream":
                let events = args.value("events") == nil ? nil : try args.int("events", default: 1_000_000, range: 1...100_000_000)
                let trickle = try args.int("trickle", default: 200, range: 1...100_000)
                do {
                    try StreamBench.run(files: files, dir: dir, events: events, runs: runs, trickle: trickle)
                } catch let e as StreamError {
                    throw CommandFailure(StreamAccess.exitCode(e), e.description)
                } catch let e as StoreError {
                    throw CommandFailure(StoreAccess.exitCode(e), e.description)
                }
            case "console":
                let status = try ConsoleBenchEntry.run(files: files, dir: dir, commands: commands)
                return ExitCode(rawValue: status.rawValue) ?? .software
            default:
                try EngineBench.run(files: files, dir: dir, runs: runs, users: users, days: days, employers: employers, commands: commands)
            }
            return .ok
        } catch let e as BenchFailure {
            throw CommandFailure(ExitCode(rawValue: e.status.rawValue) ?? .software, e.message)
        }
    }

    /// The command's own pieces that the benchmarks time: how `replay` loads its files and batches its
    /// lines, how `why` writes JSON lines, how the console opens a database.
    static var commands: BenchCommands {
        BenchCommands(replayBatchSize: ReplayCommand.batchSize,
                      configuration: { try Setup.configuration(catalog: $0, roster: $1) },
                      writeWhy: { WhyJSONLines.write($0, to: $1) },
                      consoleData: { try StoreAccess.consoleData(path: $0) })
    }
}
