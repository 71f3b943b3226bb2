import Foundation
import Testing

/// Issue 21, item 11: `achievements` filters on what is stored. Awards kept after their program (or incentive) is
/// removed from the catalog can be listed by it; only a name that neither the catalog nor any award has is 66.
@Suite struct AchievementsFilterTests {
    static func catalog(programs: [String], incentives: [String] = ["report-birth", "report-birth-2"]) -> String {
        let menu = incentives.map { #"{"id": "\#($0)", "kind": "single", "event": "birth_reported"}"# }.joined(separator: ", ")
        let list = programs.map { p in
            #"{"id": "\#(p)", "starts": "2026-01-01", "ends": "2026-12-31", "rewards": [{"incentive": "\#(p == "acme-old" ? "report-birth-2" : "report-birth")", "reward": "$50 gift card"}]}"#
        }.joined(separator: ", ")
        return #"{"incentives": [\#(menu)], "employers": [{"id": "acme", "programs": [\#(list)]}]}"#
    }

    @Test func aRemovedProgramsAwardsCanStillBeListed() throws {
        let dir = TempDir(prefix: "ach-filter")
        let db = dir.path("db.sqlite")
        let roster = dir.write("roster.jsonl", #"{"id": "u-1", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n")
        let before = dir.write("before.json", Self.catalog(programs: ["acme-2026", "acme-old"]))
        #expect(try Binary.run(["init", "--db", db, "--catalog", before, "--roster", roster]).status == 0)
        let events = dir.write("events.jsonl", #"{"id": "e-1", "type": "birth_reported", "user": "u-1", "at": "2026-06-10T09:00:00Z"}"# + "\n")
        let ingest = try Binary.run(["ingest", "--db", db, "--events", events])
        #expect(ingest.status == 0, "\(ingest.stderr)")

        // The program and its incentive leave the catalog; their award stays.
        let after = dir.write("after.json", Self.catalog(programs: ["acme-2026"], incentives: ["report-birth"]))
        let reinit = try Binary.run(["init", "--db", db, "--catalog", after, "--roster", roster])
        #expect(reinit.status == 0, "\(reinit.stderr)")

        for filter in [["--program", "acme-old"], ["--incentive", "report-birth-2"]] {
            let r = try Binary.run(["achievements", "--db", db, "--format", "jsonl"] + filter)
            #expect(r.status == 0, "\(filter): \(r.stderr)")
            let lines = r.stdout.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains(#""program":"acme-old""#), "\(filter): \(r.stdout)")
        }
        let current = try Binary.run(["achievements", "--db", db, "--format", "jsonl", "--program", "acme-2026"])
        #expect(current.status == 0 && current.stdout.split(separator: "\n").count == 1, "\(current.stdout)")

        let typo = try Binary.run(["achievements", "--db", db, "--program", "acme-2062"])
        #expect(typo.status == 66, "\(typo.stderr)")
        #expect(typo.stderr.contains("no program \"acme-2062\" in the catalog; did you mean acme-2026? (and no stored achievement has it)"), "\(typo.stderr)")
    }
}
