import Foundation
import Testing

@Suite("incentives generate", .serialized, .timeLimit(.minutes(10)))
struct GenerateCommandTests {
    let temp = TempDir(prefix: "gen")

    /// A folder that does not exist yet, for `--out`.
    private func dir() -> String {
        temp.path(UUID().uuidString)
    }

    @Test func theSameOptionsGiveTheSameBytesAndReplayCleanly() throws {
        let a = dir(), b = dir(), c = dir()
        for (d, seed) in [(a, "7"), (b, "7"), (c, "8")] {
            let r = try Binary.run(["generate", "--out", d, "--users", "40", "--days", "10", "--employers", "3", "--seed", seed])
            #expect(r.status == 0, "\(r.stderr)")
        }
        for f in ["catalog.json", "roster.jsonl", "events.jsonl"] {
            #expect(FileManager.default.contents(atPath: "\(a)/\(f)") == FileManager.default.contents(atPath: "\(b)/\(f)"), "\(f)")
        }
        #expect(FileManager.default.contents(atPath: "\(a)/events.jsonl") != FileManager.default.contents(atPath: "\(c)/events.jsonl"))
        let roster = try String(contentsOfFile: "\(a)/roster.jsonl", encoding: .utf8)
        #expect(roster.split(separator: "\n").count == 40)
        let replay = try Binary.run(["replay", "--catalog", "\(a)/catalog.json", "--roster", "\(a)/roster.jsonl", "--events", "\(a)/events.jsonl"])
        #expect([0, 65].contains(replay.status))
        #expect(replay.stderr.contains("events: "))
    }

    @Test func badOptionsAreUsageErrors() throws {
        #expect(try Binary.run(["generate"]).status == 64)
        #expect(try Binary.run(["generate", "--out", dir(), "--users", "0"]).status == 64)
        #expect(try Binary.run(["generate", "--out", dir(), "--from", "yesterday"]).status == 64)
        let blocked = try Binary.run(["generate", "--out", "/proc/nope"])
        #expect(blocked.status == 73)
    }

    /// Found by Tests/Fuzz/ (FuzzArguments): in `--seed=\u{0748}` the "=" and the combining mark after it are one
    /// Character, and the parser took the whole word for an option name ("unknown option --seed=݈").
    @Test func aValueAfterEqualsMayBeginWithACombiningMark() throws {
        let r = try Binary.run(["generate", "--seed=\u{0748}", "--out", dir()])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--seed must be a whole number"), "\(r.stderr)")
        #expect(!r.stderr.contains("unknown option"))
        let ok = try Binary.run(["generate", "--out=\(dir())", "--users=\u{0301}5"])
        #expect(ok.stderr.contains("--users must be a whole number"), "\(ok.stderr)")
    }

    /// Issue 20, item 1 (the class: local date and time → instant): the generator took the offset at the local time
    /// read as UTC, hours from the real instant, so on a DST-change day an event written with an offset carried one
    /// the zone did not have at that instant (08:30 local written as -06:00 in Chicago after the change to -05:00).
    /// Across the spring changes of 2026 (US 8 Mar, EU 29 Mar, AU/NZ 5 Apr), every written offset is the zone's.
    @Test func everyWrittenOffsetIsTheZonesAtThatInstant() throws {
        let d = dir()
        let r = try Binary.run(["generate", "--out", d, "--users", "300", "--days", "40", "--employers", "3", "--from", "2026-03-01"])
        try #require(r.status == 0, "\(r.stderr)")
        var zoneOf: [String: TimeZone] = [:]
        for line in try String(contentsOfFile: "\(d)/roster.jsonl", encoding: .utf8).split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            zoneOf[o["id"] as! String] = TimeZone(identifier: o["timezone"] as! String)
        }
        var checked = 0, wrong: [String] = []
        for line in try String(contentsOfFile: "\(d)/events.jsonl", encoding: .utf8).split(separator: "\n") {
            guard let o = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  let at = o["at"] as? String, let user = o["user"] as? String, let tz = zoneOf[user],
                  at.count == 25, let sign = at.dropFirst(19).first, sign == "+" || sign == "-" else { continue }
            let hours = Int(at.dropFirst(20).prefix(2))!, minutes = Int(at.suffix(2))!
            let written = (hours * 3600 + minutes * 60) * (sign == "-" ? -1 : 1)
            let f = ISO8601DateFormatter()
            let instant = try #require(f.date(from: at))
            checked += 1
            if tz.secondsFromGMT(for: instant) != written { wrong.append("\(tz.identifier) \(at)") }
        }
        #expect(checked > 1000)
        #expect(wrong.isEmpty, "\(wrong.count) of \(checked): \(wrong.prefix(5))")
    }

    /// Issue 21, item 10: `--from 0100-01-01` trapped (a force-unwrap of "100-01-01"); every year is written with
    /// four digits, and a first day whose events would leave years 0001–9999 in UTC is a usage error.
    @Test("the files for any first day the contract can hold replay without a refused catalog or an out-of-range line",
          arguments: ["0100-01-01", "0001-01-02", "0999-06-15", "2026-12-28", "9999-12-01"])
    func farFirstDays(from: String) throws {
        let d = dir()
        let r = try Binary.run(["generate", "--out", d, "--users", "12", "--days", "5", "--employers", "2", "--from", from])
        #expect(r.status == 0, "\(r.stderr)")
        let catalog = try String(contentsOfFile: "\(d)/catalog.json", encoding: .utf8)
        let year = String(from.prefix(4))
        #expect(catalog.contains("\"\(year)-01-01\"") && catalog.contains("\"\(year)-12-31\""), "the year's first and last day, four digits")
        let replay = try Binary.run(["replay", "--catalog", "\(d)/catalog.json", "--roster", "\(d)/roster.jsonl", "--events", "\(d)/events.jsonl"])
        #expect([0, 65].contains(replay.status), "\(replay.stderr)")
        // The generator's bad lines on purpose are the only rejects: none for a date or an instant.
        for line in replay.stderr.split(separator: "\n") where line.contains(".jsonl:") {
            #expect(!line.contains("year") && !line.contains("range") && !line.contains("no such date"), "\(line)")
        }
    }

    @Test("a first day whose events would leave years 0001-9999 in UTC is refused, with the days allowed",
          arguments: [["--from", "0001-01-01"], ["--from", "9999-12-25", "--days", "28"], ["--from", "9999-12-31"]])
    func firstDaysOutOfRange(args: [String]) throws {
        let r = try Binary.run(["generate", "--out", dir()] + args)
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("outside years 0001-9999") && r.stderr.contains("give a day from 0001-01-02"), "\(r.stderr)")
    }
}
