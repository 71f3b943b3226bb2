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

    Generates a realistic load (default 10,000 users × 100 days ≈ 1M events over 20 employers, mixed
    zones, logs arriving day by day) once into DIR, then measures in a release build:
      (a) evaluation alone: validated events fed to the engine in memory (duplicate check included);
      (b) end-to-end replay of the JSONL file by `incentives replay`, run as a child process, with its
          peak resident memory.
    `bench store` instead times `incentives ingest` of the file against sqlite3's own `.import` of the
    same rows as CSV (ratio printed), `incentives user` look-ups and achievement pages (median, p99 over
    --lookups N, default 2000), and ingest's peak memory at a tenth and at the whole file.
    Prints the best of N runs. Targets: (a) ≥ 3M events/s; (b) ≥ 1M lines/s under 250 MB.

      --users N       users (default 10000)
      --days N        days of events (default 100)
      --employers N   employers (default 20)
      --dir DIR       where the generated files live (default /tmp/incentives-bench-USERSxDAYS)
      --runs N        repetitions, best is reported (default 3)

    Example:
      swift build -c release && .build/release/incentives bench --users 10000 --days 100

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        if let extra = args.positionals.first, extra != "engine", extra != "store" {
            throw Arguments.UsageError(message: "unknown benchmark \(extra) (expected: engine or store)")
        }
        let users = try args.int("users", default: 10_000)
        let days = try args.int("days", default: 100)
        let employers = try args.int("employers", default: 20)
        let runs = try args.int("runs", default: 3, range: 1...100)
        let dir = args.value("dir") ?? "/tmp/incentives-bench-\(users)x\(days)"
        let files = try BenchInput.prepare(users: users, days: days, employers: employers, dir: dir)
        // `bench store`: ingest against sqlite3's .import, look-up latencies, ingest memory (Bench/StoreBench.swift).
        if args.positionals.first == "store" { return try StoreBench.run(args, files: files, dir: dir, runs: runs) }

        #if DEBUG
        printError("warning: this is a debug build; measure with `swift build -c release` and .build/release/incentives")
        #endif
        // (a) Evaluation alone.
        let engineSetup = try Setup.engine(catalog: files.catalog, roster: files.roster)
        var events: [Event] = []
        events.reserveCapacity(files.lines)
        try EventStream(path: files.events).forEach { item in
            if case .success(let e) = item.event { events.append(e) }
            return true
        }
        var best = Double.infinity
        var achievements = 0
        for _ in 0..<runs {
            let engine = try Engine(catalog: engineSetup.catalog, roster: engineSetup.roster)
            let intake = Intake(engine: engine, expectedEvents: events.count)
            let start = DispatchTime.now().uptimeNanoseconds
            for e in events { _ = intake.take(e) }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, seconds)
            achievements = intake.counts.achievements
        }
        events = []
        print("load: \(users) users × \(days) days, \(employers) employers: \(files.lines) lines, \(files.bytes / 1_000_000) MB (\(dir))")
        print(String(format: "(a) evaluation alone:  %8.0f events/s  (%.3f s for %d events, %d achievements)",
                     Double(files.lines) / best, best, files.lines, achievements))

        // Parsing alone, for the breakdown: how much of (b) is reading and validating lines.
        var parsed = 0
        let parseStart = DispatchTime.now().uptimeNanoseconds
        try EventStream(path: files.events).forEach { item in
            if case .success = item.event { parsed += 1 }
            return true
        }
        let parseSeconds = Double(DispatchTime.now().uptimeNanoseconds - parseStart) / 1e9
        print(String(format: "    parsing alone:       %8.0f lines/s   (%.3f s, simdjson + field checks)", Double(files.lines) / parseSeconds, parseSeconds))

        // (b) End-to-end replay in a child process, so its peak memory is its own.
        var bestReplay: ChildProcess.Measurement?
        for _ in 0..<runs {
            let m = try ChildProcess.run(ChildProcess.selfPath, ["replay", "--catalog", files.catalog, "--roster", files.roster, "--events", files.events])
            guard m.status == 0 || m.status == 65 else { throw CommandFailure(.software, "replay exited \(m.status)") }
            if bestReplay == nil || m.seconds < bestReplay!.seconds { bestReplay = m }
        }
        let r = bestReplay!
        print(String(format: "(b) end-to-end replay: %8.0f lines/s   (%.3f s), peak memory %.0f MB",
                     Double(files.lines) / r.seconds, r.seconds, Double(r.peakRSSBytes) / 1_048_576))
        return .ok
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
                FileManager.default.createFile(atPath: marker, contents: Data())
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
}
