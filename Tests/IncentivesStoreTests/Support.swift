import Foundation
import XCTest
import IncentivesCore
import IncentivesInput
@testable import IncentivesStore

/// A fresh temporary folder per test, removed afterwards.
final class TempDir {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("incentives-store-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func write(_ name: String, _ text: String) -> String {
        let p = path(name)
        try! text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }
}

/// The three input files of one case.
struct Inputs {
    let catalog: String
    let roster: String
    let events: String
}

enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/scenarios` next to the package, when present.
    static var scenariosDir: URL? {
        let dir = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/scenarios")
        return FileManager.default.fileExists(atPath: dir.path) ? dir : nil
    }

    /// Every scenario folder with the three files.
    static var scenarios: [(name: String, inputs: Inputs)] {
        guard let dir = scenariosDir,
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() else { return [] }
        return names.compactMap { name in
            let d = dir.appendingPathComponent(name)
            let inputs = Inputs(catalog: d.appendingPathComponent("catalog.json").path, roster: d.appendingPathComponent("roster.jsonl").path,
                                events: d.appendingPathComponent("events.jsonl").path)
            guard FileManager.default.fileExists(atPath: inputs.events) else { return nil }
            return (name, inputs)
        }
    }

    /// The built `incentives` binary (the test target depends on it, so it is built with the tests).
    static var binary: String? {
        var candidates: [URL] = []
        let argv0 = URL(fileURLWithPath: CommandLine.arguments[0])
        candidates.append(argv0.deletingLastPathComponent().appendingPathComponent("incentives"))
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("incentives"))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("incentives"))
        for b in Bundle.allBundles { candidates.append(b.bundleURL.deletingLastPathComponent().appendingPathComponent("incentives")) }
        candidates.append(packageRoot.appendingPathComponent(".build/debug/incentives"))
        return candidates.map(\.path).first { FileManager.default.isExecutableFile(atPath: $0) }
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

/// Runs a child process to completion and returns its exit status and output.
@discardableResult
func runProcess(_ executable: String, _ args: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    if let environment { p.environment = environment }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes while the child runs, so a large output cannot fill a pipe and stall it.
    final class Box: @unchecked Sendable { var data = Data() }
    let outBox = Box()
    let group = DispatchGroup()
    group.enter()
    let reading = out.fileHandleForReading
    DispatchQueue.global().async { outBox.data = reading.readDataToEndOfFile(); group.leave() }
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: outBox.data, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

/// Makes a file unwritable even for root (who ignores permission bits): `chattr +i` as root, `chmod 0400`
/// otherwise. Returns how to undo it, or nil when this machine does not allow it (the caller skips that part).
enum ReadOnlyFile {
    static func make(_ path: String) -> (() -> Void)? {
        guard getuid() == 0 else {
            guard chmod(path, 0o400) == 0 else { return nil }
            return { _ = chmod(path, 0o600) }
        }
        guard chattr("+i", path) else { return nil }
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
