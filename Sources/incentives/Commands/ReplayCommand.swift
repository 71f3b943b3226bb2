import Foundation
import IncentivesCore
import IncentivesInput

/// `incentives replay`: the engine in memory over the three files (CONTRACT §5).
enum ReplayCommand: Command {
    static let name = "replay"
    static let summary = "run the engine in memory over catalog, roster and events; print achievements"
    static let valuedOptions: Set<String> = ["catalog", "roster", "events", "threads"]
    static let help = """
    Usage: incentives replay --catalog FILE --roster FILE --events FILE|- [--threads N]

    Runs the engine in memory over the three files; no database is touched.

      --catalog FILE   the menu of incentives and the employers' programs (catalog.json)
      --roster FILE    enterprise users, one JSON object a line (roster.jsonl)
      --events FILE    events recorded by the apps' API, one JSON object a line; - reads stdin
      --threads N      how wide each of the two busy stages runs: the reader's (parsing and admission,
                       ids shared out by one hash) and the engines' (users shared out by another),
                       side by side, so that together they use 2N threads; default: half the cores,
                       at least 1 (\(defaultThreads) here). The output is the same, byte for byte,
                       whatever N.

    stdout: one achievement a line, as JSON, in the order they were recorded.
    stderr: each rejected line as FILE:LINE: REASON, then the summary line
            events: R read, A accepted, D duplicates, X rejected; achievements: N

    Exit status: 0 every line accepted or a duplicate; 65 some lines rejected (the run completed);
                 64 bad usage; 66 an input file is missing or unreadable; 78 catalog or roster refused.

    Example:
      incentives replay --catalog Assets/demo/catalog.json --roster Assets/demo/roster.jsonl \\
                        --events Assets/demo/events.jsonl

    """

    /// Lines per batch: each batch ends with the partitions waiting for one another, so small batches leave
    /// a core idle, while large ones hold more lines in memory at once.
    static let batchSize = 16_384

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let catalogPath = try args.required("catalog")
        let rosterPath = try args.required("roster")
        let eventsPath = try args.required("events")
        let threads = try args.int("threads", default: defaultThreads, range: 1...maxThreads)
        // The roster is decoded while the reader parses the first events (on the bench load its 10,000 lines took
        // 0.12-0.17 s of a 1 s replay, alone, before they were read quickly; 0.03 s since). Its errors still come
        // before any about the events (`replay`).
        let c = try Setup.configuration(catalog: catalogPath, roster: rosterPath, besideReading: eventsPath)
        let counts = try replay(catalog: c.catalog, roster: c.roster, zones: c.zones, events: eventsPath, threads: threads,
                                out: Output.stdout, err: Output.stderr)
        Output.stdout.flush()
        printError(counts.summary)
        return counts.rejected > 0 ? .dataError : .ok
    }

    /// Half the cores this process may use: the reader's stage and the engines' stage run side by side, each
    /// `threads` wide (on two cores, one each measured fastest: README, Benchmarks).
    static var defaultThreads: Int { max(1, cores / 2) }

    /// The most events the id tables are sized for before reading (16M: tables of 800 MB, touched only as used).
    static let maxPresizedEvents = 1 << 24

    /// Every core this process may use.
    static var cores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
    /// More threads than this is a typo, not a machine.
    static let maxThreads = 1024

    /// Streams the events through a fresh intake; shared with `bench`.
    ///
    /// A reading thread splits lines into batches, which `threads` threads parse (simdjson, field checks; with one
    /// thread the reading thread parses), while this thread takes the previous batch through the intake, whose
    /// admission and engine each run `threads` threads (partitioned by event id, then by user); output follows
    /// file order.
    static func replay(catalog: Catalog, roster: Roster, zones: ZoneDirectory, events: String, threads: Int = defaultThreads,
                       out: Output?, err: Output?) throws -> IntakeCounts {
        try replay(catalog: catalog, roster: Pending(value: roster), zones: zones, events: events, threads: threads, out: out, err: err)
    }

    /// The same with a roster that may still be decoding: the reader starts at once, and the intake is built when
    /// the first batch is parsed. A roster that fails is the error, whatever happened to the events meanwhile.
    ///
    /// Three stages, each on its own thread: the reader splits, parses and admits a batch (`Intake.admit`: ids,
    /// users, duplicates; admission never depends on the engines), this thread takes the batch before it through
    /// the engines, and `AchievementPrinter` writes the awards of the one before that. On two cores the reader's
    /// share and this thread's are then about even (README, Benchmarks).
    static func replay(catalog: Catalog, roster: Pending<Roster>, zones: ZoneDirectory, events: String, threads: Int = defaultThreads,
                       out: Output?, err: Output?) throws -> IntakeCounts {
        // Size the id tables for the file up front (about 100 bytes a line) instead of regrowing them, up to
        // `maxPresizedEvents`: past it they grow as ids come, so a huge file (or a size that lies) never asks for
        // one allocation larger than the machine (which `calloc` would refuse, and the table cannot do without).
        let size = min((try? FileManager.default.attributesOfItem(atPath: events)[.size] as? Int) ?? 0, maxPresizedEvents * 100)
        let intake = Once<Intake> {
            let shards: EngineShards
            do {
                shards = try EngineShards(catalog: catalog, roster: try roster.value(), count: max(1, threads), zones: zones)
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw CommandFailure(.config, "\(error)")
            }
            return Intake(shards: shards, expectedEvents: size / 100)
        }
        let stream = EventStream(path: events, parsers: threads)
        let file = stream.displayName
        let printer = out.map { AchievementPrinter(out: $0) }
        defer { printer?.finish() }
        do {
            // On the reader thread: the events and their line numbers taken out of their items (their offsets, which
            // replay does not use, are freed there), and the batch admitted. Without an intake (a refused roster)
            // nothing is admitted; this thread then throws the roster's error.
            try stream.forEachBatchPipelined(batchSize: batchSize, preparingBatch: { items in
                let lines = items.map(\.event)
                return AdmittedLines(lineNumbers: items.map(\.line), lines: lines, admitted: (try? intake.value())?.admit(lines[...]))
            }) { batch in
                var output = ReplayOutput(lineNumbers: batch.lineNumbers, file: file, err: err)
                guard let admitted = batch.admitted else { _ = try intake.value(); return false }
                try intake.value().take(batch.lines[...], admitted: admitted, into: &output)
                printer?.print(output.earned)
                return true
            }
        } catch {
            _ = try intake.value() // the roster's or the engine's error first, as when they were set up before reading
            switch error {
            case let e as UnreadableInput: throw CommandFailure(.noInput, e.description)
            case let e as LineReader.RunawayLine: throw CommandFailure(.dataError, "\(file): \(e)")
            case let e as LineReader.ReadError: throw CommandFailure(.ioError, "\(file): read failed: \(e.reason)")
            default: throw error
            }
        }
        return try intake.value().counts
    }
}

/// A batch as the reader thread hands it over: each line's number, its event or why it is not one, and what
/// admission made of them (nil when there is no intake: the roster was refused).
private struct AdmittedLines: @unchecked Sendable {
    let lineNumbers: [Int]
    let lines: [Intake.Line]
    let admitted: Intake.AdmittedBatch?
}

/// Where `replay`'s intake puts its decisions: refused lines to stderr as `FILE:LINE: REASON`, and the batch's
/// achievements collected for stdout (`AchievementPrinter`), each in file order. Events that earned nothing and
/// duplicates print nothing.
private struct ReplayOutput: IntakeSink {
    /// The line numbers of the batch being taken: the intake's indices are theirs.
    let lineNumbers: [Int]
    let file: String
    let err: Output?
    /// What the batch earned, in order.
    var earned: [Achievement] = []

    func reject(at index: Int, _ why: Rejection, event: Event?) {
        err?.line("\(file):\(lineNumbers[index]): \(why)")
    }

    mutating func accept(at index: Int, _ event: Event, earned: [Achievement]) {
        self.earned.append(contentsOf: earned)
    }

    static var takesEventsThatEarnNothing: Bool { false }
}

/// Loading the catalog and roster with the contract's exit statuses.
enum Setup {
    static func catalog(_ path: String) throws -> Catalog {
        do {
            return try CatalogDecoder.load(path: path)
        } catch let e as UnreadableInput {
            throw CommandFailure(.noInput, e.description)
        } catch let e as ConfigurationError {
            throw CommandFailure(.config, "catalog refused: \(e)")
        }
    }

    static func roster(_ path: String, catalog: Catalog, zones: ZoneDirectory) throws -> Roster {
        do {
            return try RosterDecoder.load(path: path, catalog: catalog, zones: zones)
        } catch let e as UnreadableInput {
            throw CommandFailure(.noInput, e.description)
        } catch let e as ConfigurationError {
            throw CommandFailure(.config, "roster refused: \(e)")
        }
    }

    /// The catalog and roster, validated, with the zones the roster uses.
    /// Both files must be readable before either is judged: a missing file is 66 even when the other is invalid.
    static func requireReadable(_ paths: [String]) throws {
        for path in paths where path != "-" && !FileManager.default.isReadableFile(atPath: path) {
            throw CommandFailure(.noInput, "\(path): \(FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")")
        }
    }

    static func configuration(catalog catalogPath: String, roster rosterPath: String) throws -> (catalog: Catalog, roster: Roster, zones: ZoneDirectory) {
        let c = try configuration(catalog: catalogPath, roster: rosterPath, besideReading: nil)
        return (c.catalog, try c.roster.value(), c.zones)
    }

    /// The same, with the roster decoded on a thread of its own while the caller reads `events` (nil: decoded now).
    /// Standard input can be read by one of them only, so when either is `-` the roster is decoded first.
    static func configuration(catalog catalogPath: String, roster rosterPath: String, besideReading events: String?) throws
        -> (catalog: Catalog, roster: Pending<Roster>, zones: ZoneDirectory)
    {
        try requireReadable([catalogPath, rosterPath])
        let zones = ZoneDirectory()
        let catalog = try catalog(catalogPath)
        let beside = events.map { $0 != "-" && rosterPath != "-" } ?? false
        let roster = beside
            ? Pending { try Setup.roster(rosterPath, catalog: catalog, zones: zones) }
            : Pending(value: try roster(rosterPath, catalog: catalog, zones: zones))
        return (catalog, roster, zones)
    }

    static func engine(catalog catalogPath: String, roster rosterPath: String) throws -> Engine {
        let c = try configuration(catalog: catalogPath, roster: rosterPath)
        do {
            return try Engine(catalog: c.catalog, roster: c.roster, zones: c.zones)
        } catch {
            throw CommandFailure(.config, "\(error)")
        }
    }
}
