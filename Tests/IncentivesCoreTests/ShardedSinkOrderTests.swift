import IncentivesCore
import Testing

/// A sharded intake calls its sink in the same interleaved order as one intake: refusals, duplicates and accepted
/// events as they arrive, not each kind on its own. The ingest's sink depends on it: a duplicate arrival is noted
/// with the last event accepted before it (`IngestBatch.Duplicate.afterSeq`). Before this, a sharded batch gave
/// every refusal and duplicate first, then the accepted events, and a duplicate's place was wrong.
@Suite("A sharded intake's sink hears every line in arrival order")
struct ShardedSinkOrderTests {
    /// Every call, of any kind, in one list.
    struct Log: IntakeSink {
        var calls: [String] = []
        mutating func reject(at index: Int, _ why: Rejection, event: Event?) { calls.append("reject \(index) \(why.code.rawValue)") }
        mutating func duplicate(at index: Int, _ event: Event) { calls.append("duplicate \(index)") }
        mutating func accept(at index: Int, _ event: Event, earned: [Achievement]) {
            calls.append("accept \(index) \(earned.map(\.jsonLine))")
        }
    }

    @Test(arguments: [2, 3, 5])
    func callsInterleaveAsOneIntakes(partitions: Int) throws {
        let (engine, lines, stored) = try ShardedIntakeWithPriorsTests.world()
        func run(_ intake: Intake) -> [String] {
            let table = ShardedIntakeWithPriorsTests.StoredTable()
            table.fingerprints = stored
            let priors = (0..<intake.idPartitions).map {
                ShardedIntakeWithPriorsTests.PartitionPrior(table, partition: $0, of: intake.idPartitions)
            }
            var log = Log()
            for start in stride(from: 0, to: lines.count, by: 700) {
                intake.take(lines[start..<min(start + 700, lines.count)], priors: priors, into: &log)
            }
            return log.calls
        }
        let one = run(Intake(engine: engine))
        let sharded = run(Intake(shards: try EngineShards(catalog: engine.catalog, roster: engine.roster, count: partitions)))
        #expect(one.contains { $0.hasPrefix("duplicate") } && one.contains { $0.hasPrefix("reject") })
        #expect(sharded == one)
    }
}
