import Foundation
import XCTest
import IncentivesCore
import IncentivesInput
@testable import IncentivesStore
@testable import IncentivesSQL
// The shared test helpers (TempDir, Generated, Binary, runProcess, ...): every file of this target sees them.
@_exported import TestSupport

enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: Binary.packageRoot)

    /// The contract's settled cases (`Tests/Fixtures/Scenarios`, its `next/` too; copied from `../shared/scenarios`),
    /// always present: the equivalence tests run on every clone instead of skipping without `../shared`.
    static var scenarios: [(name: String, inputs: Inputs)] {
        ContractCases.settled.map { ($0.name, Inputs(catalog: $0.catalog, roster: $0.roster, events: $0.events)) }
    }

    /// What `replay` decides for the inputs, computed in process: the achievement lines, reject messages and counts.
    static func replay(_ inputs: Inputs) throws -> (lines: [String], rejects: [String], counts: IntakeCounts) {
        let catalog = try CatalogDecoder.load(path: inputs.catalog)
        let roster = try RosterDecoder.load(path: inputs.roster, catalog: catalog)
        let intake = Intake(engine: try Engine(catalog: catalog, roster: roster))
        var lines: [String] = []
        var rejects: [String] = []
        let stream = EventStream(path: inputs.events)
        try stream.forEach { item in
            let d: Intake.Disposition
            switch item.event {
            case .success(let e): d = intake.take(e)
            case .failure(let why): d = intake.reject(why, countAsRead: true)
            }
            switch d {
            case .accepted(let a): lines += a.map(\.jsonLine)
            case .rejected(let why): rejects.append("\(stream.displayName):\(item.line): \(why)")
            case .duplicate: break
            }
            return true
        }
        return (lines, rejects, intake.counts)
    }

    /// After an interrupted ingest: what was committed is a prefix of what replay records, in order.
    static func assertCommittedPrefix(_ path: String, of expected: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let stored = try storedLines(path)
        XCTAssertEqual(stored, Array(expected.prefix(stored.count)), file: file, line: line)
    }

    /// Runs the same ingest again and checks it ends exactly where an uninterrupted run ends:
    /// the same counts, the same rejects, the same achievements in the same order.
    static func assertResumesToReplay(_ path: String, _ inputs: Inputs, options: Ingestor.Options,
                                      expected: (lines: [String], rejects: [String], counts: IntakeCounts),
                                      file: StaticString = #filePath, line: UInt = #line) throws {
        let store = try Store(path: path)
        var rejects: [String] = []
        let outcome = try Ingestor(store: store).ingest(path: inputs.events, options: options, onReject: { rejects.append($0.message) })
        XCTAssertEqual(outcome.counts, expected.counts, file: file, line: line)
        XCTAssertEqual(rejects, expected.rejects, file: file, line: line)
        XCTAssertEqual(try storedLines(path), expected.lines, file: file, line: line)
    }

    /// A new store at `path` with the catalog and roster loaded.
    @discardableResult
    static func initStore(_ path: String, _ inputs: Inputs, maxPages: Int? = nil) throws -> Store {
        // A full disk is simulated in 4 KiB pages (the tests' limits were chosen in those), whatever the default.
        let store = try Store(path: path, maxPages: maxPages, pageSize: maxPages == nil ? Store.pageSize : 4096)
        let catalog = try CatalogDecoder.load(path: inputs.catalog)
        let roster = try RosterDecoder.load(path: inputs.roster, catalog: catalog)
        try store.load(catalogJSON: try Data(contentsOf: URL(fileURLWithPath: inputs.catalog)), catalogFile: inputs.catalog,
                       roster: roster, rosterFile: inputs.roster)
        return store
    }

    /// Every achievement line in recording order, as `incentives achievements --format jsonl` prints them.
    /// Ingests into a store limited to `maxPages` pages, which must stop it with a full disk.
    static func assertIngestStopsWhenFull(_ path: String, _ inputs: Inputs, options: Ingestor.Options, maxPages: Int = 400,
                                          file: StaticString = #filePath, line: UInt = #line) throws {
        let store = try initStore(path, inputs, maxPages: maxPages)
        XCTAssertThrowsError(try Ingestor(store: store).ingest(path: inputs.events, options: options), file: file, line: line) { error in
            XCTAssertEqual(error as? StoreError, .full(path: path), file: file, line: line)
        }
    }

    /// `achievements --format jsonl` output as `replay` prints it: each line without the `catalogVersion` key the
    /// store adds at its end.
    static func contractLines(_ stdout: String) -> String {
        stdout.replacing(#/,"catalogVersion":[0-9]+\}\n/#, with: "}\n")
    }

    static func storedLines(_ path: String) throws -> [String] {
        let reader = try StoreReader(path: path)
        var out: [String] = []
        try reader.forEachAchievement(AchievementQuery()) { out.append($0.jsonLine) }
        return out
    }
}

/// Makes a file unwritable even for root (who ignores permission bits): `chattr +i` as root, `chmod 0400`
/// otherwise. Returns how to undo it, or nil when this machine does not allow it (the caller skips that part).
enum ReadOnlyFile {
    /// Makes `path` a file this process cannot write and returns what undoes it: `chmod 0400` for a normal user,
    /// `chattr +i` (immutable) as root, whom permissions do not stop — CI runs as root, so the read-only paths
    /// are checked there too. Throws, never skips, when neither works (a file system without `chattr`).
    struct Unavailable: Error, CustomStringConvertible { let description: String }

    static func make(_ path: String) throws -> () -> Void {
        guard getuid() == 0 else {
            guard chmod(path, 0o400) == 0 else { throw Unavailable(description: "chmod 0400 \(path) failed: errno \(errno)") }
            return { _ = chmod(path, 0o600) }
        }
        guard chattr("+i", path) else {
            throw Unavailable(description: "chattr +i \(path) was refused: root needs an immutable file to test a read-only database")
        }
        return { _ = chattr("-i", path) }
    }

    private static func chattr(_ flag: String, _ path: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/chattr")
        p.arguments = [flag, path]
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }
}
