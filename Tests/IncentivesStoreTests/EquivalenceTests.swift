import Foundation
import XCTest
import IncentivesCore
import IncentivesInput
@testable import IncentivesStore

/// CONTRACT equivalence: ingesting then listing achievements prints exactly what replay prints,
/// in one run or in chunks, with the same rejects and summary.
final class EquivalenceTests: XCTestCase {
    func testEveryScenarioMatchesReplay() throws {
        let scenarios = Fixtures.scenarios
        XCTAssertGreaterThanOrEqual(scenarios.count, 15, "Tests/Fixtures/Scenarios holds the contract's cases")
        for (name, inputs) in scenarios {
            let dir = TempDir()
            let expected: (lines: [String], rejects: [String], counts: IntakeCounts)
            do { expected = try Fixtures.replay(inputs) } catch let refused as ConfigurationError {
                // A refused configuration: the store refuses it too (no case does today; any other error fails).
                XCTAssertThrowsError(try Fixtures.initStore(dir.path("db.sqlite"), inputs), "\(name): replay refused it: \(refused)")
                continue
            }
            let store: Store
            do { store = try Fixtures.initStore(dir.path("db.sqlite"), inputs) } catch {
                XCTFail("\(name): init failed: \(error)"); continue
            }
            var rejects: [String] = []
            let outcome = try Ingestor(store: store).ingest(path: inputs.events, onReject: { rejects.append($0.message) })
            XCTAssertEqual(outcome.counts, expected.counts, name)
            XCTAssertEqual(rejects, expected.rejects, name)
            XCTAssertEqual(try Fixtures.storedLines(dir.path("db.sqlite")), expected.lines, name)
        }
    }

    func testScenariosThroughTheCommandsPrintWhatReplayPrints() throws {
        let scenarios = Fixtures.scenarios
        XCTAssertGreaterThanOrEqual(scenarios.count, 15, "Tests/Fixtures/Scenarios holds the contract's cases")
        let binary = try XCTUnwrap(Binary.path, "the incentives binary is built with the tests")
        for (name, inputs) in scenarios {
            let dir = TempDir()
            let db = dir.path("db.sqlite")
            let replay = try runProcess(binary, ["replay", "--catalog", inputs.catalog, "--roster", inputs.roster, "--events", inputs.events])
            let initRun = try runProcess(binary, ["init", "--db", db, "--catalog", inputs.catalog, "--roster", inputs.roster])
            if replay.status == 78 { XCTAssertEqual(initRun.status, 78, name); continue }
            XCTAssertEqual(initRun.status, 0, "\(name): \(initRun.stderr)")
            let ingest = try runProcess(binary, ["ingest", "--db", db, "--events", inputs.events])
            XCTAssertEqual(ingest.status, replay.status, name)
            XCTAssertEqual(ingest.stderr, replay.stderr, name)
            let listed = try runProcess(binary, ["achievements", "--db", db, "--format", "jsonl"])
            XCTAssertEqual(Fixtures.contractLines(listed.stdout), replay.stdout, name)
            XCTAssertTrue(listed.stdout.split(separator: "\n").allSatisfy { $0.hasSuffix(#","catalogVersion":1}"#) }, name)
        }
    }

    func testGeneratedFileInOneRunAndInChunksMatchesReplay() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 6_000)
        let expected = try Fixtures.replay(g.inputs)
        XCTAssertGreaterThan(expected.lines.count, 50, "the generated file earns achievements")
        for incentive in ["month-4", "week-2"] {
            XCTAssertGreaterThan(expected.lines.filter { $0.contains("\"incentive\":\"\(incentive)\"") }.count, 5,
                                 "calendar-period awards are part of what must match")
        }
        XCTAssertGreaterThan(expected.counts.duplicates, 0)
        XCTAssertGreaterThan(expected.counts.rejected, 0)

        // One run, small batches so that many commits happen.
        let whole = try Fixtures.initStore(dir.path("whole.sqlite"), g.inputs)
        var options = Ingestor.Options()
        options.batchLines = 250
        var rejects: [String] = []
        let outcome = try Ingestor(store: whole).ingest(path: g.inputs.events, options: options, onReject: { rejects.append($0.message) })
        XCTAssertEqual(outcome.counts, expected.counts)
        XCTAssertEqual(rejects, expected.rejects)
        XCTAssertEqual(try Fixtures.storedLines(dir.path("whole.sqlite")), expected.lines)

        // Seven chunks, one ingest each, progress dropped from memory between batches.
        let chunked = try Fixtures.initStore(dir.path("chunked.sqlite"), g.inputs)
        options.maxUsersInMemory = 5
        var total = IntakeCounts()
        for chunk in g.chunks(7, in: dir) {
            total = total + (try Ingestor(store: chunked).ingest(path: chunk, options: options).counts)
        }
        XCTAssertEqual(total, expected.counts)
        XCTAssertEqual(try Fixtures.storedLines(dir.path("chunked.sqlite")), expected.lines)
    }

    func testIngestingTheSameFileAgainChangesNothing() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 20, events: 1_500)
        let store = try Fixtures.initStore(dir.path("db.sqlite"), g.inputs)
        let first = try Ingestor(store: store).ingest(path: g.inputs.events)
        let before = try Fixtures.storedLines(dir.path("db.sqlite"))
        // Resuming a finished file reports the same summary and reads nothing.
        var rejects: [String] = []
        let again = try Ingestor(store: store).ingest(path: g.inputs.events, onReject: { rejects.append($0.message) })
        XCTAssertTrue(again.alreadyComplete)
        XCTAssertEqual(again.counts, first.counts)
        XCTAssertEqual(rejects.count, first.counts.rejected)
        // Reading it all again from the start: every accepted event is now a duplicate.
        var options = Ingestor.Options()
        options.restart = true
        let restarted = try Ingestor(store: store).ingest(path: g.inputs.events, options: options)
        XCTAssertEqual(restarted.counts.accepted, 0)
        XCTAssertEqual(restarted.counts.achievements, 0)
        XCTAssertEqual(restarted.counts.duplicates, first.counts.accepted + first.counts.duplicates)
        XCTAssertEqual(try Fixtures.storedLines(dir.path("db.sqlite")), before)
        let reader = try StoreReader(path: dir.path("db.sqlite"))
        XCTAssertEqual(try reader.counts().events, first.counts.accepted)
    }

    func testAFileThatGrowsIsResumedWhereItStopped() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 3_000)
        let expected = try Fixtures.replay(g.inputs)
        let half = g.eventLines.count / 2
        let path = dir.write("growing.jsonl", g.eventLines[..<half].joined(separator: "\n") + "\n")
        let store = try Fixtures.initStore(dir.path("db.sqlite"), g.inputs)
        let first = try Ingestor(store: store).ingest(path: path)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data((g.eventLines[half...].joined(separator: "\n") + "\n").utf8))
        try handle.close()
        let second = try Ingestor(store: store).ingest(path: path)
        XCTAssertEqual(second.resumedAfterLine, half)
        XCTAssertGreaterThan(second.counts.read, first.counts.read)
        XCTAssertEqual(second.counts, expected.counts)
        XCTAssertEqual(try Fixtures.storedLines(dir.path("db.sqlite")), expected.lines)
    }
}

final class ResumeLineNumberTests: XCTestCase {
    /// CRLF line ends and trailing blank lines must not shift the line numbers of a resumed read.
    func testLineNumbersStayExactAcrossResumes() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 10, events: 400)
        let lines = g.eventLines.map { $0 + "\r" }
        let first = lines[..<200].joined(separator: "\n") + "\n\n  \n"
        let rest = "{bad line\n" + lines[200...].joined(separator: "\n") + "\n"
        let path = dir.write("crlf.jsonl", first)
        let whole = dir.write("whole.jsonl", first + rest)
        let expected = try Fixtures.replay(Inputs(catalog: g.inputs.catalog, roster: g.inputs.roster, events: whole))
        let store = try Fixtures.initStore(dir.path("db.sqlite"), g.inputs)
        _ = try Ingestor(store: store).ingest(path: path)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(rest.utf8))
        try handle.close()
        var rejects: [String] = []
        let outcome = try Ingestor(store: store).ingest(path: path, onReject: { rejects.append($0.message) })
        XCTAssertEqual(outcome.counts, expected.counts)
        XCTAssertEqual(rejects, expected.rejects.map { $0.replacingOccurrences(of: whole, with: path) })
        XCTAssertEqual(try Fixtures.storedLines(dir.path("db.sqlite")), expected.lines)
    }
}

final class SmallGrowingFileTests: XCTestCase {
    /// A file smaller than the identity digest still resumes after it grows.
    func testASmallFileThatGrowsIsResumed() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 5, events: 30)
        let path = dir.write("small.jsonl", g.eventLines[..<5].joined(separator: "\n") + "\n")
        let store = try Fixtures.initStore(dir.path("db.sqlite"), g.inputs)
        _ = try Ingestor(store: store).ingest(path: path)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write(Data((g.eventLines[5...].joined(separator: "\n") + "\n").utf8))
        try handle.close()
        let outcome = try Ingestor(store: store).ingest(path: path)
        XCTAssertGreaterThan(outcome.resumedAfterLine, 0)
        XCTAssertEqual(outcome.counts, try Fixtures.replay(g.inputs).counts)
    }
}
