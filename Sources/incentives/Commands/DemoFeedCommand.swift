import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore
import IncentivesStream
#if canImport(Glibc)
import Glibc
import IncentivesStores
#endif

/// `incentives demo-feed`: replays the demo's events into a database slowly, through the normal ingest, so that
/// the console's Live screen moves during a demo.
enum DemoFeedCommand: Command {
    static let name = "demo-feed"
    static let summary = "replay the demo's events slowly into a database (the console's Live screen moves)"
    static let valuedOptions: Set<String> = ["db", "events", "rate", "to", "subject", "ca"]
    static let booleanOptions: Set<String> = ["reset"]
    static let help = """
    Usage: incentives demo-feed [--db PATH|URL] [--events FILE] [--rate N]
           incentives demo-feed --to nats://HOST:PORT/STREAM|tls://…|nats:STREAM [--subject S] [--ca FILE]
                                [--db PATH|URL] [--events FILE] [--rate N]
           incentives demo-feed --reset [--db PATH]

    Feeds events into the database a few at a time, N a second, through the same ingest as `incentives
    ingest` (each small chunk is one ingest, committed before the next), so that a console open on the
    database shows them arrive on its Live screen. The events are the demo's, made new for this run: each id
    gets a suffix (`e-17~feed-m3k2q1`, so a second run is not a run of duplicates) and each time moves by whole
    days so that the last event falls on yesterday (the same local times, the same days of the week apart).
    Ctrl-C (or SIGTERM) stops it after the chunk being written; what was fed stays.
    On PostgreSQL each chunk goes to the inbox and is evaluated at once by a worker in this process (as
    'incentives ingest' with one worker); the database must have been made by 'incentives init'.

    --to URL publishes the events to a NATS JetStream stream instead, at the same rate, as the app's API would
    (as 'incentives publish' does: the stream is made when missing, each message with a Nats-Msg-Id header),
    and writes no database: an 'incentives ingest --events URL' following the stream stores them, and a console
    on that ingest's database moves. --db is then only read, for the users' time zones (default: the demo
    database when it exists; without one, each time keeps the offset written).
    \(StreamAccess.optionHelp)

    --reset puts the demo database back as it was first created: it removes the database (only one created
    from the demo: its first catalog is Assets/demo/catalog.json) and creates it again from the demo files,
    so what feeds left behind (their events, achievements, deliveries and one ingests row per chunk) is gone.
    Not on PostgreSQL: there, drop and create the database, then init and ingest Assets/demo (README).

    \(StoreAccess.optionHelp)
                       (with no --db and no database there yet, it is created from the demo files, as
                       the console does on first run)
      --events FILE    the events to feed (default: Assets/demo/events.jsonl, found as the console finds
                       the demo; $INCENTIVES_ASSETS points elsewhere)
      --rate N         events a second (default 20, at most 10000)
      --reset          recreate the demo database instead of feeding (see above)

    stdout: a line a second with the events fed, accepted, duplicates and rejected (with --to: published, and
            the stream sequences), and a summary at the end.
    Exit status: 0 all fed, stopped by Ctrl-C, or reset; 64 bad usage (also: --reset on PostgreSQL or on a
                 database not made from the demo); 66 the database, the events file or the demo files are
                 missing; 69 the PostgreSQL or NATS server cannot be reached; 73 the database cannot be written;
                 75 another ingest (or a sender, for --reset) holds the database; 77 PostgreSQL refused the
                 login or it lacks the writer role (or the NATS server refused the login); 78 no catalog yet
                 (or no stream takes the --subject).

    Example (two terminals):
      incentives console --screen 5
      incentives demo-feed --rate 50
      incentives demo-feed --reset          # afterwards: the demo database as first created
      incentives demo-feed --to nats://127.0.0.1:4222/EVENTS --rate 50    # through a stream (README)

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        if args.flag("reset") {
            for option in ["events", "rate", "to", "subject", "ca"] where args.value(option) != nil {
                throw Arguments.UsageError(message: "--reset feeds nothing: --\(option) does not go with it")
            }
            return try reset(args)
        }
        let rate = try args.int("rate", default: 20, range: 1...10_000)
        let eventsPath: String
        if let given = args.value("events") {
            eventsPath = given
        } else {
            guard let dir = Demo.assetsDirectory() else {
                throw CommandFailure(.noInput, "Assets/demo not found (run from the project folder, set INCENTIVES_ASSETS, or give --events FILE)")
            }
            eventsPath = dir + "/events.jsonl"
        }
        guard FileManager.default.fileExists(atPath: eventsPath) else {
            throw CommandFailure(.noInput, "\(eventsPath): no such file")
        }
        guard let raw = FileManager.default.contents(atPath: eventsPath) else {
            throw CommandFailure(.noInput, "\(eventsPath): cannot be read")
        }
        let dbPath = StoreAccess.path(args)
        let sink: Sink
        /// Whether the database is read for the users' zones (with --to, only when there is one).
        var zonesFromDatabase = true
        if args.value("to") != nil || args.value("subject") != nil || args.value("ca") != nil {
            let url = try StreamAccess.url(try args.required("to"), option: "to", args)
            let subject = try StreamAccess.subject(args)
            let isFile = StoreAccess.traits(args).isFile
            if args.value("db") != nil, isFile, !FileManager.default.fileExists(atPath: dbPath) {
                throw CommandFailure(.noInput, "\(dbPath): no such database (with --to, --db is read for the users' time zones only)")
            }
            zonesFromDatabase = args.value("db") != nil || !isFile || FileManager.default.fileExists(atPath: dbPath)
            do {
                sink = .stream(try NATSPublisher(url: url, subject: subject))
            } catch let e as StreamError {
                throw CommandFailure(StreamAccess.exitCode(e), e.description)
            }
        } else {
            if StoreAccess.traits(args).isFile {
                if args.value("db") == nil {
                    if let created = try Demo.ensureDatabase(path: dbPath) { printError(created) }
                } else if !FileManager.default.fileExists(atPath: dbPath) {
                    throw CommandFailure(.noInput, "\(dbPath): no such database (create one with incentives init, or run incentives demo-feed without --db for the demo database)")
                }
            }
            let store = try StoreAccess.writer(Arguments.none(db: dbPath), create: false)
            guard store.isInitialized else {
                throw CommandFailure(.config, "\(StoreAccess.displayName(args)): no catalog yet; run incentives init first")
            }
            // Where an ingest only admits, the evaluation stage runs after each chunk on a connection of its own, as
            // `ingest --workers 1` has it in a child.
            sink = .store(store, evaluation: store.traits.evaluatesOnIngest ? nil : try StoreAccess.writer(args, create: false))
        }

        let lines = String(decoding: raw, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let today = LocalDate(dayNumber: Int32(Int(floor(Date().timeIntervalSince1970 / 86_400))))
        // Each user's zone, so that a time moved by whole days keeps its wall-clock time across a DST change.
        let zones = ZoneDirectory()
        var userZones: [String: ZoneRules] = [:]
        if zonesFromDatabase {
            let reader = try StoreAccess.reader(args.value("db") == nil ? Arguments.none(db: dbPath) : args)
            for m in try StoreAccess.mapping({ try reader.members() }) { userZones[m.id] = zones.rules(for: m.timezone) }
        }
        let feed = Feed(lines: lines, yesterday: today.adding(days: -1), tag: "feed-" + String(Int(Date().timeIntervalSince1970), radix: 36),
                        zones: userZones)

        let stop = StopSignals.install()
        defer { stop.restore() }

        // A chunk every tick: at most 4 ticks a second (the console polls every 250 ms), at least one event a chunk.
        let tick = max(1.0 / Double(rate), 0.25)
        let perChunk = max(Int((Double(rate) * tick).rounded()), 1)
        // Each chunk is a file named after the lines it holds, so a rejected line reads as
        // `…/events.jsonl-from-line-1201:3` in `incentives rejects`.
        let chunkDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("incentives-demo-feed-\(getpid())").path
        do {
            // A stream takes the lines themselves: no chunk files.
            if case .stream = sink {} else { try FileManager.default.createDirectory(atPath: chunkDirectory, withIntermediateDirectories: true) }
        } catch {
            throw CommandFailure(.cantCreate, "\(chunkDirectory): cannot create the folder for the chunks to ingest: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(atPath: chunkDirectory) }
        let base = URL(fileURLWithPath: eventsPath).lastPathComponent
        var options = IngestOptions()
        options.restart = true

        let out = Output.stdout
        out.line("feeding \(feed.lines.count) events from \(eventsPath) into \(sink.displayName(args)), \(rate) a second"
                 + (feed.shiftDays != 0 ? ", moved \(feed.shiftDays) days later" : "") + " (Ctrl-C stops)")
        out.flush()
        var totals = (fed: 0, accepted: 0, duplicates: 0, rejected: 0)
        var lastReport = Date()
        let start = Date()
        var next = 0
        var published: UInt64 = 0
        while next < feed.lines.count, StopSignals.requested == 0 {
            let end = min(next + perChunk, feed.lines.count)
            let rewritten = feed.lines[next..<end].map { feed.rewrite($0) }
            if case .stream(let publisher) = sink {
                do {
                    for line in rewritten { published = try Self.publish(line, to: publisher) }
                } catch let e as StreamError {
                    throw CommandFailure(StreamAccess.exitCode(e), e.description + " after \(totals.fed + rewritten.count) events")
                }
                totals.fed += end - next
                next = end
                if Date().timeIntervalSince(lastReport) >= 1 || next == feed.lines.count {
                    out.line("\(totals.fed) published (last seq \(published))")
                    out.flush()
                    lastReport = Date()
                }
                try Self.keepTo(rate: rate, fed: totals.fed, start: start, done: next == feed.lines.count)
                continue
            }
            let chunk = rewritten.joined(separator: "\n") + "\n"
            let chunkFile = chunkDirectory + "/\(base)-from-line-\(next + 1)"
            defer { try? FileManager.default.removeItem(atPath: chunkFile) }
            do {
                try chunk.write(toFile: chunkFile, atomically: false, encoding: .utf8)
            } catch {
                throw CommandFailure(.cantCreate, "\(chunkFile): cannot write the chunk to ingest: \(error.localizedDescription)")
            }
            let outcome = try StoreAccess.mapping { try sink.ingest(chunkFile, options: options) }
            totals.fed += end - next
            totals.accepted += outcome.counts.accepted
            totals.duplicates += outcome.counts.duplicates
            totals.rejected += outcome.counts.rejected
            next = end
            if Date().timeIntervalSince(lastReport) >= 1 || next == feed.lines.count {
                out.line("\(totals.fed) fed: \(totals.accepted) accepted, \(totals.duplicates) duplicates, \(totals.rejected) rejected")
                out.flush()
                lastReport = Date()
            }
            try Self.keepTo(rate: rate, fed: totals.fed, start: start, done: next == feed.lines.count)
        }
        let stopped = StopSignals.requested != 0 && next < feed.lines.count
        let what = stopped ? "stopped after \(totals.fed) of \(feed.lines.count) events" : "fed all \(totals.fed) events"
        if case .stream(let publisher) = sink {
            // A line sent again as it was (the demo has some) carries the same Nats-Msg-Id: the server drops it.
            let dropped = publisher.duplicatesDropped
            out.line(what + " to \(publisher.url.display) (subject \(publisher.subject)), up to seq \(published)"
                     + (dropped > 0 ? "; \(dropped) dropped by the server as repeats of a message sent within its duplicate window" : "")
                     + "; an ingest following the stream stores them")
        } else {
            out.line(what + ": \(totals.accepted) accepted, \(totals.duplicates) duplicates, \(totals.rejected) rejected")
        }
        out.flush()
        return .ok
    }

    /// Waits until `fed` events are due at `rate` since `start`: the rate kept over the whole run, not per chunk
    /// (an ingest or a publish takes time too). Returns at once when `done` or stopped.
    static func keepTo(rate: Int, fed: Int, start: Date, done: Bool) throws {
        let due = start.addingTimeInterval(Double(fed) / Double(rate))
        var wait = due.timeIntervalSinceNow
        while wait > 0, StopSignals.requested == 0, !done {
            usleep(UInt32(min(wait, 0.05) * 1_000_000))
            wait = due.timeIntervalSinceNow
        }
    }

    /// One line published, with the header `publish` gives it; its stream sequence.
    static func publish(_ line: String, to publisher: NATSPublisher) throws -> UInt64 {
        var bytes = Array(line.utf8)
        return try bytes.withUnsafeMutableBytes { raw in
            let buffer = UnsafeRawBufferPointer(raw)
            let id = try? EventLineDecoder().decode(buffer).get().id
            return try publisher.publish(buffer, messageID: NATSPublisher.messageID(eventID: id, line: buffer))
        }
    }

    /// Where the chunks go: the store's ingest (and where it only admits, one worker of its evaluation stage), or a
    /// stream (each line published; the ingest that follows the stream stores it).
    enum Sink {
        case store(any StoreWriter, evaluation: (any StoreWriter)?)
        case stream(NATSPublisher)

        func displayName(_ args: Arguments) -> String {
            if case .stream(let publisher) = self { return publisher.url.display }
            return StoreAccess.displayName(args)
        }

        func ingest(_ path: String, options: IngestOptions) throws -> IngestOutcome {
            switch self {
            case .store(let store, let evaluation):
                var outcome = try store.ingest(path: path, options: options)
                guard let evaluation else { return outcome }
                var drain = EvaluationOptions()
                drain.untilDrained = true
                try evaluation.evaluate(drain, onBatch: { _ in })
                outcome.counts.achievements = try store.achievements(ofIngest: outcome.ingestID)
                return outcome
            case .stream:
                preconditionFailure("a stream is fed line by line, not by chunk files")
            }
        }
    }

    /// `--reset`: the demo database removed and made again from the demo files.
    static func reset(_ args: Arguments) throws -> ExitCode {
        guard StoreAccess.traits(args).isFile else {
            throw Arguments.UsageError(message: "--reset recreates a SQLite demo database; on PostgreSQL drop and create the database, then init and ingest Assets/demo (README, On PostgreSQL)")
        }
        guard let dir = Demo.assetsDirectory() else {
            throw CommandFailure(.noInput, "Assets/demo not found (run from the project folder, or set INCENTIVES_ASSETS)")
        }
        let path = StoreAccess.path(args)
        if FileManager.default.fileExists(atPath: path) {
            let demoCatalog = try InputFile.readAll(dir + "/catalog.json")
            let first = try StoreAccess.mapping { () -> String? in
                let store = try Stores.writer(at: path, create: false)
                guard store.isInitialized else { return nil }
                return try Stores.reader(at: path).catalogVersions().first { $0.version == 1 }?.catalogJSON
            }
            guard let first, first == String(decoding: demoCatalog, as: UTF8.self) else {
                throw Arguments.UsageError(message: "\(path) was not created from the demo (its first catalog is not \(dir)/catalog.json): --reset removes only a demo database")
            }
            try StoreAccess.mapping { try Stores.remove(at: path) }
        }
        guard let created = try Demo.ensureDatabase(path: path) else {
            throw CommandFailure(.software, "\(path): the demo database was not created")
        }
        printError(created.replacingOccurrences(of: "created the demo database", with: "reset the demo database"))
        return .ok
    }

    /// The events made new for a run: a suffix on each id, and times moved by whole days.
    struct Feed {
        let lines: [String]
        let shiftDays: Int
        let tag: String
        /// User id → the user's zone rules (a user not there keeps the offset written).
        let zones: [String: ZoneRules]

        init(lines: [String], yesterday: LocalDate, tag: String, zones: [String: ZoneRules] = [:]) {
            self.lines = lines
            self.tag = tag
            self.zones = zones
            let last = lines.compactMap { Feed.object($0).flatMap { $0["at"] as? String }.flatMap(Feed.day) }.max()
            shiftDays = last.map { max(yesterday.days(since: $0), 0) } ?? 0
        }

        static func object(_ line: String) -> [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }

        /// The local day an RFC 3339 time names (its first ten characters).
        static func day(_ at: String) -> LocalDate? {
            at.count >= 10 ? LocalDate(iso: String(at.prefix(10))) : nil
        }

        /// The line with its id suffixed and its time moved; a line that is no JSON object (or whose fields are
        /// not as expected) goes as it is, for the ingest to refuse or take as it would.
        func rewrite(_ line: String) -> String {
            guard var o = Feed.object(line) else { return line }
            if let id = o["id"] as? String { o["id"] = id + "~" + tag }
            if shiftDays != 0, let at = o["at"] as? String, let day = Feed.day(at) {
                if let user = o["user"] as? String, let rules = zones[user], case .success(let instant) = Instant.parseRFC3339(at) {
                    // The same wall-clock time in the user's zone, whole days later, written with the offset the
                    // zone has then: across a DST change the written offset changes (and the instant moves by 23
                    // or 25 hours), so the event still falls on the local day it fell on, moved.
                    let moved = rules.adding(days: shiftDays, to: instant)
                    o["at"] = moved.rfc3339(offsetSeconds: rules.offset(at: moved))
                } else {
                    o["at"] = day.adding(days: shiftDays).iso + String(at.dropFirst(10))
                }
            }
            guard let data = try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes]) else { return line }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
