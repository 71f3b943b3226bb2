import IncentivesCore
import IncentivesInput
import IncentivesStore
import IncentivesStream
#if canImport(Glibc)
import Glibc
import IncentivesStores
#endif

/// `incentives ingest`: streams events into the database, durably, idempotently and resumably.
enum IngestCommand: Command {
    static let name = "ingest"
    static let summary = "add events to the database (streaming, idempotent, resumable)"
    /// Every core but one: the SQLite writer thread is an ingest's busiest and keeps a core to itself, so more
    /// parsers and engines than the other cores only take turns with it (on 2 cores, 2 threads ingested slower than
    /// 1 and held 10–15 MB more: README, Benchmarks).
    static var defaultThreads: Int { max(1, ReplayCommand.cores - 1) }

    static let valuedOptions: Set<String> = ["events", "db", "batch", "progress-every", "workers", "work-batch", "subject", "idle-exit", "ca", "threads"]
    static let booleanOptions: Set<String> = ["restart", "inbox-only"]
    static let help = """
    Usage: incentives ingest --events FILE|- [--db PATH] [--batch N] [--progress-every N] [--restart] [--threads N]
           incentives ingest --events FILE|- --db postgresql://… [--workers N | --inbox-only] [--work-batch N]
           incentives ingest --events nats://[USER:PASSWORD@]HOST:PORT/STREAM|tls://…|nats:STREAM [--subject S] [--ca FILE]
                             [--idle-exit SECONDS] [--db PATH|URL] [--workers N]

    Reads events as replay does and keeps everything: accepted events, each user's progress, achievements
    with their evidence (and a delivery row per partner), rejected lines with their reason.
    Every N lines are committed as one transaction with the position reached, so an ingest that stops
    (Ctrl-C, kill -9, power cut) continues where it left off when run again with the same file, and
    nothing is counted twice: an event id already stored is a duplicate (or, with other content, a conflict).

      --events FILE    events, one JSON object a line; - reads stdin (resumes by event id only)
    \(StoreAccess.optionHelp)
      --batch N        lines per transaction (default 50000)
      --progress-every N  accepted events between saves of users' progress (default 1000000); events
                       after the last save are replayed through the engine by the next ingest
      --restart        read the file from its first line even if an earlier ingest of it got further
      --threads N      into SQLite: threads that parse, admit and evaluate (admission shared out by event id, users
                       by one hash of their id, as replay does; a reading and a writing thread besides); default:
                       every core but the one SQLite's writer keeps busy (\(defaultThreads) here); 1: one parser and
                       one engine. What is stored is the same, byte for byte, whatever N.

    From a live NATS JetStream stream (--events nats://…; into SQLite, or into PostgreSQL with --workers as for a file): one event JSON object per message,
    in stream order. Each batch (--batch messages, or what arrived within 50 ms) is committed with the stream
    sequence reached, in the same transaction; a rerun resumes after the last committed sequence, whatever the
    server remembers, so a crash at any moment loses and doubles nothing. A rejected message is reported as
    nats://HOST:PORT/STREAM:seq N: REASON. It follows the stream until SIGTERM or Ctrl-C (it stops after the batch
    in hand), or until nothing arrived for --idle-exit seconds. The summary counts all the stream this database
    has read; earlier runs' rejects are not repeated ('incentives rejects --file nats://HOST:PORT/STREAM' lists
    them). --restart reads the stream from its first message. Credentials in the URL are never printed.
      --idle-exit SECONDS  stop once nothing new arrived for that long (0: read what the stream holds, then stop)
    \(StreamAccess.optionHelp)

    On PostgreSQL the ingest admits the lines in file order (unknown users, duplicates, conflicting duplicates)
    and stores the new events, the inbox; workers ('incentives work --help') evaluate them a user partition at
    a time and store the awards. By default the ingest starts the workers itself and ends when all is evaluated:
      --workers N      worker processes to start (default 1; they run while the inbox is written)
      --work-batch N   events of one partition per worker transaction (default 50000)
      --inbox-only     start no worker: only fill the inbox, for workers run elsewhere ('incentives work');
                       the summary's achievements are then those evaluated so far

    stderr: each rejected line as FILE:LINE: REASON, then the summary line, as replay prints them
            (a resumed ingest repeats the earlier runs' rejects, so the output is that of one whole run);
            a progress bar with rate and ETA while stderr is a terminal.

    Exit status: 0 every line accepted or a duplicate; 65 some lines rejected; 64 bad usage;
                 66 events file missing (or no such stream, or no --ca file); 69 NATS server unreachable or lost
                 (or its TLS certificate not signed by the CA given); 77 NATS login refused;
                 73 database not writable; 74 disk full; 75 database locked;
                 77 the PostgreSQL login lacks the writer role; 78 no catalog yet (run init) or a database from a newer version,
                 or a stream deleted and made again since this database read it (--restart reads it from its start),
                 or a --subject the stream does not take.

    Example:
      incentives ingest --db demo.sqlite --events Assets/demo/events.jsonl

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let events = try args.required("events")
        if NATSStreamURL.isStream(events) { return try stream(args, events: events) }
        if args.value("subject") != nil || args.value("idle-exit") != nil || args.value("ca") != nil {
            throw Arguments.UsageError(message: "--subject, --ca and --idle-exit are for a stream (--events nats://HOST:PORT/STREAM)")
        }
        let options = try ingestOptions(args)
        // Checked before the store is chosen: on SQLite these options were silently ignored (issue 26) — an
        // `--inbox-only` ingest into SQLite evaluated everything, which is what the option says it will not do.
        if args.flag("inbox-only"), args.value("workers") != nil {
            throw Arguments.UsageError(message: "--inbox-only starts no workers: give one of --workers and --inbox-only")
        }
        if StoreAccess.traits(args).evaluatesOnIngest,
           let option = ["workers", "work-batch"].first(where: { args.value($0) != nil }) ?? (args.flag("inbox-only") ? "inbox-only" : nil) {
            throw Arguments.UsageError(message: "--\(option) is for a PostgreSQL database (--db postgresql://...): a SQLite ingest evaluates as it reads")
        }
        let bar = ProgressBar()
        let outcome: IngestOutcome
        let onReject: (RejectedLine) -> Void = { r in
            bar.finish()
            printError(r.message)
        }
        let onProgress: (IngestProgress) -> Void = { p in bar.update(done: p.bytes, total: p.totalBytes, lines: p.counts.read) }
        do {
            let store = try StoreAccess.writer(args, create: false)
            outcome = try withEvaluation(args, store: store, bar: bar) { onLocked in
                try store.ingest(path: events, options: options, onLocked: onLocked, onReject: onReject, onProgress: onProgress)
            }
        } catch let e as UnreadableInputError {
            bar.finish()
            throw CommandFailure(.noInput, e.description)
        } catch let e as UnreadableInput {
            bar.finish()
            throw CommandFailure(.noInput, e.description)
        } catch let e as LineReader.RunawayLine {
            bar.finish()
            throw CommandFailure(.dataError, "\(InputFile.displayName(events)): \(e)")
        } catch let e as LineReader.ReadError {
            bar.finish()
            throw CommandFailure(.ioError, "\(InputFile.displayName(events)): read failed: \(e.reason)")
        } catch {
            bar.finish()
            throw error
        }
        bar.finish()
        printError(outcome.counts.summary)
        return outcome.counts.rejected > 0 ? .dataError : .ok
    }

    /// The ingest of a live JetStream stream (`NATSEventSource`) through the same ingest core: into a store that
    /// evaluates as it reads, or into one that only admits while `--workers` children evaluate it (`withEvaluation`).
    static func stream(_ args: Arguments, events: String) throws -> ExitCode {
        if StoreAccess.traits(args).evaluatesOnIngest {
            for flag in ["workers", "work-batch"] where args.value(flag) != nil {
                throw Arguments.UsageError(message: "--\(flag) is for a PostgreSQL database (--db postgresql://...): a SQLite ingest evaluates as it reads")
            }
            if args.flag("inbox-only") { throw Arguments.UsageError(message: "--inbox-only is for a PostgreSQL database (--db postgresql://...)") }
        } else if args.flag("inbox-only"), args.value("workers") != nil {
            throw Arguments.UsageError(message: "--inbox-only starts no workers: give one of --workers and --inbox-only")
        }
        let url = try StreamAccess.url(events, option: "events", args)
        let options = try ingestOptions(args)
        var idleExit: Double?
        if let text = args.value("idle-exit") {
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds <= 86_400 * 365 else {
                throw Arguments.UsageError(message: "--idle-exit must be a number of seconds from 0, got \(JSONText.quote(text))")
            }
            idleExit = seconds
        }
        let subject = try StreamAccess.subject(args)
        // The database first: a wrong --db is said before the server is asked anything.
        let store = try StoreAccess.writer(args, create: false)
        let source: NATSEventSource
        do {
            source = try NATSEventSource(url: url, subject: subject)
        } catch let e as StreamError {
            throw CommandFailure(StreamAccess.exitCode(e), e.description)
        }
        source.batchSize = options.batchLines
        source.idleExit = idleExit
        source.shouldStop = { StopSignals.requested != 0 }
        let stop = StopSignals.install()
        defer { stop.restore() }
        let bar = ProgressBar()
        let outcome: IngestOutcome
        let onReject: (RejectedLine) -> Void = { r in
            bar.finish()
            printError(r.message)
        }
        let onProgress: (IngestProgress) -> Void = { p in bar.update(done: p.bytes, total: nil, lines: p.counts.read) }
        do {
            outcome = try withEvaluation(args, store: store, bar: bar) { onLocked in
                try store.ingest(source: source, key: url.display, options: options, onLocked: onLocked, onReject: onReject, onProgress: onProgress)
            }
        } catch let e as StreamError {
            bar.finish()
            throw CommandFailure(StreamAccess.exitCode(e), e.description + (e.kind == .mismatch ? "" : " (what was committed before stays; run the ingest again to resume)"))
        } catch let e as SourceReplacedError {
            bar.finish()
            throw CommandFailure(.config, e.description)
        }
        bar.finish()
        printError(outcome.counts.summary)
        return outcome.counts.rejected > 0 ? .dataError : .ok
    }

    /// `--batch`, `--progress-every` and `--restart`, for a file and a stream alike.
    static func ingestOptions(_ args: Arguments) throws -> IngestOptions {
        var options = IngestOptions()
        options.batchLines = try args.int("batch", default: options.batchLines, range: 1...10_000_000)
        options.progressEvery = try args.int("progress-every", default: options.progressEvery)
        options.restart = args.flag("restart")
        if StoreAccess.traits(args).evaluatesOnIngest {
            options.threads = try args.int("threads", default: defaultThreads, range: 1...ReplayCommand.maxThreads)
        } else if args.value("threads") != nil {
            // PostgreSQL's ingest only admits, in file order; its workers (--workers) are its parallel evaluation.
            throw Arguments.UsageError(message: "--threads is for a SQLite database: on PostgreSQL, --workers evaluate in parallel")
        }
        return options
    }

    /// Runs `ingest` (which calls `onLocked` once it holds the ingest lock). On a store that evaluates as it ingests,
    /// that is all; on one that only admits, `--workers` children (the evaluation stage) are started at that moment,
    /// waited for, and the summary's achievements are those stored for this ingest's events.
    static func withEvaluation(_ args: Arguments, store: any StoreWriter, bar: ProgressBar,
                               _ ingest: (_ onLocked: () throws -> Void) throws -> IngestOutcome) throws -> IngestOutcome {
        guard !store.traits.evaluatesOnIngest else { return try StoreAccess.mapping { try ingest({}) } }
        let workers = args.flag("inbox-only") ? 0 : try args.int("workers", default: 1, range: 1...64)
        let workBatch = args.value("work-batch") == nil ? nil : try args.int("work-batch", default: 50_000, range: 1...1_000_000)
        var children: WorkerChildren?
        var outcome: IngestOutcome
        do {
            outcome = try StoreAccess.mapping {
                try ingest {
                    if workers > 0 { children = try WorkerChildren.start(workers, url: StoreAccess.path(args), batch: workBatch) }
                }
            }
        } catch {
            // The workers evaluate what was committed, then stop; this ingest's failure is the one reported.
            _ = children?.wait()
            throw error
        }
        if let children {
            let failures = children.wait()
            if !failures.isEmpty, try !StoreAccess.mapping({ try store.isEvaluated() }) {
                bar.finish()
                throw CommandFailure(.tempFail, "the inbox is written but not all evaluated (\(failures.joined(separator: "; "))); "
                                     + "run 'incentives work --until-drained' to finish")
            }
        }
        outcome.counts.achievements = try StoreAccess.mapping { try store.achievements(ofIngest: outcome.ingestID) }
        if children != nil { store.refreshStatistics() }
        return outcome
    }
}
