import XCTest
import IncentivesCore
@testable import IncentivesStore

/// The ingest decides duplicates and conflicts in memory for ids of the current run and asks the database
/// for the others. Both ways must give replay's verdicts, wherever the boundary falls.
final class DuplicateCheckTests: XCTestCase {
    func testIdsForgottenFromMemoryAreFoundInTheDatabase() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 50, events: 8_000, seed: 3)
        let expected = try Fixtures.replay(g.inputs)
        XCTAssertGreaterThan(expected.counts.duplicates, 0)
        XCTAssertTrue(expected.rejects.contains { $0.contains("already accepted with other content") }, "the file has conflicts")
        let path = dir.path("db.sqlite")
        let store = try Fixtures.initStore(path, g.inputs)
        var options = Ingestor.Options()
        options.batchLines = 300
        options.maxIDsInMemory = 400 // forgotten every other batch: most repeats are found in the database
        var rejects: [String] = []
        let outcome = try Ingestor(store: store).ingest(path: g.inputs.events, options: options, onReject: { rejects.append($0.message) })
        XCTAssertEqual(outcome.counts, expected.counts)
        XCTAssertEqual(rejects, expected.rejects)
        XCTAssertEqual(try Fixtures.storedLines(path), expected.lines)
        XCTAssertEqual(try StoreReader(path: path).counts().events, expected.counts.accepted)
    }

    func testAFilterThatAlwaysSaysPerhapsOnlyCostsLookUps() throws {
        // An 8-byte filter is full at once: every id it is asked about goes to the database (or the in-memory
        // table), as a wrong "perhaps" does. The verdicts must not change.
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 50, events: 5_000, seed: 5)
        let expected = try Fixtures.replay(g.inputs)
        let path = dir.path("db.sqlite")
        let store = try Fixtures.initStore(path, g.inputs)
        var options = Ingestor.Options()
        options.batchLines = 250
        options.maxIDsInMemory = 300
        options.idFilterBytes = 8
        var rejects: [String] = []
        let outcome = try Ingestor(store: store).ingest(path: g.inputs.events, options: options, onReject: { rejects.append($0.message) })
        XCTAssertEqual(outcome.counts, expected.counts)
        XCTAssertEqual(rejects, expected.rejects)
        XCTAssertEqual(try Fixtures.storedLines(path), expected.lines)
    }

    func testTheFilterNeverForgetsAnId() {
        var filter = IDFilter(bytes: 1 << 12)
        let ids = (0..<20_000).map { IDDigest("e-\($0)") }
        for d in ids.prefix(10_000) { filter.insert(d) }
        XCTAssertTrue(ids.prefix(10_000).allSatisfy { filter.mightContain($0) })
        // 10,000 ids in 32,768 bits: most others are told apart (the ingest's filter holds far fewer per bit).
        XCTAssertLessThan(ids.suffix(10_000).filter { filter.mightContain($0) }.count, 9_000)
        var roomy = IDFilter(bytes: 1 << 20)
        for d in ids.prefix(10_000) { roomy.insert(d) }
        XCTAssertLessThan(ids.suffix(10_000).filter { roomy.mightContain($0) }.count, 10, "under 0.1% wrong at 800 bits an id")
    }

    func testAnIdFromAnEarlierIngestIsADuplicateOrAConflictAsInReplay() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 3_000, seed: 9)
        let path = dir.path("db.sqlite")
        let store = try Fixtures.initStore(path, g.inputs)
        _ = try Ingestor(store: store).ingest(path: g.inputs.events)
        // The first accepted line again (a duplicate), and its id with another instant (a conflict).
        let first = try XCTUnwrap(g.eventLines.first { $0.contains("\"u") && !$0.contains("unknown") })
        let event = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        let id = try XCTUnwrap(event["id"] as? String)
        let storedAt = try StoreReader(path: path).db.integer("SELECT count(*) FROM events WHERE id = ?", .text(id))
        // The seeded generator's first line is a good one: if it stops being stored, that is a failure, not a skip.
        XCTAssertEqual(storedAt, 1, "the generator's first line was not accepted")
        guard storedAt == 1 else { return }
        var conflicting = event
        conflicting["at"] = "2020-01-01T00:00:00Z"
        let again = dir.write("again.jsonl", first + "\n" + String(decoding: try JSONSerialization.data(withJSONObject: conflicting), as: UTF8.self) + "\n")
        var rejects: [String] = []
        let outcome = try Ingestor(store: store).ingest(path: again, onReject: { rejects.append($0.message) })
        XCTAssertEqual(outcome.counts.duplicates, 1)
        XCTAssertEqual(outcome.counts.accepted, 0)
        XCTAssertEqual(rejects, ["\(again):2: id: \(JSONText.quote(id)) was already accepted with other content; the first one stands"])
    }
}
