import XCTest
import IncentivesCore
@testable import IncentivesStore
@testable import IncentivesSQL

/// A first load drops events' per-user index and builds it at its end (`UserIndex`). Readers must answer the
/// same with it or without it, and it must be back whatever way the ingest ended.
final class UserIndexTests: XCTestCase {
    func testAFirstLoadBuildsTheIndexAtItsEndAndAnswersAsAnIngestThatKeptIt() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 50, events: 6_000, seed: 21)
        let expected = try Fixtures.replay(g.inputs)
        var options = Ingestor.Options()
        options.batchLines = 500

        let kept = dir.path("kept.sqlite")
        options.rebuildUserIndexFrom = Int.max
        var indexDuring: [Bool] = []
        _ = try Ingestor(store: try Fixtures.initStore(kept, g.inputs)).ingest(path: g.inputs.events, options: options, onProgress: { _ in
            indexDuring.append((try? UserIndex.exists(in: try StoreReader(path: kept).db)) ?? false)
        })
        XCTAssertEqual(Set(indexDuring), [true])

        let rebuilt = dir.path("rebuilt.sqlite")
        options.rebuildUserIndexFrom = 0
        indexDuring = []
        var answersDuring = 0
        _ = try Ingestor(store: try Fixtures.initStore(rebuilt, g.inputs)).ingest(path: g.inputs.events, options: options, onProgress: { p in
            guard let reader = try? StoreReader(path: rebuilt) else { return }
            indexDuring.append((try? UserIndex.exists(in: reader.db)) ?? true)
            // Without the index a user's events are found by a scan: the same answer (one snapshot: the
            // writer commits meanwhile).
            if p.counts.read < g.eventLines.count, let (events, count) = try? reader.db.snapshot({
                (try reader.events(of: "u3", limit: 5_000),
                 try reader.db.integer("SELECT count(*) FROM events WHERE user_key = (SELECT key FROM user_keys WHERE id = 'u3')"))
            }) {
                XCTAssertEqual(events.count, count)
                answersDuring += 1
            }
        })
        XCTAssertEqual(indexDuring.first, false, "dropped while the file is read")
        XCTAssertGreaterThan(answersDuring, 0)
        XCTAssertTrue(try UserIndex.exists(in: try StoreReader(path: rebuilt).db), "built in the last batch")
        XCTAssertEqual(try Fixtures.storedLines(rebuilt), expected.lines)

        let a = try StoreReader(path: kept), b = try StoreReader(path: rebuilt)
        for u in 0..<50 {
            XCTAssertEqual(try a.events(of: "u\(u)", limit: 1_000), try b.events(of: "u\(u)", limit: 1_000))
        }

        // A small ingest into a store holding more events than it adds keeps the index as it goes.
        indexDuring = []
        let more = dir.write("more.jsonl", """
            {"id": "late-1", "type": "health_data_logged", "user": "u3", "at": "2026-11-02T10:00:00Z", "category": "mood"}

            """)
        let outcome = try Ingestor(store: try Store(path: rebuilt)).ingest(path: more, options: options, onProgress: { _ in
            indexDuring.append((try? UserIndex.exists(in: try StoreReader(path: rebuilt).db)) ?? false)
        })
        XCTAssertEqual(outcome.counts.accepted, 1)
        XCTAssertEqual(Set(indexDuring), [true])
        XCTAssertEqual(try StoreReader(path: rebuilt).events(of: "u3", limit: 1).first?.id, "late-1")
    }

    func testAnIngestStoppedByAFullDiskLeavesTheIndexOrItIsBuiltOnTheNextOpen() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 20_000, seed: 5)
        let path = dir.path("db.sqlite")
        let expected = try Fixtures.replay(g.inputs)
        var options = Ingestor.Options()
        options.batchLines = 1_000
        options.rebuildUserIndexFrom = 0
        try Fixtures.assertIngestStopsWhenFull(path, g.inputs, options: options)
        // With room again, opening the store for writing builds it if the failing ingest could not.
        _ = try Store(path: path)
        XCTAssertTrue(try UserIndex.exists(in: try StoreReader(path: path).db))
        try Fixtures.assertResumesToReplay(path, g.inputs, options: options, expected: expected)
        XCTAssertTrue(try UserIndex.exists(in: try StoreReader(path: path).db))
    }

    func testAnIngestKilledWithoutTheIndexIsRepairedOnlyWhenNoIngestRuns() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 3_000, seed: 8)
        let path = dir.path("db.sqlite")
        _ = try Ingestor(store: try Fixtures.initStore(path, g.inputs)).ingest(path: g.inputs.events)
        let before = try StoreReader(path: path).events(of: "u2", limit: 1_000)
        XCTAssertFalse(before.isEmpty)
        // As a kill -9 in the middle of a first load leaves it.
        try Store(path: path).db.execute("DROP INDEX events_user")
        XCTAssertEqual(try StoreReader(path: path).events(of: "u2", limit: 1_000), before, "found by a scan")

        // A writer opening it while an ingest runs leaves the index to that ingest.
        let lock = try IngestLock(databasePath: path)
        _ = try Store(path: path)
        XCTAssertFalse(try UserIndex.exists(in: try StoreReader(path: path).db))
        lock.release()

        _ = try Store(path: path)
        XCTAssertTrue(try UserIndex.exists(in: try StoreReader(path: path).db))
        XCTAssertEqual(try StoreReader(path: path).events(of: "u2", limit: 1_000), before)
    }
}

/// Users' progress is saved in parts, all in the transaction of the batch whose state it is.
final class ProgressPartsTests: XCTestCase {
    func testProgressSavedInManyPartsEndsAsReplayInOneRunAndInChunks() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 6_000, seed: 13)
        let expected = try Fixtures.replay(g.inputs)
        var options = Ingestor.Options()
        options.batchLines = 400
        options.progressEvery = 900
        options.progressPartUsers = 7
        options.maxUsersInMemory = 10 // progress dropped after saves and reloaded from the parts saved
        let whole = dir.path("whole.sqlite")
        var rejects: [String] = []
        let outcome = try Ingestor(store: try Fixtures.initStore(whole, g.inputs)).ingest(path: g.inputs.events, options: options,
                                                                                          onReject: { rejects.append($0.message) })
        XCTAssertEqual(outcome.counts, expected.counts)
        XCTAssertEqual(rejects, expected.rejects)
        XCTAssertEqual(try Fixtures.storedLines(whole), expected.lines)
        XCTAssertEqual(try StoreReader(path: whole).db.integer("SELECT count(*) FROM progress"), 60 - 6, "every user with events (u?9 have no employer)")

        let chunked = dir.path("chunked.sqlite")
        let store = try Fixtures.initStore(chunked, g.inputs)
        for chunk in g.chunks(5, in: dir) { _ = try Ingestor(store: store).ingest(path: chunk, options: options) }
        XCTAssertEqual(try Fixtures.storedLines(chunked), expected.lines)
    }

    func testAFullDiskDuringAProgressSaveUndoesTheWholeBatchAndTheIngestResumes() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 20_000, seed: 5)
        let path = dir.path("db.sqlite")
        let expected = try Fixtures.replay(g.inputs)
        var options = Ingestor.Options()
        options.batchLines = 1_000
        options.progressEvery = 1_000 // a save in nearly every batch, in parts of 3 users
        options.progressPartUsers = 3
        do {
            let store = try Fixtures.initStore(path, g.inputs, maxPages: 400)
            XCTAssertThrowsError(try Ingestor(store: store).ingest(path: g.inputs.events, options: options)) { error in
                XCTAssertEqual(error as? StoreError, .full(path: path))
            }
        }
        let reader = try StoreReader(path: path)
        let checkpoint = try XCTUnwrap(try reader.db.row("SELECT line, accepted FROM ingests") { [$0.int(0), $0.int(1)] })
        XCTAssertGreaterThan(checkpoint[0], 0)
        XCTAssertEqual(try reader.db.integer("SELECT count(*) FROM events"), checkpoint[1], "rows and checkpoint agree")
        XCTAssertLessThanOrEqual(try ProgressLog.savedThrough(reader.db), Int64(checkpoint[1]), "no progress beyond the rows")
        try Fixtures.assertCommittedPrefix(path, of: expected.lines)
        try Fixtures.assertResumesToReplay(path, g.inputs, options: options, expected: expected)
    }
}
