import Foundation
import IncentivesCore
import IncentivesInput

/// `incentives bench`: the performance targets as a benchmark you can run (not timed unit tests).
enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "measure evaluation and end-to-end replay speed and memory on a generated load"
    static let valuedOptions: Set<String> = ["users", "days", "employers", "dir", "runs", "lookups"]
    static let help = """
    Usage: incentives bench [engine] [--users N] [--days N] [--employers N] [--dir DIR] [--runs N]
           incentives bench store [same options] [--lookups N]
           incentives bench delivery [same options]
           incentives bench console [same options]

    Generates a realistic load (default 10,000 users × 100 days ≈ 1M events over 20 employers, mixed
    zones, logs arriving day by day) once into DIR, then measures in a release build:
      (a) evaluation alone: parsed events fed to the engine in memory, with one engine per core and
          with one engine, then with the duplicate check in front (partitioned as replay runs it, and one);
      (b) end-to-end replay of the JSONL file by `incentives replay`, run as a child process, with its
          peak resident memory; then again with every program ending 9999-12-31 (memory within 1.2×).
    `bench store` instead times `incentives ingest` of the file against sqlite3's own `.import` of the
    same rows as CSV (ratio printed), `incentives user` look-ups and achievement pages (median, p99 over
    --lookups N, default 2000), and ingest's peak memory at a tenth and at the whole file, and at the
    whole file with every program ending 9999-12-31.
    `bench delivery` sends the file's achievements to a loopback receiver: deliveries per second
    sequentially, with requests in flight and with batched database writes.
    `bench console` times the console's first frame on the ingested database and key-to-frame per screen.
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
    static let suites = ["engine", "store", "delivery", "console"]

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
        let files = try BenchInput.prepare(users: users, days: days, employers: employers, dir: dir)
        switch suite {
        case "store":
            // ingest against sqlite3's .import, look-up latencies, ingest memory (Bench/StoreBench.swift).
            return try StoreBench.run(args, files: files, dir: dir, runs: runs)
        case "delivery":
            // deliveries per second to a loopback receiver, sequential vs concurrent vs batched (Bench/DeliveryBench.swift).
            print(try DeliveryBench.measure(catalog: files.catalog, roster: files.roster, events: files.events, dir: dir,
                                            progress: { printError($0) }))
            return .ok
        case "console":
            return try ConsoleBenchEntry.run(args, files: files, dir: dir)
        default:
            return try EngineBench.run(files: files, dir: dir, runs: runs, users: users, days: days, employers: employers)
        }
    }
}

/// The benchmark's input files, generated once per size and reused.
enum BenchInput {
    struct Files {
        let catalog: String
        let roster: String
        let events: String
        let lines: Int
        let bytes: Int
    }

    static func prepare(users: Int, days: Int, employers: Int, dir: String) throws -> Files {
        let files = (catalog: dir + "/catalog.json", roster: dir + "/roster.jsonl", events: dir + "/events.jsonl")
        let marker = dir + "/.complete-\(users)x\(days)x\(employers)"
        if !FileManager.default.fileExists(atPath: marker) {
            printError("generating \(users) users × \(days) days into \(dir) ...")
            var g = LoadGenerator()
            g.users = users
            g.days = days
            g.employers = employers
            g.firstDay = LocalDate(iso: "2026-03-01")!
            g.badLineRate = 0.00001
            do {
                try g.write(to: dir)
                _ = FileManager.default.createFile(atPath: marker, contents: Data())
            } catch {
                throw CommandFailure(.cantCreate, "\(dir): \(error)")
            }
        }
        let attrs = try FileManager.default.attributesOfItem(atPath: files.events)
        let bytes = (attrs[.size] as? Int) ?? 0
        var lines = 0
        try EventStream(path: files.events).forEach { _ in lines += 1; return true }
        return Files(catalog: files.catalog, roster: files.roster, events: files.events, lines: lines, bytes: bytes)
    }

    /// The same catalog with every program ending 9999-12-31, the "open-ended" sentinel employers use: memory
    /// must follow what users logged, not the calendar (DESIGN "Hostile input").
    static func openEndedCatalog(_ files: Files, dir: String) throws -> String {
        let path = dir + "/catalog-open-ended.json"
        guard var catalog = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: files.catalog))) as? [String: Any],
              var employers = catalog["employers"] as? [[String: Any]] else {
            throw CommandFailure(.software, "\(files.catalog): not a catalog")
        }
        for e in employers.indices {
            var programs = employers[e]["programs"] as? [[String: Any]] ?? []
            for p in programs.indices { programs[p]["ends"] = "9999-12-31" }
            employers[e]["programs"] = programs
        }
        catalog["employers"] = employers
        try JSONSerialization.data(withJSONObject: catalog, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        return path
    }
}
