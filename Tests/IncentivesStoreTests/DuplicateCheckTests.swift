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
        try XCTSkipIf(storedAt != 1, "the generator's first line was not accepted")
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
