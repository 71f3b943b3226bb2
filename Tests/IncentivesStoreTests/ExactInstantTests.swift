import Foundation
import XCTest
import IncentivesCore
import IncentivesInput
@testable import IncentivesStore
@testable import IncentivesSQL

/// CONTRACT §1: timestamps run from year 0001 to 9999 and every instant is handled exactly, in any store.
/// Nanoseconds since 1970 in 64 bits end in 1677 and 2262: the store keeps seconds and nanoseconds apart.
final class ExactInstantTests: XCTestCase {
    /// Instants at both ends of the contract's years and on either side of the int64-nanosecond range, each with
    /// the UTC text it must come back as — written out here, not computed by the code under test (issue 26).
    static let edgesAndUTC: [(at: String, utc: String)] = [
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"), ("0001-01-01T23:59:00+23:59", "0001-01-01T00:00:00Z"),
        ("0001-01-02T00:00:00.000000001Z", "0001-01-02T00:00:00.000000001Z"),
        ("1677-09-21T00:12:43.145224191Z", "1677-09-21T00:12:43.145224191Z"), ("1677-09-21T00:12:43.145224192Z", "1677-09-21T00:12:43.145224192Z"),
        ("1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59.5Z"),
        ("2262-04-11T23:47:16.854775807Z", "2262-04-11T23:47:16.854775807Z"), ("2262-04-11T23:47:16.854775808Z", "2262-04-11T23:47:16.854775808Z"),
        ("2262-04-11T23:47:17Z", "2262-04-11T23:47:17Z"), ("3000-06-01T12:00:00+02:00", "3000-06-01T10:00:00Z"),
        ("9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"), ("9999-12-31T00:00:59-23:59", "9999-12-31T23:59:59Z"),
    ]
    static let edges = edgesAndUTC.map(\.at)

    func world(in dir: TempDir, events: [String]) -> Inputs { Self.world(in: dir, events: events) }

    static func world(in dir: TempDir, events: [String]) -> Inputs {
        let catalog = """
            {"incentives": [{"id": "log", "name": "Log", "kind": "streak", "event": "health_data_logged", "days": 2}],
             "employers": [{"id": "e", "name": "E", "programs": [{"id": "p", "name": "P", "starts": "0001-01-01",
               "ends": "9999-12-31", "rewards": [{"incentive": "log", "reward": "R", "limit": 20}]}]}]}
            """
        let roster = #"{"id": "u", "employer": "e", "timezone": "Etc/UTC", "eligibleFrom": "0001-01-01"}"# + "\n"
        let lines = events.enumerated().map { i, at in
            #"{"id": "e\#(i)", "type": "health_data_logged", "user": "u", "at": "\#(at)", "category": "mood"}"#
        }
        return Inputs(catalog: dir.write("catalog.json", catalog), roster: dir.write("roster.jsonl", roster),
                      events: dir.write("events.jsonl", lines.joined(separator: "\n") + "\n"))
    }

    func testEveryInstantComesBackFromTheStoreExactly() throws {
        let dir = TempDir()
        let inputs = world(in: dir, events: Self.edges)
        let db = dir.path("db.sqlite")
        let outcome = try Ingestor(store: try Fixtures.initStore(db, inputs)).ingest(path: inputs.events)
        XCTAssertEqual(outcome.counts.accepted, Self.edges.count)
        let stored = try StoreReader(path: db).events(of: "u", limit: 100).sorted { $0.seq < $1.seq }
        XCTAssertEqual(stored.map(\.at.rfc3339), Self.edgesAndUTC.map(\.utc))
        XCTAssertEqual(try Fixtures.storedLines(db), try Fixtures.replay(inputs).lines)
    }

    /// A re-send of an edge event is a duplicate (its stored content compares equal), not a conflict; and one
    /// nanosecond off is a conflict.
    func testAReSentEdgeEventIsADuplicateAndOneNanosecondOffIsAConflict() throws {
        let dir = TempDir()
        let inputs = world(in: dir, events: Self.edges)
        let db = dir.path("db.sqlite")
        let store = try Fixtures.initStore(db, inputs)
        _ = try Ingestor(store: store).ingest(path: inputs.events)
        let again = dir.write("again.jsonl", try String(contentsOfFile: inputs.events, encoding: .utf8))
        var options = Ingestor.Options()
        options.maxIDsInMemory = 0 // every id is asked of the database, as after a restart
        let second = try Ingestor(store: store).ingest(path: again, options: options)
        XCTAssertEqual(second.counts.duplicates, Self.edges.count)
        XCTAssertEqual(second.counts.rejected, 0)

        let shifted = dir.write("shifted.jsonl",
            #"{"id": "e7", "type": "health_data_logged", "user": "u", "at": "2262-04-11T23:47:16.854775809Z", "category": "mood"}"# + "\n")
        var rejects: [String] = []
        let third = try Ingestor(store: store).ingest(path: shifted, onReject: { rejects.append($0.reason) })
        XCTAssertEqual(third.counts.rejected, 1)
        XCTAssertTrue(rejects.first?.contains("already accepted with other content") == true, "\(rejects)")
    }

    /// Version 4 kept nanoseconds since 1970; upgrading splits them exactly, before 1970 as after.
    func testAVersionFourDatabaseUpgradesToExactInstants() throws {
        let dir = TempDir()
        let inRange = ["1677-09-21T00:12:43.145224192Z", "1969-12-31T23:59:59.5Z", "1969-12-31T23:59:59Z", "1970-01-01T00:00:00Z",
                       "2026-03-02T23:30:00.123456789-06:00", "2262-04-11T23:47:16.854775807Z"]
        let inputs = world(in: dir, events: inRange)
        let current = dir.path("v5.sqlite")
        _ = try Ingestor(store: try Fixtures.initStore(current, inputs)).ingest(path: inputs.events)
        let expected = try StoreReader(path: current).events(of: "u", limit: 100)

        let old = dir.path("v4.sqlite")
        let raw = try Database(path: old, mode: .readWrite(create: true))
        for m in Schema.migrations.prefix(4) { try raw.execute(m) }
        try raw.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 4")
        try raw.execute("ATTACH '\(current)' AS src")
        try raw.transaction {
            for table in ["settings", "members", "ingests", "progress", "achievements", "rejects", "deliveries", "user_keys"] {
                // The columns version 4 had (later versions added some, and dropped one).
                try OlderSchemaCopy.copy(table, in: raw)
            }
            try raw.execute("""
                INSERT INTO main.events(seq, id, type, user_key, at_ns, category, ingest, line)
                  SELECT seq, id, type, user_key, at_s * 1000000000 + at_nanos, category, ingest, line FROM src.events
                """)
        }
        try raw.execute("DETACH src")

        let reader = try StoreReader(path: old)
        XCTAssertEqual(try reader.db.pragma("user_version"), Schema.version)
        XCTAssertEqual(try reader.events(of: "u", limit: 100), expected)
        XCTAssertEqual(try reader.db.integer("SELECT count(*) FROM pragma_table_info('events') WHERE name = 'at_ns'"), 0)
    }

    /// A stored instant no ingest could have written is refused with the file's name, not shown as another day.
    func testAnImpossibleStoredInstantIsReportedAsCorrupt() throws {
        let dir = TempDir()
        let inputs = world(in: dir, events: ["2026-01-01T00:00:00Z"])
        let db = dir.path("db.sqlite")
        let store = try Fixtures.initStore(db, inputs)
        _ = try Ingestor(store: store).ingest(path: inputs.events)
        try store.db.execute("UPDATE events SET at_s = 9223372036854775807")
        XCTAssertThrowsError(try StoreReader(path: db).events(of: "u")) { error in
            guard case .corrupt(let path, _)? = error as? StoreError else { return XCTFail("\(error)") }
            XCTAssertEqual(path, db)
        }
    }
}

import Testing

/// CONTRACT §1: an `at` whose instant, in UTC, falls outside years 0001 to 9999 is rejected. These two were in
/// `edges` and passed because the expected text came from the code's own parse → format (`0000-12-31T00:01:00Z`,
/// `10000-01-01T23:58:59Z`). CONTRACT §1 now rejects them.
@Suite("instants outside years 0001-9999 in UTC")
struct OutOfRangeInstantTests {
    @Test(arguments: ["0001-01-01T00:00:00+23:59", "9999-12-31T23:59:59-23:59"])
    func rejected(_ at: String) throws {
        let dir = TempDir()
        let inputs = ExactInstantTests.world(in: dir, events: [at])
        let outcome = try Fixtures.replay(inputs)
        #expect(outcome.counts.rejected == 1, "\(at)")
        #expect(outcome.counts.accepted == 0, "\(at)")
    }
}
