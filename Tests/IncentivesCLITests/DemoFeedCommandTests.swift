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
        #expect(r.stdout.contains("Usage: incentives demo-feed [--db PATH|URL] [--events FILE] [--rate N]"))
        #expect(r.stdout.contains("incentives demo-feed --reset [--db PATH]"))
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

    /// Issue 20, item 1 (the class: adding days to a local time): the feed moved each time by whole days keeping
    /// the offset written, so an evening event moved across a DST change landed an hour off — 23:30 CST moved into
    /// summer was 00:30 CDT, the next local day. Events at 23:30 local every day of a year (so some move
    /// across a change whatever today is) must each stay at 23:30 local in the user's zone.
    @Test(arguments: ["America/Chicago", "Australia/Lord_Howe", "Europe/London"])
    func movedEventsKeepTheirWallClockTimeAcrossDSTChanges(zone: String) throws {
        let dir = TempDir(prefix: "feed")
        let catalog = demo + "/catalog.json"
        let roster = dir.write("roster.jsonl", "{\"id\": \"dst-user\", \"employer\": \"initech\", \"timezone\": \"\(zone)\", \"eligibleFrom\": \"2020-01-01\"}\n")
        let db = dir.path("feed.sqlite")
        let initialized = try Binary.run(["init", "--db", db, "--catalog", catalog, "--roster", roster])
        try #require(initialized.status == 0, "\(initialized.stderr)")
        let tz = try #require(TimeZone(identifier: zone))
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = tz
        // 23:30 local on each day of 2025, written with the offset the zone had then.
        var lines: [String] = []
        let day = DateFormatter()
        day.dateFormat = "yyyy-MM-dd"
        day.timeZone = tz
        for n in 0..<365 {
            let date = try #require(cal.date(from: DateComponents(year: 2025, month: 1, day: 1 + n, hour: 23, minute: 30)))
            let offset = tz.secondsFromGMT(for: date)
            let sign = offset < 0 ? "-" : "+"
            let at = day.string(from: date) + String(format: "T23:30:00%@%02d:%02d", sign, abs(offset) / 3600, abs(offset) / 60 % 60)
            lines.append("{\"id\": \"d\(n)\", \"type\": \"health_data_logged\", \"user\": \"dst-user\", \"at\": \"\(at)\", \"category\": \"mood\"}")
        }
        let events = dir.write("events.jsonl", lines.joined(separator: "\n") + "\n")
        let fed = try Binary.run(["demo-feed", "--db", db, "--events", events, "--rate", "1000"])
        try #require(fed.status == 0, "\(fed.stderr)")
        #expect(fed.stdout.contains("fed all 365 events: 365 accepted"), "\(fed.stdout)")
        // The instants stored, as `why` reads them back.
        let why = try Binary.run(["why", "dst-user", "--db", db, "--format", "jsonl"])
        var stored: [String: String] = [:]
        for line in why.stdout.split(separator: "\n") {
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any], o["kind"] as? String == "event",
                  let id = o["event"] as? String, let at = o["at"] as? String else { continue }
            stored[id] = at
        }
        let instants = stored.values.compactMap { ISO8601DateFormatter().date(from: $0) }
        #expect(instants.count == 365)
        var offsets = Set<Int>()
        for at in instants {
            let c = cal.dateComponents([.day, .hour, .minute], from: at)
            #expect(c.hour == 23 && c.minute == 30, "\(zone): \(at) is \(c.hour ?? -1):\(c.minute ?? -1) local")
            offsets.insert(tz.secondsFromGMT(for: at))
        }
        #expect(offsets.count == 2, "the moved events lie on both sides of a change")
    }

    /// Counts of a SQLite database's tables.
    func count(_ db: String, _ table: String) throws -> String {
        try runProcess("/usr/bin/sqlite3", [db, "SELECT count(*) FROM \(table)"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Issue 20, item 7: `--reset` puts the demo database back as first created; feeds leave nothing behind.
    @Test func resetPutsTheDemoDatabaseBackAsFirstCreated() throws {
        let dir = TempDir(prefix: "feed")
        let db = dir.path("demo.sqlite"), fresh = dir.path("fresh.sqlite")
        var env = ProcessInfo.processInfo.environment
        env["INCENTIVES_DB"] = fresh
        // `incentives` alone creates the demo database (then wants a terminal for the console).
        #expect(try Binary.run([], environment: env).stderr.contains("created the demo database"))
        env["INCENTIVES_DB"] = db
        let fed = try Binary.run(["demo-feed", "--events", try someEvents(dir, count: 20), "--rate", "40"], environment: env)
        #expect(fed.status == 0, "\(fed.stderr)")
        let tables = ["events", "achievements", "deliveries", "ingests", "rejects"]
        #expect(try count(db, "ingests") != count(fresh, "ingests"), "the feed left its chunks' ingests rows")

        let reset = try Binary.run(["demo-feed", "--reset"], environment: env)
        #expect(reset.status == 0, "\(reset.stderr)")
        #expect(reset.stderr.contains("reset the demo database \(db)"), "\(reset.stderr)")
        for t in tables { #expect(try count(db, t) == count(fresh, t), "\(t) as in a demo database just created") }
        #expect(try count(db, "events WHERE id LIKE '%~feed-%'") == "0")

        // Only a database made from the demo is removed; PostgreSQL is not reset this way.
        let other = dir.write("catalog.json", """
        {"incentives": [{"id": "report-birth", "kind": "single", "event": "birth_reported"}],
         "employers": [{"id": "acme", "programs": [{"id": "acme-2026", "starts": "2026-01-01", "ends": "2026-12-31",
           "rewards": [{"incentive": "report-birth", "reward": "$50 gift card"}]}]}]}
        """)
        let mine = dir.path("mine.sqlite")
        #expect(try Binary.run(["init", "--db", mine, "--catalog", other, "--roster", dir.write("roster.jsonl", "")]).status == 0)
        let refused = try Binary.run(["demo-feed", "--reset", "--db", mine])
        #expect(refused.status == 64 && refused.stderr.contains("was not created from the demo"), "\(refused.stderr)")
        #expect(FileManager.default.fileExists(atPath: mine))
        let pg = try Binary.run(["demo-feed", "--reset", "--db", "postgresql:///nowhere?host=/nonexistent"])
        #expect(pg.status == 64 && pg.stderr.contains("on PostgreSQL drop and create the database"), "\(pg.stderr)")
        #expect(try Binary.run(["demo-feed", "--reset", "--rate", "5"], environment: env).status == 64)
    }

    /// Issue 20, item 7: `demo-feed` on PostgreSQL feeds and evaluates (it exited 69 "not on PostgreSQL yet"), with
    /// `--db` or `$INCENTIVES_DB`, and makes no file or folder from the URL.
    @Test func feedsAPostgreSQLDatabase() throws {
        let server = try PostgresServer.shared()
        let url = try server.database("feed")
        let r = try Binary.run(["init", "--db", url, "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        let dir = TempDir(prefix: "feed")
        let events = try someEvents(dir, count: 400)
        let fed = try Binary.run(["demo-feed", "--db", url, "--events", events, "--rate", "400"])
        #expect(fed.status == 0, "\(fed.stderr)")
        #expect(fed.stdout.contains("fed all 401 events: "), "\(fed.stdout)")

        // The same events fed into SQLite give as many achievements: the worker evaluated every chunk.
        let sqlite = try emptyDatabase(dir)
        _ = try Binary.run(["demo-feed", "--db", sqlite, "--events", events, "--rate", "10000"])
        let onSQLite = try Binary.run(["achievements", "--db", sqlite, "--format", "jsonl"]).stdout.split(separator: "\n").count
        let onPG = try Binary.run(["achievements", "--db", url, "--format", "jsonl"]).stdout.split(separator: "\n").count
        #expect(onSQLite > 0 && onPG == onSQLite, "achievements: PostgreSQL \(onPG), SQLite \(onSQLite)")

        var env = ProcessInfo.processInfo.environment
        env["INCENTIVES_DB"] = url
        let viaEnv = try Binary.run(["demo-feed", "--events", events, "--rate", "10000"], environment: env)
        #expect(viaEnv.status == 0, "\(viaEnv.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "postgresql:"), "no folder made from the URL")

        let empty = try server.database("feed")
        let uninitialised = try Binary.run(["demo-feed", "--db", empty, "--events", events])
        #expect(uninitialised.status == 78 && uninitialised.stderr.contains("run 'incentives init"), "\(uninitialised.status): \(uninitialised.stderr)")
    }
}
