import Foundation
import Testing

/// `replay --threads N` (issue 27): parsing, admission and evaluation N wide, users shared out by one hash of their
/// id. Whatever N, the output is the same byte for byte — stdout (the awards, in their order), stderr (every
/// refused line with its number, the summary) and the exit status — on every contract case, the demo and
/// generated files large enough that each batch is parsed in several slices and evaluated on several shards.
@Suite("replay --threads N: the same bytes whatever N", .serialized, .timeLimit(.minutes(10)))
struct ReplayThreadsTests {
    static let threadCounts = [1, 2, 3, 8]
    let temp = TempDir(prefix: "replay-threads")

    struct Run: Equatable {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    func replay(_ catalog: String, _ roster: String, _ events: String, threads: Int, stdin: String? = nil) throws -> Run {
        let r = try Binary.run(["replay", "--catalog", catalog, "--roster", roster, "--events", events, "--threads", "\(threads)"], stdin: stdin)
        return Run(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    /// The runs at every thread count, each compared with `--threads 1`; returns that one.
    @discardableResult
    func agree(_ catalog: String, _ roster: String, _ events: String, _ what: String) throws -> Run {
        let one = try replay(catalog, roster, events, threads: 1)
        #expect(one.status == 0 || one.status == 65, "\(what): \(one.stderr)")
        for n in Self.threadCounts.dropFirst() {
            let got = try replay(catalog, roster, events, threads: n)
            #expect(got.status == one.status, "\(what), --threads \(n)")
            #expect(got.stdout == one.stdout, "\(what), --threads \(n): stdout differs")
            #expect(got.stderr == one.stderr, "\(what), --threads \(n): stderr differs")
        }
        return one
    }

    @Test(arguments: ContractCases.all)
    func everyContractCase(_ c: ContractCase) throws {
        try agree(c.catalog, c.roster, c.events, c.name)
    }

    @Test func theDemo() throws {
        let demo = Binary.packageRoot + "/Assets/demo"
        let one = try agree(demo + "/catalog.json", demo + "/roster.jsonl", demo + "/events.jsonl", "demo")
        #expect(one.stderr.contains("/events.jsonl:251: at: no UTC offset"), "rejects keep their line numbers")
    }

    @Test(arguments: [(seed: UInt64(42), users: 40, events: 3_000, points: false), (7, 300, 40_000, true), (99, 1_000, 25_000, false)])
    func generatedFiles(seed: UInt64, users: Int, events: Int, points: Bool) throws {
        let g = Generated.make(in: temp, users: users, events: events, seed: seed, points: points)
        let one = try agree(g.inputs.catalog, g.inputs.roster, g.inputs.events, "generated seed \(seed)")
        #expect(one.stdout.split(separator: "\n").count > 20, "the file earns awards")
        // Every refused line's number is one of the file's bad lines, in file order.
        let numbers = one.stderr.split(separator: "\n").compactMap { line -> Int? in
            guard line.hasPrefix(g.inputs.events + ":") else { return nil }
            return Int(line.dropFirst(g.inputs.events.count + 1).prefix { $0 != ":" })
        }
        #expect(!numbers.isEmpty && numbers == numbers.sorted())
    }

    @Test func standardInputToo() throws {
        let g = Generated.make(in: temp, users: 200, events: 20_000, seed: 3)
        let text = try String(contentsOfFile: g.inputs.events, encoding: .utf8)
        let one = try replay(g.inputs.catalog, g.inputs.roster, "-", threads: 1, stdin: text)
        for n in [2, 3] {
            #expect(try replay(g.inputs.catalog, g.inputs.roster, "-", threads: n, stdin: text) == one, "--threads \(n)")
        }
    }

    /// The roster is decoded while the reader parses the first events: a refused roster must still be the answer
    /// (78, nothing printed) whatever the events are, and a missing events file is 66 only with a good roster.
    @Test func aRefusedRosterIsTheAnswerWhileTheEventsAreRead() throws {
        let g = Generated.make(in: temp, users: 200, events: 20_000, seed: 8)
        let roster = try String(contentsOfFile: g.inputs.roster, encoding: .utf8)
        // The last line refused: the reader is well into the events by the time the roster's decoding reaches it.
        let bad = temp.path("bad-roster.jsonl")
        try (roster + "{\"id\": \"late\", \"timezone\": \"Mars/Olympus\", \"eligibleFrom\": \"2026-01-01\"}\n")
            .write(toFile: bad, atomically: true, encoding: .utf8)
        for events in [g.inputs.events, temp.path("missing.jsonl")] {
            let r = try Binary.run(["replay", "--catalog", g.inputs.catalog, "--roster", bad, "--events", events])
            #expect(r.status == 78, "\(events): \(r.stderr)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.contains("roster refused") && r.stderr.contains("Mars/Olympus"), "\(r.stderr)")
        }
        let missing = try Binary.run(["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", temp.path("missing.jsonl")])
        #expect(missing.status == 66, "\(missing.stderr)")
    }

    @Test(arguments: ["0", "-1", "two", "1025"])
    func aBadThreadCountIsAUsageError(_ value: String) throws {
        let demo = Binary.packageRoot + "/Assets/demo"
        let r = try Binary.run(["replay", "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl", "--events", demo + "/events.jsonl",
                                "--threads", value])
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("--threads must be a whole number from 1 to 1024"), "\(r.stderr)")
    }
}
