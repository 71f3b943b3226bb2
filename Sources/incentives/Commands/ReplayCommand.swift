import Foundation
import IncentivesCore
import IncentivesInput

/// `incentives replay`: the engine in memory over the three files (CONTRACT §5).
enum ReplayCommand: Command {
    static let name = "replay"
    static let summary = "run the engine in memory over catalog, roster and events; print achievements"
    static let valuedOptions: Set<String> = ["catalog", "roster", "events"]
    static let help = """
    Usage: incentives replay --catalog FILE --roster FILE --events FILE|-

    Runs the engine in memory over the three files; no database is touched.

      --catalog FILE   the menu of incentives and the employers' programs (catalog.json)
      --roster FILE    enterprise users, one JSON object a line (roster.jsonl)
      --events FILE    events recorded by the apps' API, one JSON object a line; - reads stdin

    stdout: one achievement a line, as JSON, in the order they were recorded.
    stderr: each rejected line as FILE:LINE: REASON, then the summary line
            events: R read, A accepted, D duplicates, X rejected; achievements: N

    Exit status: 0 every line accepted or a duplicate; 65 some lines rejected (the run completed);
                 64 bad usage; 66 an input file is missing or unreadable; 78 catalog or roster refused.

    Example:
      incentives replay --catalog Assets/demo/catalog.json --roster Assets/demo/roster.jsonl \\
                        --events Assets/demo/events.jsonl

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let catalogPath = try args.required("catalog")
        let rosterPath = try args.required("roster")
        let eventsPath = try args.required("events")
        let c = try Setup.configuration(catalog: catalogPath, roster: rosterPath)
        let counts = try replay(catalog: c.catalog, roster: c.roster, zones: c.zones, events: eventsPath,
                                out: Output.stdout, err: Output.stderr)
        Output.stdout.flush()
        printError(counts.summary)
        return counts.rejected > 0 ? .dataError : .ok
    }

    /// Streams the events through a fresh intake; shared with `bench`.
    ///
    /// Three kinds of work share the cores: a reading thread parses lines and admits events (unknown
    /// users, duplicates), then each batch's new events are evaluated by engine shards, one per core,
    /// partitioned by user; output follows file order.
    static func replay(catalog: Catalog, roster: Roster, zones: ZoneDirectory, events: String, out: Output?, err: Output?) throws -> IntakeCounts {
        let shards: EngineShards
        do {
            shards = try EngineShards(catalog: catalog, roster: roster, count: max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)), zones: zones)
        } catch {
            throw CommandFailure(.config, "\(error)")
        }
        // Size the id table for the file up front (about 100 bytes a line) instead of regrowing it.
        let size = (try? FileManager.default.attributesOfItem(atPath: events)[.size] as? Int) ?? 0
        let intake = Intake(shards: shards, expectedEvents: (size ?? 0) / 100)
        let stream = EventStream(path: events)
        let file = stream.displayName
        do {
            let admission = intake.admission
            // Batches of 8,192 lines: while the shards wait for one another the reading thread has the core,
            // so larger batches (EngineShards.preferredBatch) gained nothing here and cost 60 MB (measured).
            try stream.forEachBatchPipelined(prepare: { item in
                (item, item.event.map { admission.admit($0) })
            }) { batch in
                var admitted: [(event: Event, verdict: Admission.Verdict)] = []
                admitted.reserveCapacity(batch.count)
                for (item, verdict) in batch {
                    if case .success(let e) = item.event, case .success(let v) = verdict { admitted.append((e, v)) }
                }
                var dispositions = intake.take(batch: admitted).makeIterator()
                for (item, verdict) in batch {
                    let disposition: Intake.Disposition
                    switch (item.event, verdict) {
                    case (.success, .success): disposition = dispositions.next()!
                    case (.failure(let why), _), (_, .failure(let why)): disposition = intake.reject(why, countAsRead: true)
                    }
                    switch disposition {
                    case .accepted(let achievements):
                        for a in achievements { out?.line(a.jsonLine) }
                    case .rejected(let why):
                        err?.line("\(file):\(item.line): \(why)")
                    case .duplicate:
                        break
                    }
                }
                return true
            }
        } catch let e as UnreadableInput {
            throw CommandFailure(.noInput, e.description)
        } catch let e as LineReader.ReadError {
            throw CommandFailure(.ioError, "\(file): read failed: \(e.reason)")
        }
        return intake.counts
    }
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
    static func configuration(catalog catalogPath: String, roster rosterPath: String) throws -> (catalog: Catalog, roster: Roster, zones: ZoneDirectory) {
        // Both files must be readable before either is judged: a missing file is 66 even when the other is invalid.
        for path in [catalogPath, rosterPath] where path != "-" && !FileManager.default.isReadableFile(atPath: path) {
            throw CommandFailure(.noInput, "\(path): \(FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")")
        }
        let zones = ZoneDirectory()
        let catalog = try catalog(catalogPath)
        let roster = try roster(rosterPath, catalog: catalog, zones: zones)
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
