import IncentivesCore
import IncentivesInput
import IncentivesStore

/// `incentives ingest`: streams events into the database, durably, idempotently and resumably.
enum IngestCommand: Command {
    static let name = "ingest"
    static let summary = "add events to the database (streaming, idempotent, resumable)"
    static let valuedOptions: Set<String> = ["events", "db", "batch", "progress-every"]
    static let booleanOptions: Set<String> = ["restart"]
    static let help = """
    Usage: incentives ingest --events FILE|- [--db PATH] [--batch N] [--progress-every N] [--restart]

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

    stderr: each rejected line as FILE:LINE: REASON, then the summary line, as replay prints them
            (a resumed ingest repeats the earlier runs' rejects, so the output is that of one whole run);
            a progress bar with rate and ETA while stderr is a terminal.

    Exit status: 0 every line accepted or a duplicate; 65 some lines rejected; 64 bad usage;
                 66 events file missing; 73 database not writable; 74 disk full; 75 database locked;
                 77 the PostgreSQL login lacks the writer role; 78 no catalog yet (run init) or a database from a newer version.

    Example:
      incentives ingest --db demo.sqlite --events Assets/demo/events.jsonl

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let events = try args.required("events")
        var options = Ingestor.Options()
        options.batchLines = try args.int("batch", default: options.batchLines, range: 1...10_000_000)
        options.progressEvery = try args.int("progress-every", default: options.progressEvery)
        options.restart = args.flag("restart")
        let bar = ProgressBar()
        let outcome: Ingestor.Outcome
        let onReject: (Ingestor.RejectedLine) -> Void = { r in
            bar.finish()
            printError(r.message)
        }
        let onProgress: (Ingestor.Progress) -> Void = { p in bar.update(done: p.bytes, total: p.totalBytes, lines: p.counts.read) }
        do {
            if StoreAccess.isPostgres(args) {
                let store = try StoreAccess.postgresWriter(args, create: false)
                outcome = try StoreAccess.mapping {
                    try PGIngestor(store: store).ingest(path: events, options: options, onReject: onReject, onProgress: onProgress)
                }
            } else {
                let store = try StoreAccess.writer(args, create: false)
                outcome = try StoreAccess.mapping {
                    try Ingestor(store: store).ingest(path: events, options: options, onReject: onReject, onProgress: onProgress)
                }
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
}
