import Foundation
import Testing

@Suite("incentives replay, as CONTRACT §5 states", .serialized, .timeLimit(.minutes(10)))
struct ReplayCommandTests {
    let demo = Binary.packageRoot + "/Assets/demo"
    let temp = TempDir(prefix: "replay")

    private func tempFile(_ name: String, _ text: String) throws -> String {
        temp.write(name, text)
    }

    @Test func replaysTheDemoAndPrintsOneAchievementALine() throws {
        let r = try Binary.run(["replay", "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl", "--events", demo + "/events.jsonl"])
        #expect(r.status == 65) // the demo carries a few bad lines on purpose
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count > 100)
        for line in lines.prefix(50) {
            let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            // An award names its incentive; a tier of a points program (CONTRACT §3) names the tier in its place.
            let keys = Set(obj?.keys.map { $0 } ?? [])
            let common: Set = ["user", "employer", "program", "reward", "completedOn", "achievedAt", "evidence"]
            #expect(keys == common.union(["incentive"]) || keys == common.union(["tier"]), "\(line)")
        }
        #expect(lines.contains { $0.contains(#""tier":"bronze""#) }, "the demo's points program reaches a tier")
        let summary = r.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(summary.hasPrefix("events: 7020 read, "))
        #expect(summary.hasSuffix("achievements: \(lines.count)"))
        #expect(r.stderr.contains(demo + "/events.jsonl:251: at: no UTC offset"))
    }

    /// A file that stops being JSON lines part-way (a line with no end within 64 MiB) stops the reading with exit 65,
    /// and every award earned before that line is still printed: they are written by a thread of their own
    /// (`AchievementPrinter`), which the error must wait for. Expected: the awards of the same lines without the tail.
    @Test(arguments: [1, 2])
    func awardsBeforeARunawayLineArePrinted(threads: Int) throws {
        let events = try String(contentsOfFile: demo + "/events.jsonl", encoding: .utf8)
        let head = try tempFile("head.jsonl", events)
        let whole = try tempFile("runaway.jsonl", events + String(repeating: "x", count: 65 << 20))
        let args = ["replay", "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl", "--threads", "\(threads)", "--events"]
        let expected = try Binary.run(args + [head])
        let got = try Binary.run(args + [whole])
        #expect(got.status == 65)
        #expect(got.stderr.contains("no end of line within 64 MiB"), "\(got.stderr.suffix(300))")
        #expect(expected.stdout.split(separator: "\n").count > 100)
        #expect(got.stdout == expected.stdout)
    }

    @Test func readsEventsFromStandardInput() throws {
        let events = try String(contentsOfFile: demo + "/events.jsonl", encoding: .utf8)
        let fromFile = try Binary.run(["replay", "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl", "--events", demo + "/events.jsonl"])
        let fromStdin = try Binary.run(["replay", "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl", "--events", "-"], stdin: events)
        #expect(fromStdin.stdout == fromFile.stdout)
        #expect(fromStdin.status == fromFile.status)
        #expect(fromStdin.stderr.contains("stdin:251: at: no UTC offset"))
    }

    @Test func allGoodLinesExitZero() throws {
        let events = try tempFile("events.jsonl", #"{"id": "b1", "type": "birth_reported", "user": "u-00001", "at": "2026-11-01T10:00:00Z"}"# + "\n")
        let r = try Binary.run(["replay", "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl", "--events", events])
        #expect(r.status == 0)
        #expect(r.stderr == "events: 1 read, 1 accepted, 0 duplicates, 0 rejected; achievements: \(r.stdout.split(separator: "\n").count)\n")
    }

    @Test func missingFilesExit66() throws {
        let r = try Binary.run(["replay", "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl", "--events", "/no/such/events.jsonl"])
        #expect(r.status == 66)
        #expect(r.stderr.contains("/no/such/events.jsonl: no such file"))
        #expect(r.stdout.isEmpty)
        let c = try Binary.run(["replay", "--catalog", "/no/catalog.json", "--roster", demo + "/roster.jsonl", "--events", demo + "/events.jsonl"])
        #expect(c.status == 66)
    }

    @Test func refusedCatalogOrRosterExits78AndProcessesNothing() throws {
        let catalog = try tempFile("catalog.json", #"{"incentives": [], "employers": [{"id": "a", "programs": [{"id": "p", "starts": "2026-01-01", "ends": "2026-12-31", "rewards": [{"incentive": "log-6-days", "reward": "x"}]}]}]}"#)
        let r = try Binary.run(["replay", "--catalog", catalog, "--roster", demo + "/roster.jsonl", "--events", demo + "/events.jsonl"])
        #expect(r.status == 78)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("employers[0].programs[0].rewards[0].incentive: unknown incentive \"log-6-days\""))
        let roster = try tempFile("roster.jsonl", #"{"id": "a", "employer": "acme", "timezone": "Nowhere/City", "eligibleFrom": "2026-01-01"}"#)
        let r2 = try Binary.run(["replay", "--catalog", demo + "/catalog.json", "--roster", roster, "--events", demo + "/events.jsonl"])
        #expect(r2.status == 78)
        #expect(r2.stderr.contains("roster.jsonl:1: timezone: unknown time zone \"Nowhere/City\""))
    }

    @Test func badUsageExits64WithAHint() throws {
        for args in [["replay"], ["replay", "--catalog"], ["replay", "--catalog", "a", "--roster", "b", "--events", "c", "--bogus"],
                     ["replay", "--catalog", "a", "--roster", "b", "--events", "c", "extra"], ["no-such-command"]] {
            let r = try Binary.run(args)
            #expect(r.status == 64, "\(args)")
            #expect(r.stderr.contains("--help"), "\(args)")
        }
    }

    @Test func everyCommandHasHelp() throws {
        let top = try Binary.run(["--help"])
        #expect(top.status == 0)
        #expect(top.stdout.contains("replay"))
        let names = top.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("   ") }
            .compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names.contains("replay"))
        for name in names {
            let r = try Binary.run([name, "--help"])
            #expect(r.status == 0, "\(name) --help")
            #expect(r.stdout.contains("Usage: incentives \(name)"), "\(name) --help")
        }
    }
}
