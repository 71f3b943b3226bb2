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

    /// Found by Fuzz/ (FuzzArguments): in `--seed=\u{0748}` the "=" and the combining mark after it are one
    /// Character, and the parser took the whole word for an option name ("unknown option --seed=݈").
    @Test func aValueAfterEqualsMayBeginWithACombiningMark() throws {
        let r = try Binary.run(["generate", "--seed=\u{0748}", "--out", dir()])
        #expect(r.status == 64)
        #expect(r.stderr.contains("--seed must be a whole number"), "\(r.stderr)")
        #expect(!r.stderr.contains("unknown option"))
        let ok = try Binary.run(["generate", "--out=\(dir())", "--users=\u{0301}5"])
        #expect(ok.stderr.contains("--users must be a whole number"), "\(ok.stderr)")
    }
}
