import Foundation
import Testing

/// `incentives demo-feed`: events fed slowly through the normal ingest, each run new (ids suffixed, days moved),
/// Ctrl-C stopping it cleanly, and plain errors with their exit statuses.
@Suite(.timeLimit(.minutes(10)))
struct DemoFeedCommandTests {
    let demo = Binary.packageRoot + "/Assets/demo"

    /// A database with the demo's catalog and roster and no events.
    func emptyDatabase(_ dir: TempDir) throws -> String {
        let db = dir.path("feed.sqlite")
        let r = try Binary.run(["init", "--db", db, "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        return db
    }

    /// The demo's first `count` event lines, and one line that is no JSON.
    func someEvents(_ dir: TempDir, count: Int) throws -> String {
        let lines = try String(contentsOfFile: demo + "/events.jsonl", encoding: .utf8).split(separator: "\n").prefix(count)
        return dir.write("events.jsonl", lines.joined(separator: "\n") + "\nnot json\n")
    }

    @Test func helpNamesTheOptions() throws {
        let r = try Binary.run(["demo-feed", "--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Usage: incentives demo-feed [--db PATH] [--events FILE] [--rate N]"))
        let all = try Binary.run(["--help"])
        #expect(all.stdout.contains("demo-feed"))
    }

    @Test func feedsEveryLineAndASecondRunIsNewEvents() throws {
        let dir = TempDir(prefix: "feed")
        let db = try emptyDatabase(dir)
        let events = try someEvents(dir, count: 30)
        let first = try Binary.run(["demo-feed", "--db", db, "--events", events, "--rate", "1000"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("feeding 31 events from \(events) into \(db), 1000 a second"))
        #expect(first.stdout.contains("fed all 31 events: 30 accepted, 0 duplicates, 1 rejected"), "\(first.stdout)")
        // The events end long before yesterday: they move by whole days.
        #expect(first.stdout.contains("days later"))
        // Ids get a suffix for each run, so a second run is new events and not duplicates.
        sleep(1)
        let second = try Binary.run(["demo-feed", "--db", db, "--events", events, "--rate", "1000"])
        #expect(second.stdout.contains("fed all 31 events: 30 accepted, 0 duplicates, 1 rejected"), "\(second.stdout)")
        // And they went through the normal ingest: the rejected line is kept with its reason.
        let rejects = try Binary.run(["rejects", "--db", db])
        #expect(rejects.stdout.contains("events.jsonl-from-line-1 ") && rejects.stdout.contains("invalid-json"), "\(rejects.stdout)")
    }

    @Test func keepsToTheRate() throws {
        let dir = TempDir(prefix: "feed")
        let db = try emptyDatabase(dir)
        let events = try someEvents(dir, count: 29)
        let start = Date()
        let r = try Binary.run(["demo-feed", "--db", db, "--events", events, "--rate", "20"])
        let elapsed = Date().timeIntervalSince(start)
        #expect(r.status == 0)
        // 30 lines at 20 a second: a second and a half, not an instant.
        #expect(elapsed >= 1.2, "took \(elapsed) s")
    }

    @Test func ctrlCStopsCleanlyAndWhatWasFedStays() throws {
        let dir = TempDir(prefix: "feed")
        let db = try emptyDatabase(dir)
        let out = Pipe()
        let p = try Binary.launch(["demo-feed", "--db", db, "--rate", "20"], stdout: out)
        // Wait for the first progress line (a second in), then interrupt.
        var seen = ""
        let deadline = Date().addingTimeInterval(20)
        while !seen.contains(" fed: "), Date() < deadline {
            seen += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(seen.contains(" fed: "))
        kill(p.processIdentifier, SIGINT)
        p.waitUntilExit()
        seen += String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(p.terminationReason == .exit && p.terminationStatus == 0, "stopped cleanly: \(p.terminationReason) \(p.terminationStatus)")
        #expect(seen.contains("stopped after "), "\(seen)")
        #expect(!seen.contains("fed all"))
        // Each chunk was committed by its ingest: what was fed stays, and a second feed starts afresh.
        #expect(!seen.contains(": 0 accepted"), "\(seen)")
        let events = try someEvents(dir, count: 2)
        let again = try Binary.run(["demo-feed", "--db", db, "--events", events, "--rate", "1000"])
        #expect(again.status == 0, "the feed left no ingest lock behind: \(again.stderr)")
    }

    @Test func errorsAreSaidPlainlyWithTheirStatus() throws {
        let dir = TempDir(prefix: "feed")
        let missingDB = try Binary.run(["demo-feed", "--db", dir.path("none.sqlite"), "--events", demo + "/events.jsonl"])
        #expect(missingDB.status == 66)
        #expect(missingDB.stderr.contains("none.sqlite: no such database"))
        #expect(!FileManager.default.fileExists(atPath: dir.path("none.sqlite")), "no empty database is left behind")
        let db = try emptyDatabase(dir)
        let missingEvents = try Binary.run(["demo-feed", "--db", db, "--events", dir.path("none.jsonl")])
        #expect(missingEvents.status == 66)
        #expect(missingEvents.stderr.contains("none.jsonl: no such file"))
        for rate in ["0", "-3", "fast", "20000"] {
            let bad = try Binary.run(["demo-feed", "--db", db, "--rate", rate])
            #expect(bad.status == 64, "--rate \(rate)")
            #expect(bad.stderr.contains("--rate"))
        }
        let stray = try Binary.run(["demo-feed", "--db", db, "extra"])
        #expect(stray.status == 64)
    }

    @Test func withNoDatabaseItCreatesTheDemoOneAsTheConsoleDoes() throws {
        let dir = TempDir(prefix: "feed")
        let db = dir.path("demo.sqlite")
        let events = try someEvents(dir, count: 3)
        var env = ProcessInfo.processInfo.environment
        env["INCENTIVES_DB"] = db
        let r = try Binary.run(["demo-feed", "--events", events, "--rate", "1000"], environment: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("created the demo database \(db)"))
        #expect(r.stdout.contains("fed all 4 events: 3 accepted"))
    }
}
