import Foundation
import IncentivesCore
import IncentivesInput

/// `incentives bench` (engine): (a) evaluation alone, parsing alone, (b) end-to-end replay with its memory.
public enum EngineBench {
    public static func run(files: BenchInput.Files, dir: String, runs: Int, users: Int, days: Int, employers: Int,
                           commands: BenchCommands) throws {
        // (b) End-to-end replay in a child process, so its peak memory is its own. It runs first, while this
        // process is small: a spawned child's peak counts the memory it shared with its parent before exec.
        var bestReplay: ChildProcess.Measurement?
        for _ in 0..<runs {
            let m = try ChildProcess.run(ChildProcess.selfPath, ["replay", "--catalog", files.catalog, "--roster", files.roster, "--events", files.events])
            guard m.status == 0 || m.status == 65 else { throw BenchFailure(.software, "replay exited \(m.status)") }
            if bestReplay == nil || m.seconds < bestReplay!.seconds { bestReplay = m }
        }
        let r = bestReplay!
        var replayLine = String(format: "(b) end-to-end replay:              %9.0f lines/s   (%.3f s), peak memory %.0f MB",
                     Double(files.lines) / r.seconds, r.seconds, Double(r.peakRSSBytes) / 1_048_576)
        // The same with every program ending 9999-12-31: state must follow the days logged, not the calendar.
        let openEnded = try BenchInput.openEndedCatalog(files, dir: dir)
        let o = try ChildProcess.run(ChildProcess.selfPath, ["replay", "--catalog", openEnded, "--roster", files.roster, "--events", files.events])
        guard o.status == 0 || o.status == 65 else { throw BenchFailure(.software, "replay exited \(o.status)") }
        replayLine += String(format: "\n    programs ending 9999-12-31:     %9.0f lines/s   (%.3f s), peak memory %.0f MB (×%.2f; target ≤ 1.2)",
                             Double(files.lines) / o.seconds, o.seconds, Double(o.peakRSSBytes) / 1_048_576,
                             Double(o.peakRSSBytes) / Double(max(r.peakRSSBytes, 1)))

        // (c) replay --threads 1, 2 and every core, each against sqlite3's import in the same run: also while this
        // process is small, for the children's peak memory.
        let scaling = try ReplayScaling.run(files: files, dir: dir, runs: runs)

        // (a) Evaluation alone: the events are parsed and admitted first (not timed), then fed to the engine.
        let setup = try commands.configuration(files.catalog, files.roster)
        var events: [Event] = []
        events.reserveCapacity(files.lines)
        try EventStream(path: files.events).forEach { item in
            if case .success(let e) = item.event { events.append(e) }
            return true
        }
        let admission = Admission(roster: setup.roster, expectedEvents: events.count)
        let admitted = events.filter { if case .new = admission.admit($0) { return true } else { return false } }
        let cores = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))

        /// Best of `runs` of `body` on fresh state; returns seconds and the achievements counted.
        func best(_ body: () throws -> Int) rethrows -> (seconds: Double, achievements: Int) {
            var result = (seconds: Double.infinity, achievements: 0)
            for _ in 0..<runs {
                let start = DispatchTime.now().uptimeNanoseconds
                let n = try body()
                result = (min(result.seconds, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9), n)
            }
            return result
        }
        let sharded = try best {
            let shards = try EngineShards(catalog: setup.catalog, roster: setup.roster, count: cores, zones: setup.zones)
            var n = 0
            var i = 0
            while i < admitted.count {
                let batch = Array(admitted[i..<min(i + EngineShards.preferredBatch, admitted.count)])
                for (_, a) in shards.recordEarning(batch) { n += a.count }
                i += EngineShards.preferredBatch
            }
            return n
        }
        let single = try best {
            let engine = try Engine(catalog: setup.catalog, roster: setup.roster, zones: setup.zones)
            var n = 0
            for e in admitted { if case .success(let a) = engine.record(e) { n += a.count } }
            return n
        }
        let shardedWithAdmission = try best {
            let shards = try EngineShards(catalog: setup.catalog, roster: setup.roster, count: cores, zones: setup.zones)
            let intake = Intake(shards: shards, expectedEvents: events.count)
            var i = 0
            while i < events.count {
                _ = intake.take(batch: events[i..<min(i + commands.replayBatchSize, events.count)].map { .success($0) })
                i += commands.replayBatchSize
            }
            return intake.counts.achievements
        }
        let withAdmission = try best {
            let intake = Intake(engine: try Engine(catalog: setup.catalog, roster: setup.roster, zones: setup.zones), expectedEvents: events.count)
            for e in events { _ = intake.take(e) }
            return intake.counts.achievements
        }
        guard sharded.achievements == single.achievements, single.achievements == withAdmission.achievements,
              shardedWithAdmission.achievements == single.achievements else {
            throw BenchFailure(.software, "shards and one engine disagree: \(sharded.achievements) vs \(single.achievements) vs \(withAdmission.achievements) vs \(shardedWithAdmission.achievements) achievements")
        }
        let eventCount = events.count
        events = []
        print("load: \(users) users × \(days) days, \(employers) employers: \(files.lines) lines, \(admitted.count) new events, \(files.bytes / 1_000_000) MB (\(dir))")
        print(String(format: "(a) evaluation alone, %d engine shards: %9.0f events/s  (%.3f s, %d achievements)",
                     cores, Double(admitted.count) / sharded.seconds, sharded.seconds, sharded.achievements))
        print(String(format: "    one engine, one core:             %9.0f events/s  (%.3f s)", Double(admitted.count) / single.seconds, single.seconds))
        print(String(format: "    with duplicate check, %d partitions: %7.0f events/s  (%.3f s, as replay runs it)", cores, Double(eventCount) / shardedWithAdmission.seconds, shardedWithAdmission.seconds))
        print(String(format: "    one engine with duplicate check:  %9.0f events/s  (%.3f s)", Double(eventCount) / withAdmission.seconds, withAdmission.seconds))

        // Parsing alone, for the breakdown: how much of (b) is reading and validating lines.
        var parsed = 0
        let parseStart = DispatchTime.now().uptimeNanoseconds
        try EventStream(path: files.events).forEach { item in
            if case .success = item.event { parsed += 1 }
            return true
        }
        let parseSeconds = Double(DispatchTime.now().uptimeNanoseconds - parseStart) / 1e9
        print(String(format: "    parsing alone, one core:          %9.0f lines/s   (%.3f s, simdjson + field checks)", Double(files.lines) / parseSeconds, parseSeconds))
        // The same split over every core (`EventStream.parsers`: one thread splits lines, the others parse slices).
        let allCores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        if allCores > 1 {
            var parsedInParallel = 0
            let start = DispatchTime.now().uptimeNanoseconds
            try EventStream(path: files.events, parsers: allCores).forEachBatchPipelined(batchSize: commands.replayBatchSize, prepare: { $0 }) { items in
                for item in items { if case .success = item.event { parsedInParallel += 1 } }
                return true
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard parsedInParallel == parsed else { throw BenchFailure(.software, "parsing on \(allCores) threads gave \(parsedInParallel) events, on one \(parsed)") }
            print(String(format: "    parsing alone, %d threads:          %9.0f lines/s   (%.3f s)", allCores, Double(files.lines) / seconds, seconds))
        }

        print(replayLine)
        for line in scaling { print(line) }
    }
}
