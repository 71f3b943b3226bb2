import Foundation
import IncentivesCore
import IncentivesInput
@testable import IncentivesStore
import Testing

/// The one intake pipeline on real files: the sink's line numbers, shards against one engine, and the store's
/// `PriorIDs` (`StoredIDs`) against its events table.
@Suite("The intake pipeline on files")
struct IntakePipelineFileTests {
    /// What a file's lines came to, told by their line numbers, as `replay` prints it.
    struct FileRecorder: IntakeSink {
        var items: [EventStream.Item] = []
        let file: String
        var accepted: [(line: Int, id: String, earned: [String])] = []
        var rejected: [String] = []

        init(file: String) { self.file = file }

        mutating func reject(at index: Int, _ why: Rejection, event: Event?) {
            rejected.append("\(file):\(items[index].line): \(why)")
        }

        mutating func accept(at index: Int, _ event: Event, earned: [Achievement]) {
            accepted.append((items[index].line, event.id, earned.map(\.jsonLine)))
        }
    }

    /// Takes the file through `intake` in batches of `batch` lines (parsed on a reader thread, as `replay` does).
    private func take(_ path: String, through intake: Intake, batch: Int) throws -> FileRecorder {
        var sink = FileRecorder(file: InputFile.displayName(path))
        try EventStream(path: path).forEachBatchPipelined(batchSize: batch, prepare: { $0 }) { items in
            sink.items = items
            intake.take(items.map(\.event)[...], into: &sink)
            return true
        }
        return sink
    }

    @Test func theSinkTellsRefusedLinesByTheirLineNumbers() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 5, events: 10)
        let events = dir.write("small.jsonl", """
            {"id": "a", "type": "health_data_logged", "user": "u1", "at": "2026-02-02T10:00:00Z", "category": "mood"}

            {not json
            {"id": "b", "type": "health_data_logged", "user": "nobody", "at": "2026-02-02T10:00:00Z", "category": "mood"}
            {"id": "a", "type": "health_data_logged", "user": "u1", "at": "2026-02-02T10:00:00Z", "category": "mood"}
            {"id": "a", "type": "health_data_logged", "user": "u2", "at": "2026-02-02T10:00:00Z", "category": "mood"}
            {"id": "c", "type": "health_data_logged", "user": "u1", "at": "2026-02-02T10:00:00", "category": "mood"}
            {"id": "d", "type": "health_data_logged", "user": "u1", "at": "2026-02-03T10:00:00Z", "category": "mood"}

            """)
        let engine = try Engine(catalog: try CatalogDecoder.load(path: g.inputs.catalog),
                                roster: try RosterDecoder.load(path: g.inputs.roster, catalog: try CatalogDecoder.load(path: g.inputs.catalog)))
        // Batches of 3 lines: line numbers must not restart with each batch.
        let sink = try take(events, through: Intake(engine: engine), batch: 3)
        #expect(sink.rejected.map { $0.split(separator: ":").prefix(2).joined(separator: ":") } == [3, 4, 6, 7].map { "\(events):\($0)" })
        #expect(sink.rejected[1].hasSuffix("unknown user \"nobody\"") || sink.rejected[1].contains("nobody"))
        #expect(sink.rejected[2].contains("already accepted with other content"))
        #expect(sink.accepted.map(\.line) == [1, 8])
        #expect(sink.accepted.map(\.id) == ["a", "d"])
    }

    @Test(arguments: [2, 3])
    func shardedAndUnshardedIntakesGiveIdenticalResultsOnAGeneratedFile(shards: Int) throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 6_000, seed: 11)
        let catalog = try CatalogDecoder.load(path: g.inputs.catalog)
        let roster = try RosterDecoder.load(path: g.inputs.roster, catalog: catalog)
        let one = Intake(engine: try Engine(catalog: catalog, roster: roster))
        let inOrder = try take(g.inputs.events, through: one, batch: 1_000)
        let sharded = Intake(shards: try EngineShards(catalog: catalog, roster: roster, count: shards))
        let parallel = try take(g.inputs.events, through: sharded, batch: 777)
        #expect(parallel.accepted.map(\.line) == inOrder.accepted.map(\.line))
        #expect(parallel.accepted.map(\.id) == inOrder.accepted.map(\.id))
        #expect(parallel.accepted.map(\.earned) == inOrder.accepted.map(\.earned))
        #expect(parallel.rejected == inOrder.rejected)
        #expect(sharded.counts == one.counts)
        // And both are what replay decides, event by event (`Intake.take(_:)`, the console's and simulator's path).
        let replay = try Fixtures.replay(g.inputs)
        #expect(inOrder.accepted.flatMap(\.earned) == replay.lines)
        #expect(inOrder.rejected == replay.rejects)
        #expect(one.counts == replay.counts)
        #expect(replay.counts.duplicates > 0 && replay.counts.achievements > 100 && replay.rejects.count > 50)
    }

    @Test func storedIDsAnswerFromTheEventsTable() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 20, events: 500, seed: 4)
        let path = dir.path("db.sqlite")
        let store = try Fixtures.initStore(path, g.inputs)
        _ = try Ingestor(store: store).ingest(path: g.inputs.events)
        // An id the file accepted: "e5" unless the generator made line 6 something else; find one in the table.
        let reader = try Database(path: path, mode: .readOnly)
        let (id, user, atS, category) = try #require(try reader.row(
            "SELECT e.id, k.id, e.at_s, e.category FROM events e JOIN user_keys k ON k.key = e.user_key WHERE e.type = 'health_data_logged' ORDER BY e.seq LIMIT 1",
            map: { ($0.text(0), $0.text(1), $0.int64(2), $0.text(3)) }))
        let stored = Event(id: id, type: .healthDataLogged, user: user, at: Instant(seconds: atS), category: category)
        var drained = 0
        let prior = try StoredIDs(lookup: Database(path: path, mode: .readOnly), storedEarlier: true, filterBytes: 1 << 10, drain: { drained += 1 })
        let other = Event(id: id, type: .healthDataLogged, user: user, at: Instant(seconds: atS + 1), category: category)
        let fresh = Event(id: "never-seen", type: .healthDataLogged, user: user, at: Instant(seconds: atS), category: category)
        let intake = Intake(engine: try store.engine())
        var sink = Intake.BatchOutcome()
        try intake.take([.success(stored), .success(other), .success(fresh)][...], prior: prior, into: &sink)
        #expect(intake.counts.duplicates == 1 && intake.counts.accepted == 1)
        #expect(sink.rejected.map(\.index) == [1])
        #expect(sink.rejected.map(\.why.code) == [.conflict])
        #expect(drained == 0, "nothing was forgotten: no need to wait for the writer")

        // A store that held no events before the run: only ids this run accepted and then forgot are looked up,
        // after the writer is drained (their batches may not be committed yet).
        let fromScratch = try StoredIDs(lookup: Database(path: path, mode: .readOnly), storedEarlier: false, filterBytes: 1 << 10, drain: { drained += 1 })
        #expect(try fromScratch.fingerprint(of: stored, key: IDDigest(id)) == nil, "not asked of the database before any forgetting")
        fromScratch.admitted(IDDigest(id))
        fromScratch.forgotten()
        #expect(try fromScratch.fingerprint(of: other, key: IDDigest(id)) == stored.contentFingerprint)
        #expect(drained == 1)
        #expect(try fromScratch.fingerprint(of: fresh, key: IDDigest(fresh.id)) == nil)
        #expect(drained == 1, "drained once, before the first look-up after forgetting")
    }
}
