import Foundation
import XCTest
import IncentivesCore
import IncentivesInput
@testable import IncentivesStore
@testable import IncentivesSQL

/// Schema version 4 stores events under integer user keys. A version-3 database (events naming their user by
/// id text) upgraded to version 4 must answer every question as a database written at version 4 does, and
/// ingest on from there as replay does.
final class UserKeyMigrationTests: XCTestCase {
    /// What version 3 would have written for the data in `current`: the first three migrations, events naming
    /// their user by id.
    private func makeVersionThree(copying current: String, at old: String) throws {
        let raw = try Database(path: old, mode: .readWrite(create: true))
        for m in Schema.migrations.prefix(3) { try raw.execute(m) }
        try raw.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 3")
        try raw.execute("ATTACH '\(current)' AS src")
        try raw.transaction {
            for table in ["settings", "members", "ingests", "progress", "achievements", "rejects", "deliveries"] {
                // The columns version 3 had (later versions added some, and dropped one).
                try OlderSchemaCopy.copy(table, in: raw)
            }
            try raw.execute("""
                INSERT INTO main.events(seq, id, type, user, at_ns, category, ingest, line)
                  SELECT e.seq, e.id, e.type, k.id, e.at_s * 1000000000 + e.at_nanos, e.category, e.ingest, e.line
                  FROM src.events e JOIN src.user_keys k ON k.key = e.user_key
                """)
        }
        try raw.execute("DETACH src")
    }

    /// Readers (`incentives user`, the console) opening a version-3 file upgrade it first, as a writer would;
    /// one they cannot write is refused with that reason, not with "no such table".
    func testAReaderOpeningAnOlderDatabaseUpgradesItOrSaysWhyItCannot() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 20, events: 1_500, seed: 4)
        let current = dir.path("v4.sqlite")
        _ = try Ingestor(store: try Fixtures.initStore(current, g.inputs)).ingest(path: g.inputs.events)
        let expected = try XCTUnwrap(try StoreReader(path: current).profile(of: "u3"))
        XCTAssertFalse(expected.recentEvents.isEmpty)

        let readOnly = dir.path("v3-ro.sqlite")
        try makeVersionThree(copying: current, at: readOnly)
        do {
            let undo = try ReadOnlyFile.make(readOnly)
            defer { undo() }
            XCTAssertThrowsError(try StoreReader(path: readOnly)) { error in
                guard case .olderSchemaReadOnly(_, let found, _)? = error as? StoreError else { return XCTFail("\(error)") }
                XCTAssertEqual(found, 3)
                XCTAssertTrue("\(error)".contains("open it once with write access"), "\(error)")
            }
            XCTAssertEqual(try Database(path: readOnly, mode: .readOnly).pragma("user_version"), 3, "left as it was")
        }

        let old = dir.path("v3.sqlite")
        try makeVersionThree(copying: current, at: old)
        let reader = try StoreReader(path: old)
        XCTAssertEqual(try reader.db.pragma("user_version"), Schema.version)
        XCTAssertEqual(try reader.profile(of: "u3"), expected)
    }

    func testAVersionThreeDatabaseUpgradedAnswersAsOneWrittenAtVersionFour() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 4_000, seed: 11)
        let chunks = g.chunks(2, in: dir)
        var options = Ingestor.Options()
        options.batchLines = 300
        options.progressEvery = 700

        // Written at version 4: the first half of the file, then a roster without u1 (whose events stay).
        let current = dir.path("v4.sqlite")
        let store = try Fixtures.initStore(current, g.inputs)
        _ = try Ingestor(store: store).ingest(path: chunks[0], options: options)
        let catalog = try CatalogDecoder.load(path: g.inputs.catalog)
        let roster = try RosterDecoder.load(path: g.inputs.roster, catalog: catalog)
        let smaller = Roster(members: roster.members.filter { $0.id != "u1" })
        try store.load(catalogJSON: try Data(contentsOf: URL(fileURLWithPath: g.inputs.catalog)), catalogFile: g.inputs.catalog,
                       roster: smaller, rosterFile: g.inputs.roster)
        XCTAssertGreaterThan(try store.db.integer("SELECT count(*) FROM events WHERE user_key = (SELECT key FROM user_keys WHERE id = 'u1')"), 0)

        // The same data as version 3 wrote it: the first three migrations, events with their user's id.
        let old = dir.path("v3.sqlite")
        try makeVersionThree(copying: current, at: old)
        XCTAssertEqual(try Database(path: old, mode: .readOnly).integer("SELECT count(*) FROM events WHERE user = 'u1'") > 0, true)

        // Opening it for writing upgrades it.
        let upgraded = try Store(path: old)
        XCTAssertEqual(try upgraded.db.pragma("user_version"), Schema.version)
        XCTAssertEqual(try upgraded.db.integer("SELECT count(*) FROM pragma_table_info('events') WHERE name = 'user'"), 0)
        XCTAssertEqual(try upgraded.db.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'events_v3'"), 0)
        XCTAssertEqual(try upgraded.db.integer("PRAGMA foreign_key_check"), 0)
        try assertSameAnswers(current, old, users: roster.members.map(\.id))

        // Both ingest the rest of the file alike.
        _ = try Ingestor(store: store).ingest(path: chunks[1], options: options)
        _ = try Ingestor(store: upgraded).ingest(path: chunks[1], options: options)
        try assertSameAnswers(current, old, users: roster.members.map(\.id))
    }

    /// Every look-up of `StoreReader` that reads events, for every user (removed ones too), and the rest.
    private func assertSameAnswers(_ a: String, _ b: String, users: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let ra = try StoreReader(path: a), rb = try StoreReader(path: b)
        XCTAssertEqual(try ra.counts(), try rb.counts(), file: file, line: line)
        let today = try XCTUnwrap(LocalDate(iso: "2026-05-01"))
        var events = 0
        for user in users {
            let ea = try ra.events(of: user, limit: 1_000)
            events += ea.count
            XCTAssertEqual(ea, try rb.events(of: user, limit: 1_000), user, file: file, line: line)
            XCTAssertEqual(try ra.profile(of: user, today: today), try rb.profile(of: user, today: today), user, file: file, line: line)
        }
        XCTAssertEqual(events, try ra.counts().events, "every event belongs to a user", file: file, line: line)
        let changes = try ra.changes(sinceEvent: 0, sinceAchievement: 0, limit: 100_000)
        let other = try rb.changes(sinceEvent: 0, sinceAchievement: 0, limit: 100_000)
        // (Compared with `==` rather than XCTAssertEqual: a failure would print thousands of rows.)
        XCTAssertTrue(changes.events == other.events, "the same events", file: file, line: line)
        XCTAssertTrue(changes.achievements == other.achievements, "the same achievements", file: file, line: line)
        // Rejects carry the time they were stored, which differs between the two ingests.
        XCTAssertEqual(changes.rejects.map(\.message), other.rejects.map(\.message), file: file, line: line)
        for e in changes.events.prefix(50) {
            XCTAssertEqual(try ra.event(id: e.id), try rb.event(id: e.id), file: file, line: line)
        }
        XCTAssertEqual(try Fixtures.storedLines(a), try Fixtures.storedLines(b), file: file, line: line)
    }
}
