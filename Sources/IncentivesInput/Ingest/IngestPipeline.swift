import IncentivesCore

/// The one ingest core: the pipeline drives the stores, no store owns a loop. A source (`EventSource`: a file,
/// standard input, a JetStream stream) hands over batches of validated lines with their positions; the one intake
/// (`Intake`: admission, then the engine, or admission only for a store whose workers evaluate) decides each line;
/// its decisions fill `IngestBatch`es (`BatchFiller`) that the store's write port (`IntakeStore`, `IntakeRun`)
/// commits, each in ONE transaction with the source position reached. So a crash, even kill -9, loses at most the
/// batches in flight, which the next run reads again from the stored position; event ids make any overlap harmless.
///
/// Here: the lock, finding or starting the checkpoint, the earlier runs' rejects, the batching, when users'
/// progress is saved and memory given back, the end of the source, and events a store cannot hold (read again
/// without them). Per event there is only the intake and the sink; the store is called once per batch.
public enum IngestPipeline {
    /// Ingests the file at `path` (`-`: standard input) into `store`. `onLocked` runs once the store's ingest lock
    /// is held, before anything is read; `onReject` gets every refused line in file order, including those committed
    /// by an earlier interrupted run of the same ingest; `onProgress` gets called after each batch.
    public static func ingest<Store: IntakeStore>(path: String, into store: Store, options: IngestOptions = IngestOptions(),
                                                  onLocked: () throws -> Void = {},
                                                  onReject: (RejectedLine) -> Void = { _ in },
                                                  onProgress: (IngestProgress) -> Void = { _ in }) throws -> IngestOutcome {
        try ingest(into: store, options: options, onLocked: onLocked, onReject: onReject, onProgress: onProgress) {
            IngestInput(source: EventStream(path: path, parsers: options.threads), display: InputFile.displayName(path), file: try FileIdentity(path: path),
                        key: nil, readsAgain: path != "-")
        }
    }

    /// Ingests a live source (a JetStream stream) named `key` (its address without credentials): from after the
    /// position the last ingest of the same key committed, whatever the source itself remembers, until the source
    /// ends (idle, or asked to stop). `onReject` gets this run's refused messages (earlier runs' are in `rejects`).
    public static func ingest<Store: IntakeStore>(source: any EventSource, key: String, into store: Store,
                                                  options: IngestOptions = IngestOptions(),
                                                  onLocked: () throws -> Void = {},
                                                  onReject: (RejectedLine) -> Void = { _ in },
                                                  onProgress: (IngestProgress) -> Void = { _ in }) throws -> IngestOutcome {
        try ingest(into: store, options: options, onLocked: onLocked, onReject: onReject, onProgress: onProgress) {
            IngestInput(source: source, display: source.displayName, file: nil, key: key, readsAgain: false)
        }
    }

    /// Under the ingest lock, passes over the source from its checkpoint until one ends. An event the store cannot
    /// hold (`StoreRefusedEvent`) is recorded and rejected wherever it comes again, and a file is read again at once
    /// from its checkpoint without it (its rejects said once); standard input and a stream cannot be read again:
    /// the ingest stops, and their next run goes on past it.
    static func ingest<Store: IntakeStore>(into store: Store, options: IngestOptions, onLocked: () throws -> Void,
                                           onReject: (RejectedLine) -> Void, onProgress: (IngestProgress) -> Void,
                                           input: () throws -> IngestInput) throws -> IngestOutcome {
        try store.withIngestLock(onLocked: onLocked) {
            var refused = try store.refusedEvents()
            var said = RejectsSaid()
            var options = options
            while true {
                let source = try input()
                do {
                    return try pass(source, into: store, options: options, refused: refused,
                                    onReject: { r in if said.first(r) { onReject(r) } }, onProgress: onProgress)
                } catch let e as StoreRefusedEvent {
                    guard refused[e.id] == nil else { throw e.storeError }
                    let why = Rejection(.refusedByStore, field: nil, "the database refused to store this event (\(e.message))")
                    try store.recordRefused(e.id, why)
                    refused[e.id] = why
                    said.again(line: e.line)
                    guard source.readsAgain else { throw e.onStandardInput }
                    options.restart = false
                }
            }
        }
    }

    /// One pass over the source from its checkpoint.
    private static func pass<Store: IntakeStore>(_ input: IngestInput, into store: Store, options: IngestOptions, refused: [String: Rejection],
                                                 onReject: (RejectedLine) -> Void, onProgress: (IngestProgress) -> Void) throws -> IngestOutcome {
        var engine = try store.ingestEngine()
        // With threads, engines sharded by user (the same partition function as replay's and PostgreSQL's).
        var shards: EngineShards?
        if options.threads > 1 && store.evaluatesInShards {
            let sharded = try EngineShards(catalog: engine.catalog, roster: engine.roster, count: options.threads)
            shards = sharded
            engine = sharded.engines[0]
        }
        let checkpoint = try IngestCheckpoints.findOrStart(input, in: store, restart: options.restart)
        if input.key == nil && (checkpoint.line > 0 || checkpoint.counts.rejected > 0) {
            // Report what the earlier runs refused, so the output matches an uninterrupted run.
            for r in try store.rejects(ofIngest: checkpoint.id) { onReject(RejectedLine(file: input.display, line: r.line, reason: r.reason)) }
        }
        if let file = input.file, checkpoint.finished, checkpoint.size == file.size {
            return IngestOutcome(counts: checkpoint.counts, resumedAfterLine: checkpoint.line, alreadyComplete: true, ingestID: checkpoint.id)
        }
        let expected = max(0, (input.file?.size ?? 0) - checkpoint.offset) / IngestInput.bytesPerLine
        let run = try store.beginRun(IntakeRunStart(engine: engine, shards: shards, checkpoint: checkpoint, display: input.display, expectedEvents: expected,
                                                    isFile: input.file != nil, options: options))
        let loop = IngestLoop(run: run, engine: engine, shards: shards, input: input, checkpoint: checkpoint, options: options, refused: refused,
                              expectedEvents: Int(min(expected, Int64(options.maxIDsInMemory))))
        let counts = try loop.read(onReject: onReject, onProgress: onProgress)
        return IngestOutcome(counts: counts, resumedAfterLine: checkpoint.line, alreadyComplete: false, ingestID: checkpoint.id)
    }
}

/// What one pass reads: the source and how the store finds its checkpoint.
struct IngestInput {
    let source: any EventSource
    /// As rejects and messages name it.
    let display: String
    /// A regular file's identity (nil: standard input, a stream).
    let file: FileIdentity?
    /// A live source's name in the store (nil: a file or standard input).
    let key: String?
    /// Whether a second pass can read the same lines again (a file, not standard input or a stream).
    let readsAgain: Bool

    /// A rough size of an event line, to guess a file's events from its size.
    static let bytesPerLine: Int64 = 120
}

/// Finding the checkpoint a pass resumes from, or starting one, in one transaction of the store.
enum IngestCheckpoints {
    static func findOrStart<Store: IntakeStore>(_ input: IngestInput, in store: Store, restart: Bool) throws -> IngestCheckpoint {
        try store.checkpointTransaction {
            if let key = input.key {
                let identity = input.source.identity
                if !restart, let (found, recorded) = try store.latestCheckpoint(key: key) {
                    if let identity, recorded != identity {
                        // A stream made again restarts its sequences: resuming at the old position would skip its first
                        // messages. Nothing read yet: nothing to skip, and the position is this source's from now on.
                        guard found.offset == 0 else { throw SourceReplacedError(source: input.display, position: found.offset) }
                        try store.setSourceIdentity(identity, ofIngest: found.id)
                    }
                    return found
                }
                return try store.startCheckpoint(source: input.display, file: nil, key: key, identity: identity)
            }
            if !restart, let file = input.file {
                for (found, head) in try store.checkpoints(of: file) where try file.startsLike(head) { return found }
            }
            return try store.startCheckpoint(source: input.display, file: input.file, key: nil, identity: nil)
        }
    }
}

/// Which rejects were said, so that a file read again after a refused event says each once (and the refused
/// event's own, the first time it is a reject).
struct RejectsSaid {
    private var through = 0
    private var refusedLines: Set<Int> = []
    private var passes = 0

    /// Whether `r` is said now.
    mutating func first(_ r: RejectedLine) -> Bool {
        defer { through = max(through, r.line) }
        return passes == 0 || refusedLines.remove(r.line) != nil || r.line > through
    }

    /// A new pass is coming; `line` is refused in it for the first time.
    mutating func again(line: Int) {
        passes += 1
        refusedLines.insert(line)
    }
}
