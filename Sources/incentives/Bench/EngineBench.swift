import Foundation
import IncentivesCore
import IncentivesInput

/// `incentives bench` (engine): (a) evaluation alone, parsing alone, (b) end-to-end replay with its memory.
enum EngineBench {
    static func run(files: BenchInput.Files, dir: String, runs: Int, users: Int, days: Int, employers: Int) throws -> ExitCode {
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
