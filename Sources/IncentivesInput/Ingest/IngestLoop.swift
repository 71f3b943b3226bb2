import IncentivesCore

/// One pass of the ingest core over a source, after its checkpoint is found and the store's run has begun. Three
/// stages on their own threads, in source order: the source's reader parses and validates lines; this thread takes
/// them through the intake, whose decisions become the rows of the batch being filled (`BatchFiller`); the store's
/// run commits each batch in one transaction. Generic over the run, so that the intake is handed the store's
/// concrete `PriorIDs`; the run itself is called once per batch, never per event.
final class IngestLoop<Run: IntakeRun> {
    private let run: Run
    /// The intake's engines: one, or one per user shard, each holding its own users' progress.
    private let engines: [Engine]
    private let intake: Intake
    private let input: IngestInput
    private let options: IngestOptions
    /// Events the store cannot hold, rejected wherever they come (`StoreRefusedEvent`).
    private let refused: [String: Rejection]
    /// Where this pass starts, and the counts of the earlier runs of the same ingest.
    private let checkpoint: IngestCheckpoint
    /// Before a reject's line number (`EventSource.lineLabel`).
    private let lineLabel: String

    /// The batch being filled.
    private var rows: BatchFiller
    private var linesInBatch = 0
    /// Lines per batch: small at first, so that the store's writer starts early, then `options.batchLines`.
    private var batchLines: BatchRamp
    /// The last line taken and the offset after it: the checkpoint the next batch reaches.
    private var lastLine: Int
    private var lastOffset: Int64
    /// What answered for the last reader batch's prior ids (one per id partition): they answer for the ids the
    /// intake forgets.
    private var priors: [Run.Prior] = []
    /// `intake.counts.accepted` when users' progress was last saved.
    private var acceptedAtSave = 0
    /// Users whose saved progress the engine still holds.
    private var usersHeld = 0

    init(run: Run, engine: Engine, shards: EngineShards?, input: IngestInput, checkpoint: IngestCheckpoint, options: IngestOptions,
         refused: [String: Rejection], expectedEvents: Int) {
        self.run = run
        self.input = input
        self.checkpoint = checkpoint
        self.options = options
        self.refused = refused
        lineLabel = input.source.lineLabel
        // The one intake; a store that only admits gets the admitting form (its workers evaluate); with shards,
        // admission by event id and the engines by user run a batch in parallel, giving the same verdicts and
        // awards in the same order.
        if !run.evaluates {
            intake = Intake(admittingFor: engine, expectedEvents: expectedEvents)
        } else if let shards {
            intake = Intake(shards: shards, expectedEvents: expectedEvents)
        } else {
            intake = Intake(engine: engine, expectedEvents: expectedEvents)
        }
        engines = run.evaluates ? intake.engines : [engine]
        rows = BatchFiller(batch: IngestBatch(reserving: Self.reserved(options)), nextSeq: run.firstSeq)
        lastLine = checkpoint.line
        lastOffset = checkpoint.offset
        batchLines = BatchRamp(full: options.batchLines)
    }

    /// Event rows reserved for a batch.
    private static func reserved(_ options: IngestOptions) -> Int { min(options.batchLines, 65_536) }

    /// The source's counts so far, earlier runs included; achievements as the intake counted them (the run
    /// knows which are new to the database).
    private var counts: IntakeCounts { checkpoint.counts + intake.counts }

    /// Counts for the progress bar: achievements committed so far.
    private func progress(bytes: Int64) -> IngestProgress {
        var c = counts
        if let committed = run.achievementsSoFar { c.achievements = committed }
        return IngestProgress(bytes: bytes, totalBytes: input.file?.size, counts: c)
    }

    /// Reads the source from the checkpoint to its end, batch by batch; returns the source's counts. On a failure
    /// the run is abandoned (what it must keep is kept) before the error goes on.
    func read(onReject: (RejectedLine) -> Void, onProgress: (IngestProgress) -> Void) throws -> IntakeCounts {
        do {
            try readBatches(onReject: onReject, onProgress: onProgress)
            // The end of the source. The checkpoint stays after the last event line, not after trailing blank
            // lines, so that line numbers stay exact when the file grows; `size` tells a finished file.
            if run.buildsIndexAtEnd {
                // The store builds its index while this thread encodes every user's progress for the end.
                try submit(buildUserIndex: true)
            }
            try submit(last: true)
            var total = counts
            if let committed = try run.finish() { total.achievements = committed }
            onProgress(IngestProgress(bytes: lastOffset, totalBytes: input.file?.size, counts: total))
            return total
        } catch {
            run.abandon()
            throw error
        }
    }

    private func readBatches(onReject: (RejectedLine) -> Void, onProgress: (IngestProgress) -> Void) throws {
        let source = input.source
        do {
            try withoutActuallyEscaping(onProgress) { report in
                try source.forEachBatch(after: SourcePosition(line: checkpoint.line, offset: checkpoint.offset),
                                        progress: { bytes in report(self.progress(bytes: bytes)) }) { items in
                    try take(items, onReject: onReject, onProgress: report)
                    // A live source's batch is what arrived within its flush interval: committed now, so that a
                    // trickle of events is stored (and reaches PostgreSQL's workers) promptly.
                    if source.commitsEachBatch && linesInBatch > 0 {
                        try submit()
                        report(progress(bytes: lastOffset))
                    }
                    return true
                }
            }
        } catch let runaway as LineReader.RunawayLine {
            // Input that never ends a line (`/dev/zero`, a binary file): what was read before it is kept,
            // committed with the checkpoint of its last line, and the reading stops with the reason.
            try submit()
            _ = try run.finish()
            throw runaway
        }
    }

    /// One batch of the reader's lines through the intake, in parts that end where an ingest batch does.
    private func take(_ items: [EventStream.Item], onReject: (RejectedLine) -> Void, onProgress: (IngestProgress) -> Void) throws {
        let lines = refused.isEmpty ? items.map(\.event) : items.map { item in
            if case .success(let e) = item.event, let why = refused[e.id] { return .failure(why) }
            return item.event
        }
        let priors = try run.priorIDs(for: items, partitions: intake.idPartitions)
        self.priors = priors
        rows.items = items
        var start = 0
        while start < items.count {
            let end = min(items.count, start + max(1, batchLines.current - linesInBatch))
            let rejectsBefore = rows.batch.rejects.count
            try intake.take(lines[start..<end], priors: priors, into: &rows)
            for r in rows.batch.rejects[rejectsBefore...] {
                onReject(RejectedLine(file: input.display, line: r.line, reason: r.why.description, lineLabel: lineLabel))
            }
            linesInBatch += end - start
            lastLine = items[end - 1].line
            lastOffset = items[end - 1].nextOffset
            if linesInBatch >= batchLines.current {
                batchLines.grow()
                try submit()
                onProgress(progress(bytes: lastOffset))
            }
            start = end
        }
        rows.items = [] // not kept alive while the reader fills the next batch
    }

    /// Hands the batch to the run with the checkpoint it reaches; saves progress when due (always with the last
    /// batch, never in the batch that builds the per-user index: the last follows it at once). Then bounds memory.
    private func submit(last: Bool = false, buildUserIndex: Bool = false) throws {
        var batch = rows.batch
        rows.batch = IngestBatch() // the next one reserves its rows once this one is handed over
        linesInBatch = 0
        batch.line = lastLine
        batch.offset = lastOffset
        batch.counts = counts
        // A live source never finishes: its position stays open for the next run.
        batch.finished = last && !input.source.commitsEachBatch
        batch.size = batch.finished ? input.file?.size : nil
        batch.buildUserIndex = buildUserIndex
        let saveProgress = run.evaluates && (last || (!buildUserIndex && intake.counts.accepted - acceptedAtSave >= options.progressEvery))
        if saveProgress {
            try submitWithProgress(batch)
        } else {
            try run.submit(batch)
        }
        rows.batch = IngestBatch(reserving: Self.reserved(options))
        if !last && run.answersForgottenIDs && intake.rememberedIDs > options.maxIDsInMemory, !priors.isEmpty {
            // Bounded memory for any source's size: the intake's id tables start again empty, and the store
            // answers for the ids they held, every one of them submitted by now.
            intake.forgetIDs(answeredBy: priors)
        }
        if saveProgress && !last && usersHeld > options.maxUsersInMemory {
            // Their progress is committed once the run is drained: the engine then reloads it on demand.
            try run.drain()
            for engine in engines { engine.forgetProgress() }
            usersHeld = 0
        }
    }

    /// The batch with every changed user's progress, in parts, each encoded while the store writes the one
    /// before (memory: a few parts, not every user's state at once), all in this batch's transaction.
    private func submitWithProgress(_ batch: IngestBatch) throws {
        let members = changedMembers()
        usersHeld += members.count
        acceptedAtSave = intake.counts.accepted
        var start = 0
        repeat {
            let end = min(start + max(1, options.progressPartUsers), members.count)
            var part = start == 0 ? batch : batch.sameCheckpoint
            part.progress = (members[start..<end].compactMap { m in m.engine.encodedProgress(of: m.member.id).map { (m.member.id, $0) } },
                             rows.nextSeq - 1)
            part.continues = end < members.count
            try run.submit(part)
            start = end
        } while start < members.count
    }

    /// Every engine's users whose progress changed since the last save, each with the engine that holds it, in
    /// roster order (one engine's order, whatever the shards).
    private func changedMembers() -> [(member: Member, engine: Engine)] {
        guard engines.count > 1 else { return engines[0].takeChangedMembers().map { ($0, engines[0]) } }
        let roster = engines[0].roster
        return engines.flatMap { e in e.takeChangedMembers().map { (member: $0, engine: e) } }
            .map { (position: roster.position(of: $0.member.id) ?? -1, changed: $0) }
            .sorted { $0.position < $1.position }
            .map(\.changed)
    }
}
