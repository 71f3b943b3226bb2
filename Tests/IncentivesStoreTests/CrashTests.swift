import Foundation
import XCTest
import IncentivesCore
@testable import IncentivesStore
#if canImport(Glibc)
import Glibc
#endif

/// kill -9 of a real `incentives ingest` at several points, then the same ingest again: the result is
/// exactly that of an uninterrupted run. Meanwhile a reader keeps looking users up and is never refused.
final class CrashTests: XCTestCase {
    func testKillingTheIngestAnywhereLosesAndDoublesNothing() throws {
        let binary = try XCTUnwrap(Binary.path, "the incentives binary is built with the tests")
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 80, events: 30_000, seed: 7)
        let expected = try Fixtures.replay(g.inputs)
        let db = dir.path("db.sqlite")
        try Fixtures.initStore(db, g.inputs)
        let ingest = ["ingest", "--db", db, "--events", g.inputs.events, "--batch", "700", "--progress-every", "2500"]
        let totalLines = g.eventLines.count

        // Kill points: right after the start, then after the committed position passes these fractions.
        let points: [Double] = [0, 0.1, 0.3, 0.55, 0.8]
        var kills = 0
        for fraction in points {
            let child = try Binary.launch(ingest)
            // A long busy timeout bounds a hang only; that a reader is never blocked by the writer's lock is checked
            // without timing in FailureTests (a look-up with no busy timeout while a write transaction is open).
            let reader = try StoreReader(path: db, busyTimeout: 30_000)
            let target = Int(Double(totalLines) * fraction)
            var lookups = 0
            while child.isRunning {
                let committed = try reader.db.integer("SELECT coalesce(max(line), 0) FROM ingests")
                // A look-up while the ingest writes.
                _ = try reader.profile(of: "u\(lookups % 80)")
                lookups += 1
                if committed >= target { break }
                usleep(2_000)
            }
            if fraction > 0 { usleep(useconds_t(1_000 * (kills * 7 % 20))) } // land inside a batch, at varying depths
            if child.isRunning {
                kill(child.processIdentifier, SIGKILL)
                kills += 1
            }
            child.waitUntilExit()
            // After each crash the database opens, and what it holds is a prefix of the uninterrupted run.
            let stored = try Fixtures.storedLines(db)
            XCTAssertEqual(stored, Array(expected.lines.prefix(stored.count)), "after kill at \(fraction)")
            let events = try StoreReader(path: db).counts().events
            XCTAssertLessThanOrEqual(events, expected.counts.accepted)
        }
        XCTAssertGreaterThanOrEqual(kills, 3, "the ingest was killed mid-way several times")

        let final = try runProcess(binary, ingest)
        XCTAssertEqual(final.status, expected.counts.rejected > 0 ? 65 : 0, final.stderr)
        let lines = final.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.last, expected.counts.summary)
        XCTAssertEqual(Array(lines.dropLast()), expected.rejects)
        XCTAssertEqual(try Fixtures.storedLines(db), expected.lines)
        let reader = try StoreReader(path: db)
        XCTAssertEqual(try reader.counts().events, expected.counts.accepted, "no event stored twice or lost")
        XCTAssertEqual(try reader.rejects().count, expected.counts.rejected, "no reject stored twice")
        let listed = try runProcess(binary, ["achievements", "--db", db, "--format", "jsonl"])
        XCTAssertEqual(Fixtures.contractLines(listed.stdout), expected.lines.map { $0 + "\n" }.joined())
        // Each achievement has exactly one outbox row per partner that serves it.
        let deliveries = try reader.db.integer("SELECT count(*) FROM deliveries")
        let catalog = try Store(path: db).catalog()
        let achievements = try reader.achievements(AchievementQuery())
        let due = achievements.reduce(0) { n, a in
            n + catalog.partners.filter { $0.serves(employer: a.achievement.employer, reward: a.achievement.reward) }.count
        }
        XCTAssertEqual(deliveries, due)
        XCTAssertGreaterThan(due, 0)
    }
}

final class ConcurrentWriterTests: XCTestCase {
    /// The delivery sender (or an init) writes while an ingest runs: it gets the lock between batches.
    func testAnotherWriterGetsInBetweenBatches() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 50, events: 120_000, seed: 11)
        let db = dir.path("db.sqlite")
        try Fixtures.initStore(db, g.inputs)
        let child = try Binary.launch(["ingest", "--db", db, "--events", g.inputs.events, "--batch", "5000"])
        // The busy timeout bounds a hang (the writer would wait for the whole ingest), not the wait for one batch:
        // what is checked is where the writes landed — between batches, at several points of the ingest.
        let writer = try Database(path: db, mode: .readWrite(create: false), busyTimeout: 30_000)
        var writes = 0
        var positions = Set<Int>()
        let total = g.eventLines.count
        while child.isRunning {
            // What a sender does: mark a delivery attempt.
            try writer.transaction {
                try writer.run("UPDATE deliveries SET attempts = attempts + 1 WHERE id = (SELECT min(id) FROM deliveries)")
                positions.insert(try writer.integer("SELECT coalesce(max(line), 0) FROM ingests"))
            }
            writes += 1
            usleep(5_000)
        }
        child.waitUntilExit()
        XCTAssertEqual(child.terminationStatus, 65)
        XCTAssertGreaterThan(writes, 3)
        XCTAssertGreaterThanOrEqual(positions.filter { $0 > 0 && $0 < total }.count, 2,
                                    "the writer got the lock between the ingest's batches, mid-way, more than once: \(positions.sorted())")
        XCTAssertEqual(try Fixtures.storedLines(db), try Fixtures.replay(g.inputs).lines)
    }
}
