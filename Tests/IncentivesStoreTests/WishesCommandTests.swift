import Foundation
import IncentivesCore
@testable import IncentivesStore
import Testing

/// The wishes of issue 20 as support staff run them: `incentives why USER --summary` (table and jsonl, from a store
/// and from the files: the same facts) and the deliveries table of `incentives user`.
@Suite("why --summary and user's deliveries", .timeLimit(.minutes(5)))
struct WishesCommandTests {
    static let catalog = """
    {"incentives": [
      {"id": "log-5-days", "name": "Log 5 days in a row", "kind": "streak", "event": "health_data_logged", "days": 5},
      {"id": "report-birth", "name": "Report a birth", "kind": "single", "event": "birth_reported"}],
     "employers": [{"id": "acme", "name": "Acme", "programs": [
      {"id": "acme-2026", "starts": "2026-03-01", "ends": "2026-12-31", "rewards": [
        {"incentive": "log-5-days", "reward": "Pregnancy pillow", "limit": 2}, {"incentive": "report-birth", "reward": "$50 gift card"}]}]}],
     "partners": [{"id": "pillowco", "employers": ["acme"], "rewards": ["Pregnancy pillow"],
                   "webhook": {"url": "https://pillow.example/hook", "secretEnv": "PILLOW_SECRET"}}]}
    """
    static let roster = """
    {"id": "ana", "employer": "acme", "timezone": "America/Chicago", "eligibleFrom": "2026-01-01"}
    """
    /// Five days in a row (an award), a day before the program, the 7th missed, then two days and a late one.
    static let events = [
        ("a0", "2026-02-28"), ("a1", "2026-03-02"), ("a2", "2026-03-03"), ("a3", "2026-03-04"), ("a4", "2026-03-05"),
        ("a5", "2026-03-06"), ("b1", "2026-03-08"), ("b3", "2026-03-10"), ("b2", "2026-03-09"),
    ].map { "{\"id\": \"\($0.0)\", \"type\": \"health_data_logged\", \"user\": \"ana\", \"at\": \"\($0.1)T12:00:00-06:00\", \"category\": \"mood\"}" }
        .joined(separator: "\n") + "\n"

    @Test func whySummaryFromTheStoreAndFromTheFiles() throws {
        let binary = try Binary.located()
        let dir = TempDir()
        let files = [dir.write("catalog.json", Self.catalog), dir.write("roster.jsonl", Self.roster), dir.write("events.jsonl", Self.events)]
        let db = dir.path("w.sqlite")
        #expect(try runProcess(binary, ["init", "--db", db, "--catalog", files[0], "--roster", files[1]]).status == 0)
        #expect(try runProcess(binary, ["ingest", "--db", db, "--events", files[2]]).status == 0)
        let args = ["why", "ana", "--summary", "--reward", "Pregnancy pillow", "--today", "2026-03-20"]
        let stored = try runProcess(binary, args + ["--db", db])
        let fromFiles = try runProcess(binary, args + ["--catalog", files[0], "--roster", files[1], "--events", files[2]])
        #expect(stored.status == 0, "\(stored.stderr)")
        #expect(stored.stdout == fromFiles.stdout)
        #expect(stored.stdout == """
            Pregnancy pillow · log-5-days · acme-2026  (open, earned 1 of 2)
              longest run: 5 days (Mon 2 Mar 2026 to Fri 6 Mar 2026), earned 1; 5 days earn it; 8 days counted in all
              broke on Wed 11 Mar 2026: no log that day ended a run of 3 days (Sun 8 Mar to Tue 10 Mar, 2 short)
              broke on Sat 7 Mar 2026: no log that day ended a run of 5 days (Mon 2 Mar to Fri 6 Mar, earned 1)
              Sat 28 Feb 2026: before the program (1 event did not count)
              late: b2 for Mon 9 Mar 2026 arrived after an event of Tue 10 Mar 2026: counted

            """, "\(stored.stdout)")

        let jsonl = try runProcess(binary, ["why", "ana", "--summary", "--format", "jsonl", "--today", "2026-03-20", "--db", db])
        #expect(jsonl.status == 0)
        let objects = try jsonl.stdout.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(objects.map { $0["incentive"] as? String } == ["log-5-days", "report-birth"], "one object per reward")
        let pillow = objects[0]
        #expect((pillow["longestRun"] as? [String: Any])?["days"] as? Int == 5)
        #expect(pillow["breaks"] as? [String] == ["2026-03-07", "2026-03-11"])
        #expect((pillow["late"] as? [[String: Any]])?.first?["id"] as? String == "b2")
        #expect((pillow["outside"] as? [[String: Any]])?.first?["reason"] as? String == "before-program")

        // The reward check comes first: a reward the employer does not offer is still 66.
        #expect(try runProcess(binary, ["why", "ana", "--summary", "--reward", "Nope", "--db", db]).status == 66)
        #expect(try runProcess(binary, ["why", "--help"]).stdout.contains("--summary"))
    }

    @Test func userShowsWhereEachAwardIs() throws {
        let binary = try Binary.located()
        let dir = TempDir()
        let files = [dir.write("catalog.json", Self.catalog), dir.write("roster.jsonl", Self.roster), dir.write("events.jsonl", Self.events)]
        let db = dir.path("w.sqlite")
        #expect(try runProcess(binary, ["init", "--db", db, "--catalog", files[0], "--roster", files[1]]).status == 0)
        #expect(try runProcess(binary, ["ingest", "--db", db, "--events", files[2]]).status == 0)
        let pending = try runProcess(binary, ["user", "ana", "--db", db])
        #expect(pending.status == 0)
        #expect(pending.stdout.contains("Deliveries (where each award is)"), "\(pending.stdout)")
        let row = try #require(pending.stdout.split(separator: "\n").first { $0.contains("pillowco") }, "\(pending.stdout)")
        #expect(row.contains("pending"), "\(row)")

        // The sender gave up: the partner's answer (hostile: an escape sequence) is shown, made safe.
        let writer = try Database(path: db, mode: .readWrite(create: false))
        try writer.run("UPDATE deliveries SET status = 'failed', attempts = 8, last_error = ?", .text("HTTP 422 \u{1b}[2Jgone"))
        let failed = try runProcess(binary, ["user", "ana", "--db", db])
        let line = try #require(failed.stdout.split(separator: "\n").first { $0.contains("pillowco") }, "\(failed.stdout)")
        #expect(line.contains("failed") && line.contains(" 8 ") && line.contains("HTTP 422"), "\(line)")
        #expect(!failed.stdout.contains("\u{1b}"), "no escape reaches the terminal")
        #expect(try runProcess(binary, ["user", "--help"]).stdout.contains("where is my pillow?"))
    }
}
