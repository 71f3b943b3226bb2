import Foundation
import Testing
import IncentivesCore
import IncentivesInput

/// The engine against the contract's own expectations (issue 26, item 1): each case in `Tests/Fixtures/Scenarios`
/// (copied from `../shared/scenarios`) run in process along `replay`'s path — the catalog and roster decoders,
/// `EngineShards` behind `Intake(shards:)`, the pipelined event reader — and through the built `incentives replay`,
/// each compared with the case's `expected.jsonl` and `expected.txt`, not with another path of the same engine.
@Suite("contract scenarios: expected.jsonl and expected.txt", .timeLimit(.minutes(5)))
struct ContractScenarioTests {
    /// What a run produced, in the contract's terms.
    struct Outcome {
        var exitStatus: Int32
        var achievements: [String] = []
        var rejectedLines: [Int] = []
        var summary = ""
    }

    /// `replay` in this process: the same calls as `ReplayCommand.replay`, with its exit statuses (CONTRACT §5).
    static func replayInProcess(_ c: ContractCase, shards count: Int) throws -> Outcome {
        let zones = ZoneDirectory()
        let catalog: Catalog, roster: Roster
        do {
            catalog = try CatalogDecoder.load(path: c.catalog)
            roster = try RosterDecoder.load(path: c.roster, catalog: catalog, zones: zones)
        } catch is ConfigurationError {
            return Outcome(exitStatus: 78)
        }
        let shards = try EngineShards(catalog: catalog, roster: roster, count: count, zones: zones)
        let intake = Intake(shards: shards)
        let stream = EventStream(path: c.events)
        var outcome = Outcome(exitStatus: 0)
        try stream.forEachBatchPipelined(batchSize: 3, prepare: { $0 }) { batch in
            var sink = Sink(items: batch)
            intake.take(batch.map(\.event)[...], into: &sink)
            outcome.rejectedLines += sink.rejected.sorted()
            outcome.achievements += sink.earned.sorted { $0.key < $1.key }.flatMap { $0.value.map(\.jsonLine) }
            return true
        }
        outcome.summary = intake.counts.summary
        outcome.exitStatus = intake.counts.rejected > 0 ? 65 : 0
        return outcome
    }

    struct Sink: IntakeSink {
        let items: [EventStream.Item]
        var rejected: [Int] = []
        var earned: [Int: [Achievement]] = [:]
        mutating func reject(at index: Int, _ why: Rejection, event: Event?) { rejected.append(items[index].line) }
        mutating func accept(at index: Int, _ event: Event, earned a: [Achievement]) { if !a.isEmpty { earned[index] = a } }
        static var takesEventsThatEarnNothing: Bool { false }
    }

    /// The built command, as `../shared/scenarios/check` runs it.
    static func replayCommand(_ c: ContractCase) throws -> Outcome {
        let run = try Binary.run(["replay", "--catalog", c.catalog, "--roster", c.roster, "--events", c.events])
        let err = run.stderr.split(separator: "\n").map(String.init)
        var outcome = Outcome(exitStatus: run.status)
        outcome.achievements = run.stdout.split(separator: "\n").map(String.init)
        outcome.summary = err.last ?? ""
        outcome.rejectedLines = err.dropLast().compactMap { line in
            guard let r = line.range(of: "events.jsonl:") else { return nil }
            return Int(line[r.upperBound...].prefix { $0.isNumber })
        }.sorted()
        return outcome
    }

    func check(_ got: Outcome, _ c: ContractCase, _ how: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let want = try c.expected()
        #expect(got.exitStatus == want.exitStatus, "\(c) \(how): exit status", sourceLocation: sourceLocation)
        if want.exitStatus == 78 {
            #expect(got.achievements.isEmpty, "\(c) \(how): achievements printed for a refused configuration", sourceLocation: sourceLocation)
            return
        }
        #expect(got.summary == want.summary, "\(c) \(how): summary", sourceLocation: sourceLocation)
        #expect(got.rejectedLines == want.rejectedLines, "\(c) \(how): rejected lines", sourceLocation: sourceLocation)
        #expect(got.achievements.map(ContractCases.normalized) == want.achievements.map(ContractCases.normalized),
                "\(c) \(how): achievements\n got: \(got.achievements.joined(separator: "\n      "))\nwant: \(want.achievements.joined(separator: "\n      "))",
                sourceLocation: sourceLocation)
    }

    @Test("the copied cases are all there: 12 scenarios, next/ 13-15, proposed/ 16")
    func casesArePresent() throws {
        let names = ContractCases.all.map(\.name)
        #expect(names.count >= 16, "\(names)")
        #expect(names.contains("01-five-day-streak"))
        #expect(names.contains("next/15-days-in-period-once-per-period"))
        #expect(names.contains("proposed/16-points-and-tiers"))
        for c in ContractCases.all {
            for file in [c.catalog, c.roster, c.events] { #expect(FileManager.default.fileExists(atPath: file), "\(file)") }
            _ = try c.expected()
        }
    }

    @Test("in process, along replay's path (1 and 3 shards, batches of 3 lines)", arguments: ContractCases.settled)
    func inProcess(_ c: ContractCase) throws {
        for shards in [1, 3] { try check(try Self.replayInProcess(c, shards: shards), c, "in process, \(shards) shards") }
    }

    @Test("the built incentives replay", arguments: ContractCases.settled)
    func command(_ c: ContractCase) throws {
        try check(try Self.replayCommand(c), c, "incentives replay")
    }

    // Proposed cases: the contract proposes them and the engine does not do them yet. Enable with their feature.
    @Test("proposed cases in process", arguments: ContractCases.all.filter(\.isProposed))
    func proposedInProcess(_ c: ContractCase) throws {
        try check(try Self.replayInProcess(c, shards: 2), c, "in process")
    }

    @Test("proposed cases through incentives replay",
          arguments: ContractCases.all.filter(\.isProposed))
    func proposedCommand(_ c: ContractCase) throws {
        try check(try Self.replayCommand(c), c, "incentives replay")
    }
}
