import IncentivesCore
import Testing

/// An accepted event reaches the sink with its user's position in the engine's roster (the ingest's writer keys
/// the event's row by it instead of looking the user up again): one intake, a sharded one, and the stored-events
/// form alike. A wrong position would store an event under another user, so each is checked against the roster.
@Suite("The sink hears each accepted event's roster position")
struct IntakeMemberPositionTests {
    struct Positions: IntakeSink {
        var heard: [(user: String, member: Int)] = []
        var withoutPosition = 0
        mutating func reject(at index: Int, _ why: Rejection, event: Event?) {}
        mutating func accept(at index: Int, _ event: Event, earned: [Achievement]) { withoutPosition += 1 }
        mutating func accept(at index: Int, _ event: Event, member: Int, earned: [Achievement]) {
            heard.append((event.user, member))
        }
    }

    static func check(_ sink: Positions, roster: Roster) {
        #expect(sink.withoutPosition == 0, "an accepted event came without its position")
        #expect(sink.heard.count > 100)
        let wrong = sink.heard.filter { roster.position(of: $0.user) != $0.member }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
    }

    @Test(arguments: [1, 2, 3])
    func everyFormGivesTheRosterPosition(partitions: Int) throws {
        let (engine, lines, stored) = try ShardedIntakeWithPriorsTests.world()
        let intake = partitions == 1 ? Intake(engine: engine)
            : Intake(shards: try EngineShards(catalog: engine.catalog, roster: engine.roster, count: partitions))
        let table = ShardedIntakeWithPriorsTests.StoredTable()
        table.fingerprints = stored
        let priors = (0..<intake.idPartitions).map { ShardedIntakeWithPriorsTests.PartitionPrior(table, partition: $0, of: intake.idPartitions) }
        var sink = Positions()
        intake.take(lines[...], priors: priors, into: &sink)
        Self.check(sink, roster: engine.roster)
    }

    @Test func storedEventsGiveTheRosterPosition() throws {
        let (engine, lines, _) = try ShardedIntakeWithPriorsTests.world()
        var sink = Positions()
        Intake(storedEventsFor: engine).take(lines[...], into: &sink)
        Self.check(sink, roster: engine.roster)
    }
}
