import Foundation
import Testing
import IncentivesCore
@testable import IncentivesInput

/// The one ingest core against an in-memory store that implements the write port (`IntakeStore`, `IntakeRun`): the
/// core, not the store, reads the source, batches, checkpoints, resumes and recovers from an event the store cannot
/// hold; the store is asked once per batch.
@Suite("The ingest core drives any store through its write port")
struct IngestPipelineTests {
    /// One user, a single-event reward: every accepted birth earns once (limit 1), so awards are easy to count.
    static func world() -> World {
        var w = World()
        w.offer("birth", SingleEventRule(), event: .birthReported, limit: 1)
        w.offer("log", SingleEventRule(), limit: 1)
        w.member("u1")
        w.member("u2")
        return w
    }

    static func line(_ id: String, user: String = "u1", day: Int = 1) -> String {
        "{\"id\": \"\(id)\", \"type\": \"health_data_logged\", \"user\": \"\(user)\", \"at\": \"2026-03-\(String(format: "%02d", day))T10:00:00Z\", \"category\": \"mood\"}"
    }

    /// Ten lines: eight events (one a duplicate), a bad line and an unknown user.
    static func file(in dir: TempDir) -> String {
        var lines = (1...7).map { line("e\($0)", user: $0 % 2 == 0 ? "u2" : "u1", day: $0) }
        lines.insert("not json", at: 3)
        lines.append(line("e2", user: "u2", day: 2))
        lines.append(line("e9", user: "nobody"))
        return dir.write("events.jsonl", lines.joined(separator: "\n") + "\n")
    }

    @Test("batches end at --batch lines, each with its checkpoint; the last is finished with the file's size; seq has no holes")
    func batchesAndCheckpoints() throws {
        let dir = TempDir()
        let path = Self.file(in: dir)
        let store = MemoryIntakeStore(engine: { try Self.world().engine() })
        var options = IngestOptions()
        options.batchLines = 3
        var rejects: [String] = []
        let outcome = try IngestPipeline.ingest(path: path, into: store, options: options, onReject: { rejects.append($0.message) })
        #expect(outcome.counts.read == 10 && outcome.counts.accepted == 7 && outcome.counts.duplicates == 1 && outcome.counts.rejected == 2)
        #expect(outcome.counts.achievements == 2) // each user's first log
        #expect(rejects.map { $0.components(separatedBy: ":")[1] } == ["4", "10"])
        let committed = store.committed
        #expect(committed.map(\.line) == [3, 6, 9, 10]) // the last, short one saves progress and finishes
        #expect(committed.dropLast().allSatisfy { !$0.finished })
        let last = try #require(committed.last)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(last.finished && last.size == size.map(Int64.init))
        #expect(committed.flatMap(\.events).map(\.seq) == Array(1...7))
        #expect(committed.flatMap(\.achievements).count == 2)
        // The store is asked about prior ids once per reader batch, never per event.
        #expect(store.priorAsks >= 1 && store.priorAsks <= 2)
    }

    /// `IngestOptions.threads` shards the intake only for a store that says its runs take shards
    /// (`evaluatesInShards`); any other is given one engine and one prior, as before (it crashed on a
    /// precondition: a run answering for one id partition asked for three).
    @Test("threads above 1 on a store that does not shard: the file parsed wide, one engine, the same batches", arguments: [2, 3])
    func threadsOnAStoreThatDoesNotShard(threads: Int) throws {
        let dir = TempDir()
        let path = Self.file(in: dir)
        func run(_ threads: Int) throws -> (IntakeCounts, [IngestBatch]) {
            let store = MemoryIntakeStore(engine: { try Self.world().engine() })
            var options = IngestOptions()
            options.batchLines = 3
            options.threads = threads
            let outcome = try IngestPipeline.ingest(path: path, into: store, options: options)
            return (outcome.counts, store.committed)
        }
        let (one, oneBatches) = try run(1)
        let (wide, wideBatches) = try run(threads)
        #expect(wide == one && one.achievements == 2)
        #expect(wideBatches.map(\.line) == oneBatches.map(\.line))
        #expect(wideBatches.flatMap(\.events).map(\.seq) == oneBatches.flatMap(\.events).map(\.seq))
        #expect(wideBatches.flatMap(\.achievements).count == oneBatches.flatMap(\.achievements).count)
    }

    @Test("a run resumed from a checkpoint says the earlier runs' rejects first and counts as one run; a finished file is complete")
    func resumesFromTheStoredPosition() throws {
        let dir = TempDir()
        let path = Self.file(in: dir)
        let whole = MemoryIntakeStore(engine: { try Self.world().engine() })
        let expected = try IngestPipeline.ingest(path: path, into: whole)

        let store = MemoryIntakeStore(engine: { try Self.world().engine() })
        var options = IngestOptions()
        options.batchLines = 4
        options.progressEvery = 1 // users' progress saved with every batch: the resumed engine starts from it
        store.failAfterCommits = 1 // the second batch fails: the first (lines 1-4, a reject at 4) stays
        #expect(throws: MemoryIntakeStore.Crash.self) { try IngestPipeline.ingest(path: path, into: store, options: options) }
        store.failAfterCommits = nil
        var rejects: [String] = []
        let resumed = try IngestPipeline.ingest(path: path, into: store, options: options, onReject: { rejects.append($0.message) })
        #expect(resumed.resumedAfterLine == 4)
        #expect(resumed.counts == expected.counts)
        #expect(rejects.map { $0.components(separatedBy: ":")[1] } == ["4", "10"])
        let again = try IngestPipeline.ingest(path: path, into: store)
        #expect(again.alreadyComplete && again.counts == expected.counts)
    }

    @Test("an event the store cannot hold: recorded, the file read again at once without it, each reject said once")
    func refusedEventIsReadAgainWithout() throws {
        let dir = TempDir()
        let path = Self.file(in: dir)
        let store = MemoryIntakeStore(engine: { try Self.world().engine() })
        store.cannotHold = "e5"
        var options = IngestOptions()
        options.batchLines = 3
        var rejects: [String] = []
        let outcome = try IngestPipeline.ingest(path: path, into: store, options: options, onReject: { rejects.append($0.message) })
        #expect(store.refused.keys.sorted() == ["e5"])
        #expect(rejects.map { $0.components(separatedBy: ":")[1] } == ["4", "6", "10"])
        #expect(outcome.counts.accepted == 6 && outcome.counts.rejected == 3)
        #expect(!store.committed.flatMap(\.events).contains { $0.event.id == "e5" })
    }

    @Test("a source that cannot be read again (a stream) stops at an event the store cannot hold; its next run rejects it and goes on")
    func refusedEventStopsAStream() throws {
        let store = MemoryIntakeStore(engine: { try Self.world().engine() })
        store.cannotHold = "e2"
        let lines = (1...4).map { Self.line("e\($0)", day: $0) }
        #expect(throws: MemoryIntakeStore.StopsHere.self) {
            try IngestPipeline.ingest(source: ListSource(lines: lines), key: "list", into: store)
        }
        var rejects: [String] = []
        let outcome = try IngestPipeline.ingest(source: ListSource(lines: lines), key: "list", into: store, onReject: { rejects.append($0.message) })
        #expect(rejects == ["list:seq 2: the database refused to store this event (too big)"])
        #expect(outcome.counts.accepted == 3)
        // A live source never finishes: its position stays open for the next run.
        #expect(store.committed.allSatisfy { !$0.finished })
    }
}

/// A live source over a list of lines: each batch is committed as it comes, positions are 1-based sequences.
final class ListSource: EventSource {
    let lines: [String]
    init(lines: [String]) { self.lines = lines }
    var displayName: String { "list" }
    var lineLabel: String { "seq " }
    var commitsEachBatch: Bool { true }
    var identity: String? { "list-1" }

    func forEachBatch(after position: SourcePosition, progress: ((Int64) -> Void)?, _ body: ([EventStream.Item]) throws -> Bool) throws {
        let decoder = EventLineDecoder()
        let items = lines.enumerated().dropFirst(Int(position.offset)).map { i, text in
            EventStream.Item(line: i + 1, nextOffset: Int64(i + 1), event: Array(text.utf8).withUnsafeBytes { decoder.decode($0) })
        }
        _ = try body(Array(items))
    }
}

/// The write port in memory: checkpoints, committed batches, ids stored before (for `PriorIDs`), an event it cannot hold.
final class MemoryIntakeStore: IntakeStore {
    struct Crash: Error {}
    struct StopsHere: Error {}

    private let makeEngine: () throws -> Engine
    var ingests: [IngestCheckpoint] = []
    var heads: [Int64: (path: String?, head: String?)] = [:]
    var rejectRows: [Int64: [(line: Int, reason: String)]] = [:]
    var committed: [IngestBatch] = []
    var refused: [String: Rejection] = [:]
    /// Users' saved progress.
    var progress: [String: [UInt8]] = [:]
    var cannotHold: String?
    var failAfterCommits: Int?
    var priorAsks = 0

    init(engine: @escaping () throws -> Engine) { makeEngine = engine }

    var path: String { "memory" }
    func withIngestLock<T>(onLocked: () throws -> Void, _ body: () throws -> T) throws -> T { try onLocked(); return try body() }
    func ingestEngine() throws -> Engine { try makeEngine() }
    func checkpointTransaction<T>(_ body: () throws -> T) throws -> T { try body() }

    func checkpoints(of file: FileIdentity) throws -> [(checkpoint: IngestCheckpoint, head: String)] {
        ingests.reversed().compactMap { c in
            guard let h = heads[c.id], h.path == file.absolutePath, let head = h.head, c.offset <= file.size else { return nil }
            return (c, head)
        }
    }

    func latestCheckpoint(key: String) throws -> (checkpoint: IngestCheckpoint, identity: String?)? {
        ingests.last { heads[$0.id]?.path == key }.map { ($0, heads[$0.id]?.head) }
    }

    func setSourceIdentity(_ identity: String, ofIngest id: Int64) throws { heads[id]?.head = identity }

    func startCheckpoint(source: String, file: FileIdentity?, key: String?, identity: String?) throws -> IngestCheckpoint {
        let c = IngestCheckpoint(id: Int64(ingests.count + 1))
        ingests.append(c)
        heads[c.id] = (file?.absolutePath ?? key, file?.head ?? identity)
        return c
    }

    func rejects(ofIngest id: Int64) throws -> [(line: Int, reason: String)] { rejectRows[id] ?? [] }
    func refusedEvents() throws -> [String: Rejection] { refused }
    func recordRefused(_ id: String, _ why: Rejection) throws { refused[id] = why }
    func beginRun(_ start: IntakeRunStart) throws -> MemoryRun { MemoryRun(store: self, ingest: start.checkpoint.id, engine: start.engine) }

    /// Commits a batch as a database would: all of it with its checkpoint, or nothing.
    func commit(_ batch: IngestBatch, ingest: Int64) throws {
        if let n = failAfterCommits, committed.count >= n { throw Crash() }
        if let id = cannotHold, let row = batch.events.first(where: { $0.event.id == id }) {
            throw StoreRefusedEvent(id: id, line: row.line, message: "too big", storeError: Crash(), onStandardInput: StopsHere())
        }
        committed.append(batch)
        rejectRows[ingest, default: []] += batch.rejects.map { ($0.line, $0.why.description) }
        let i = ingests.firstIndex { $0.id == ingest }!
        ingests[i].line = batch.line
        ingests[i].offset = batch.offset
        ingests[i].counts = batch.counts
        ingests[i].counts.achievements = committed.flatMap(\.achievements).count
        for (user, bytes) in batch.progress?.states ?? [] { progress[user] = bytes }
        ingests[i].finished = batch.finished
        ingests[i].size = batch.size
    }
}

final class MemoryRun: IntakeRun {
    private let store: MemoryIntakeStore
    private let ingest: Int64
    init(store: MemoryIntakeStore, ingest: Int64, engine: Engine) {
        self.store = store
        engine.loadProgress = { [store] member in store.progress[member.id] }
        self.ingest = ingest
        firstSeq = Int64(store.committed.flatMap(\.events).count + 1)
    }
    let firstSeq: Int64
    var evaluates: Bool { true }
    var buildsIndexAtEnd: Bool { false }
    var answersForgottenIDs: Bool { false }

    func priorIDs(for items: [EventStream.Item]) throws -> StoredBefore {
        store.priorAsks += 1
        var found: [String: UInt64] = [:]
        for row in store.committed.flatMap(\.events) { found[row.event.id] = row.event.contentFingerprint }
        return StoredBefore(found: found)
    }
    func submit(_ batch: IngestBatch) throws { try store.commit(batch, ingest: ingest) }
    func drain() throws {}
    var achievementsSoFar: Int? { store.committed.flatMap(\.achievements).count }
    func finish() throws -> Int? { achievementsSoFar }
    func abandon() {}
}

struct StoredBefore: PriorIDs {
    typealias Failure = Never
    let found: [String: UInt64]
    func fingerprint(of event: Event, key: IDDigest) -> UInt64? { found[event.id] }
}
