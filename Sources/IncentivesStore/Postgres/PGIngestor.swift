import Foundation
import IncentivesCore
import IncentivesInput

/// `incentives ingest` into PostgreSQL, the inbox half: the lines are admitted in file order — the one intake
/// pipeline (`Intake`) in its admitting-only form, so unknown users, duplicates and conflicting duplicates are
/// decided exactly as `replay` decides them, across all users — and the new events are stored with their arrival
/// number (`seq`). The events table is the inbox: workers (`PGWorker`, `incentives work`) evaluate each user
/// partition's events after its position through the same intake and engine, and store the awards.
///
/// What is PostgreSQL's own is small: the ids accepted by earlier ingests are looked up a batch at a time (one
/// query for every id of the reader's batch, before admission), and each batch is ONE transaction holding its
/// events (COPY), rejects (COPY) and the checkpoint. A crash, a kill or a server that goes away loses the batch
/// in flight only; the next run of the same ingest resumes from the checkpoint.
public final class PGIngestor {
    private let store: PGStore
    private var c: PGConnection { store.c }

    public init(store: PGStore) { self.store = store }

    /// Writes the file's new events to the inbox. `onLocked` runs once this ingest holds the ingest lock, before
    /// anything is read: workers started then know an ingest is writing, and wait for it rather than stopping.
    public func ingest(path: String, options: Ingestor.Options = Ingestor.Options(),
                       onLocked: () throws -> Void = {},
                       onReject: (Ingestor.RejectedLine) -> Void = { _ in },
                       onProgress: (Ingestor.Progress) -> Void = { _ in }) throws -> Ingestor.Outcome {
        try withIngestLock(onLocked: onLocked) {
            // Events the server refused to store (an id too large for its index): rejected wherever they come again, so
            // that no rerun fails where the last one did (issue 21). A file is read again at once from its checkpoint
            // without the refused line; standard input cannot be, and its next re-send goes on past it.
            var refused = try refusedEvents()
            var refusedLines: Set<Int> = []
            var reportedThrough = 0
            var options = options
            while true {
                do {
                    return try admit(path: path, options: options, refused: refused, onReject: { r in
                        guard refusedLines.remove(r.line) != nil || r.line > reportedThrough else { return }
                        reportedThrough = max(reportedThrough, r.line)
                        onReject(r)
                    }, onProgress: onProgress)
                } catch let e as PGRefusedEvent {
                    // The same event refused again would mean the refusal is not its own: stop with the server's error.
                    guard refused[e.id] == nil, case .postgres(_, _, let message) = e.error else { throw e.error }
                    let why = Rejection(.refusedByStore, field: nil, "the database refused to store this event (\(message))")
                    try c.exec("INSERT INTO refused_events(id, reason, at) VALUES ($1, $2, $3)",
                               [e.id, why.message, String(Date().timeIntervalSince1970)])
                    refused[e.id] = why
                    refusedLines.insert(e.line)
                    guard path != "-" else { throw StoreError.eventRefused(path: store.path, line: e.line, reason: message) }
                    options.restart = false
                }
            }
        }
    }

    /// Runs `body` holding the ingest lock: one ingest at a time per database, a row lock held by a connection of its
    /// own (`PGLocks`), dropped by the server if this process dies; a reader's login cannot hold it. `onLocked` runs
    /// once it is held, before `body`.
    private func withIngestLock<T>(onLocked: () throws -> Void, _ body: () throws -> T) throws -> T {
        guard store.isInitialized else { throw StoreError.notInitialized(path: store.path) }
        let lock = try PGLockHolder(url: store.url, name: "incentives ingest \(getpid()) lock")
        guard try lock.take(PGLocks.ingest) else { throw StoreError.ingestRunning(path: store.path) }
        defer {
            lock.releaseAll()
            // Workers waiting for the ingest to end (`--until-drained`) hear it now rather than at their next timeout.
            try? PGWorker.announce(c)
        }
        try onLocked()
        return try body()
    }

    /// The events earlier ingests found the server refuses, by id.
    private func refusedEvents() throws -> [String: Rejection] {
        let r = try c.exec("SELECT id, reason FROM refused_events")
        var out: [String: Rejection] = [:]
        for i in 0..<r.count { out[r.text(i, 0)] = Rejection(.refusedByStore, field: nil, r.text(i, 1)) }
        return out
    }

    /// One pass over the file from its checkpoint, under the ingest lock.
    private func admit(path: String, options: Ingestor.Options, refused: [String: Rejection],
                       onReject: (Ingestor.RejectedLine) -> Void, onProgress: (Ingestor.Progress) -> Void) throws -> Ingestor.Outcome {
        let display = InputFile.displayName(path)
        let identity = try FileIdentity(path: path)

        let checkpoint = try c.transaction { () -> Checkpoint in
            if !options.restart, let identity, let found = try findCheckpoint(identity) { return found }
            return try startCheckpoint(source: display, identity: identity)
        }
        let resumedAfter = checkpoint.line
        if resumedAfter > 0 || checkpoint.counts.rejected > 0 {
            let r = try c.exec("SELECT line, reason FROM rejects WHERE ingest = $1 ORDER BY seq", [String(checkpoint.id)])
            for i in 0..<r.count { onReject(.init(file: display, line: r.int(i, 0), reason: r.text(i, 1))) }
        }
        if let identity, checkpoint.finished, checkpoint.size == identity.size {
            return .init(counts: checkpoint.counts, resumedAfterLine: resumedAfter, alreadyComplete: true, ingestID: checkpoint.id)
        }
        return try admit(EventStream(path: path), display: display, fileSize: identity?.size, checkpoint: checkpoint,
                         options: options, refused: refused, onReject: onReject, onProgress: onProgress)
    }

    /// Ingests a live source (a JetStream stream) named `key` (its address without credentials) into the inbox, from
    /// after the position the last ingest of the same key committed, whatever the source itself remembers, until the
    /// source ends (idle, or asked to stop). Each batch commits its events, rejects and the source position reached in
    /// one transaction (the workers evaluate them, as for a file), so a crash at any moment, then a rerun, loses and
    /// doubles nothing. `onReject` gets this run's refused messages (earlier runs' are in `rejects`).
    public func ingest(source: any EventSource, key: String, options: Ingestor.Options = Ingestor.Options(),
                       onLocked: () throws -> Void = {},
                       onReject: (Ingestor.RejectedLine) -> Void = { _ in },
                       onProgress: (Ingestor.Progress) -> Void = { _ in }) throws -> Ingestor.Outcome {
        try withIngestLock(onLocked: onLocked) {
            let checkpoint = try c.transaction { () -> Checkpoint in
                let r = options.restart ? nil : try c.exec("""
                    SELECT id, line, "offset", read, accepted, duplicates, rejected, achievements, head
                    FROM ingests WHERE path = $1 AND inode IS NULL ORDER BY id DESC LIMIT 1
                    """, [key])
                if let r, r.count > 0 {
                    var counts = IntakeCounts()
                    counts.read = r.int(0, 3); counts.accepted = r.int(0, 4); counts.duplicates = r.int(0, 5)
                    counts.rejected = r.int(0, 6); counts.achievements = r.int(0, 7)
                    let found = Checkpoint(id: r.int64(0, 0), line: r.int(0, 1), offset: r.int64(0, 2), counts: counts, finished: false, size: nil)
                    if let identity = source.identity, r.optionalText(0, 8) != identity {
                        // A stream made again restarts its sequences: resuming at the old position would skip its first
                        // messages. Nothing read yet: the position is this source's from now on.
                        guard found.offset == 0 else { throw SourceReplacedError(source: source.displayName, position: found.offset) }
                        try c.exec("UPDATE ingests SET head = $1 WHERE id = $2", [identity, String(found.id)])
                    }
                    return found
                }
                let now = String(Date().timeIntervalSince1970)
                let id = try c.exec("INSERT INTO ingests(source, path, head, started_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
                                    [source.displayName, key, source.identity, now]).int64(0, 0)
                return Checkpoint(id: id, line: 0, offset: 0, counts: IntakeCounts(), finished: false, size: nil)
            }
            return try admit(source, display: source.displayName, fileSize: nil, checkpoint: checkpoint, options: options,
                             refused: try refusedEvents(), onReject: onReject, onProgress: onProgress)
        }
    }

    /// One pass over a source from its checkpoint, under the ingest lock: each batch admitted (duplicates, conflicts,
    /// unknown users) and handed to the background writer with its position.
    private func admit(_ source: any EventSource, display: String, fileSize: Int64?, checkpoint: Checkpoint, options: Ingestor.Options,
                       refused: [String: Rejection], onReject: (Ingestor.RejectedLine) -> Void,
                       onProgress: (Ingestor.Progress) -> Void) throws -> Ingestor.Outcome {
        let resumedAfter = checkpoint.line
        let engine = try store.engine()
        let label = source.lineLabel

        var nextSeq = try c.exec("SELECT coalesce(max(seq), 0) FROM events").int64(0, 0) + 1
        /// Whether earlier ingests stored events: then ids are looked up, a batch at a time.
        let storedEarlier = nextSeq > 1
        let intake = Intake(admittingFor: engine)
        // Batches are committed on connections and threads of their own while the next is read and admitted.
        let writer = PGBackgroundWriter(try (0..<PGBackgroundWriter.lanes).map { _ in
            PGBatchWriter(c: try PGConnection(url: store.url), ingestID: checkpoint.id, display: display)
        })

        var counts = checkpoint.counts
        var batch = IngestBatch(reserving: min(options.batchLines, 65_536))
        var linesInBatch = 0
        var lastLine = checkpoint.line
        var lastOffset = checkpoint.offset

        func submit(finished: Bool) throws {
            batch.line = lastLine
            batch.offset = lastOffset
            batch.counts = counts
            batch.finished = finished
            batch.size = finished ? fileSize : nil
            try writer.submit(batch)
            batch = IngestBatch(reserving: min(options.batchLines, 65_536))
            linesInBatch = 0
        }

        /// What earlier ingests stored for the ids of the reader's batch, in one query.
        func lookUp(_ items: [EventStream.Item]) throws -> [String: UInt64] {
            guard storedEarlier else { return [:] }
            var ids: [String] = []
            for item in items {
                guard case .success(let e) = item.event else { continue }
                ids.append(e.id)
            }
            var found: [String: UInt64] = [:]
            if !ids.isEmpty {
                let r = try c.exec(Self.priorEventsSQL, [PGText.array(ids)])
                for i in 0..<r.count {
                    let id = r.text(i, 0)
                    guard let type = EventType(rawValue: r.text(i, 1)) else { found[id] = 0; continue }
                    let e = Event(id: id, type: type, user: r.text(i, 2), at: try PGStoreReader.instant(r, i, 3, path: store.path),
                                  category: r.optionalText(i, 5))
                    found[id] = e.contentFingerprint
                }
            }
            return found
        }

        do {
            try withoutActuallyEscaping(onProgress) { report in
                try source.forEachBatch(after: SourcePosition(line: checkpoint.line, offset: checkpoint.offset), progress: { bytes in
                    report(.init(bytes: bytes, totalBytes: fileSize, counts: counts))
                }) { items in
                    let prior = BatchPriorIDs(found: try lookUp(items))
                    // The reader's batch in pieces that end where an ingest batch ends (each ingest batch is one
                    // transaction with its checkpoint).
                    var start = 0
                    while start < items.count {
                        let end = min(items.count, start + max(options.batchLines - linesInBatch, 1))
                        let piece = items[start..<end]
                        let before = intake.counts
                        var sink = BatchSink(items: piece, first: seqAndBatch(nextSeq, batch))
                        if refused.isEmpty {
                            intake.take(piece.map(\.event)[...], prior: prior, into: &sink)
                        } else {
                            intake.take(piece.map { item in
                                if case .success(let e) = item.event, let why = refused[e.id] { return .failure(why) }
                                return item.event
                            }[...], prior: prior, into: &sink)
                        }
                        for r in sink.rejected { onReject(.init(file: display, line: r.line, reason: r.why.description, lineLabel: label)) }
                        batch = sink.batch
                        nextSeq = sink.nextSeq
                        let added = intake.counts
                        counts.read += added.read - before.read
                        counts.accepted += added.accepted - before.accepted
                        counts.duplicates += added.duplicates - before.duplicates
                        counts.rejected += added.rejected - before.rejected
                        if let last = piece.last {
                            lastLine = last.line
                            lastOffset = last.nextOffset
                        }
                        linesInBatch += piece.count
                        if linesInBatch >= options.batchLines { try submit(finished: false) }
                        start = end
                    }
                    // A live source's batch is what arrived within its flush interval: committed now, so that a
                    // trickle of events reaches the workers promptly.
                    if source.commitsEachBatch && linesInBatch > 0 { try submit(finished: false) }
                    return true
                }
            }
        } catch let runaway as LineReader.RunawayLine {
            // What was read before a line with no end is kept, with the checkpoint of its last line.
            try submit(finished: false)
            try writer.finish()
            throw runaway
        } catch {
            // The batches handed over are committed (each with its checkpoint) before this ingest lets go of its lock.
            try? writer.finish()
            throw error
        }
        // A live source never finishes: its position stays open for the next run.
        try submit(finished: !source.commitsEachBatch)
        try writer.finish()
        onProgress(.init(bytes: lastOffset, totalBytes: fileSize, counts: counts))
        return .init(counts: counts, resumedAfterLine: resumedAfter, alreadyComplete: false, ingestID: checkpoint.id)
    }

    /// The events earlier ingests stored under the ids of one reader batch (`$1`, a text array): one look-up
    /// in the events' id index.
    static let priorEventsSQL = "SELECT id, type, user_id, at_s, at_nanos, category FROM events WHERE \(PGSchema.eventID()) = ANY($1::text[])"

    /// The awards stored so far for the events of one ingest (all its runs): once the workers have drained the
    /// inbox, the achievements of its summary line, as `replay` counts them. The workers keep the count in the
    /// `ingests` row, in the transaction that stores the awards (`PGWorker`).
    public func achievements(ofIngest id: Int64) throws -> Int {
        try c.exec("SELECT achievements FROM ingests WHERE id = $1", [String(id)]).int(0, 0)
    }

    // MARK: - The checkpoint (the `ingests` row)

    private func findCheckpoint(_ f: FileIdentity) throws -> Checkpoint? {
        let r = try c.exec("""
            SELECT id, line, "offset", read, accepted, duplicates, rejected, achievements, finished_at IS NOT NULL, size, head
            FROM ingests WHERE inode = $1 AND device = $2 AND path = $3 AND "offset" <= $4 ORDER BY id DESC
            """, [String(f.inode), String(f.device), f.absolutePath, String(f.size)])
        for i in 0..<r.count {
            var counts = IntakeCounts()
            counts.read = r.int(i, 3); counts.accepted = r.int(i, 4); counts.duplicates = r.int(i, 5)
            counts.rejected = r.int(i, 6); counts.achievements = r.int(i, 7)
            guard try f.startsLike(r.text(i, 10)) else { continue }
            return Checkpoint(id: r.int64(i, 0), line: r.int(i, 1), offset: r.int64(i, 2), counts: counts, finished: r.bool(i, 8),
                              size: r.optionalText(i, 9).flatMap { Int64($0) })
        }
        return nil
    }

    private func startCheckpoint(source: String, identity f: FileIdentity?) throws -> Checkpoint {
        let now = String(Date().timeIntervalSince1970)
        let r = try c.exec("""
            INSERT INTO ingests(source, path, device, inode, head, started_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id
            """, [source, f?.absolutePath, f.map { String($0.device) }, f.map { String($0.inode) }, f?.head, now])
        return Checkpoint(id: r.int64(0, 0), line: 0, offset: 0, counts: IntakeCounts(), finished: false, size: nil)
    }
}

/// An event of a batch the server refused to store for what it holds (`PGRefusedRow` in the events' COPY).
struct PGRefusedEvent: Error {
    let id: String
    let line: Int
    let error: StoreError
}

/// Writes one batch of the inbox in one transaction, bulk statements only: its events, its rejects, its checkpoint.
final class PGBatchWriter: @unchecked Sendable { // made on the ingest's thread, then used by one lane's thread only
    private let c: PGConnection
    private let ingestID: Int64
    private let display: String
    private let now = String(Date().timeIntervalSince1970)

    init(c: PGConnection, ingestID: Int64, display: String) {
        self.c = c
        self.ingestID = ingestID
        self.display = display
    }

    /// `beforeCommit` runs once the batch's events are sent, before its rejects and checkpoint are written: it waits
    /// for the batch before this one to commit, and throws (rolling this one back) if that one failed.
    func write(_ batch: IngestBatch, beforeCommit: () throws -> Void) throws {
        try c.transaction {
            let ingest = String(ingestID)
            var data: [UInt8] = []
            data.reserveCapacity(batch.events.count * 120)
            // Field by field rather than `copyRow`: no array and no String per number, for every event.
            for row in batch.events {
                let e = row.event
                PGText.copyInt(row.seq, into: &data); data.append(9)
                PGText.copyField(e.id, into: &data); data.append(9)
                PGText.copyField(e.type.rawValue, into: &data); data.append(9)
                PGText.copyField(e.user, into: &data); data.append(9)
                PGText.copyInt(e.at.seconds, into: &data); data.append(9)
                PGText.copyInt(Int64(e.at.nanoseconds), into: &data); data.append(9)
                PGText.copyField(e.category, into: &data); data.append(9)
                PGText.copyInt(ingestID, into: &data); data.append(9)
                PGText.copyInt(Int64(row.line), into: &data); data.append(10)
            }
            do {
                try c.copy(into: "events", columns: ["seq", "id", "type", "user_id", "at_s", "at_nanos", "category", "ingest", "line"],
                           data: data, namingRefusedRow: true)
            } catch let refused as PGRefusedRow where refused.row >= 1 && refused.row <= batch.events.count {
                let row = batch.events[refused.row - 1]
                throw PGRefusedEvent(id: row.event.id, line: row.line, error: refused.error)
            }

            try beforeCommit()
            // The rejects after the wait: their `seq` is drawn from a sequence as they are inserted, and it is the
            // order `rejects` and a resumed ingest list them in, which must be the file's.
            data.removeAll(keepingCapacity: true)
            for r in batch.rejects {
                PGText.copyRow([ingest, display, String(r.line), r.why.code.rawValue, r.why.field, r.why.description, r.id, now], into: &data)
            }
            // One row per rejected line and source position (migration 10): a re-read moves the row to this ingest
            // instead of storing it again. COPY cannot say so: through a staging table.
            if !data.isEmpty {
                try c.exec("""
                    CREATE TEMP TABLE IF NOT EXISTS rejects_in (ingest bigint, file text, line bigint, code text, field text, reason text,
                      text text, at double precision) ON COMMIT DELETE ROWS
                    """)
                try c.copy(into: "rejects_in", columns: ["ingest", "file", "line", "code", "field", "reason", "text", "at"], data: data)
                try c.exec("""
                    INSERT INTO rejects (ingest, file, line, code, field, reason, text, at)
                    SELECT ingest, file, line, code, field, reason, text, at FROM rejects_in ORDER BY line
                    ON CONFLICT (md5(file), line, md5(code || ':' || reason)) DO UPDATE SET ingest = excluded.ingest, at = excluded.at
                    """)
            }
            try PGDuplicateArrivals.write(batch, ingest: ingestID, file: display, on: c)
            let n = batch.counts
            try c.exec("""
                UPDATE ingests SET line = $1, "offset" = $2, size = $3, read = $4, accepted = $5, duplicates = $6, rejected = $7,
                  updated_at = $8, finished_at = $9, last_seq = coalesce($11, last_seq) WHERE id = $10
                """, [String(batch.line), String(batch.offset), batch.size.map { String($0) }, String(n.read), String(n.accepted),
                      String(n.duplicates), String(n.rejected), now, batch.finished ? now : nil, String(ingestID),
                      batch.events.last.map { String($0.seq) }])
        }
    }
}

/// Runs `PGBatchWriter`s, each on a connection and thread of its own, so that the server stores two batches at once
/// (the COPY into the indexed events table is the inbox's bottleneck, one server process per connection) while the
/// ingest reads and admits the next. Batches COMMIT strictly in the order handed over: a lane that has sent its
/// batch waits for the batch before it to commit, then writes its checkpoint and commits. So what a reader or a
/// worker sees is always a prefix of the file, `seq` without holes, and the checkpoint never passes a batch that is
/// not stored; a batch that fails takes the ones sent after it down with it (rolled back), and the failure is
/// thrown to the ingest at its next hand-over, or by `finish`. At most one batch waits beyond those being written,
/// which bounds memory.
final class PGBackgroundWriter: @unchecked Sendable { // every var is guarded by `condition`
    /// Batches stored at once. Two: on the 2-core machine of the benchmark a third only adds contention; the
    /// inbox of 811,834 lines took 12.7 s with one lane. (DESIGN.md §9 has the figures.)
    static let lanes = 2

    private let condition = NSCondition()
    private var waiting: [(number: Int, batch: IngestBatch)] = []
    private var handedOver = 0
    /// Every batch numbered below this one is committed.
    private var committedBelow = 0
    private var writing = 0
    private var closed = false
    private var failure: (any Error)?

    /// Thrown in a lane whose batch is rolled back because an earlier one failed: that one's error is the news.
    private struct EarlierBatchFailed: Error {}

    init(_ writers: [PGBatchWriter]) {
        for (i, writer) in writers.enumerated() {
            let thread = Thread { [self] in loop(writer) }
            thread.name = "incentives inbox writer \(i + 1)"
            thread.start()
        }
    }

    func submit(_ batch: IngestBatch) throws {
        condition.lock()
        defer { condition.unlock() }
        while !waiting.isEmpty && failure == nil { condition.wait() }
        if let failure { throw failure }
        waiting.append((handedOver, batch))
        handedOver += 1
        condition.broadcast()
    }

    /// Waits until every batch handed over is committed, and ends the threads; throws the failure if one failed,
    /// once no lane is writing any more (a batch committing as a later one fails is over before the ingest lets go
    /// of its lock).
    func finish() throws {
        condition.lock()
        defer { condition.unlock() }
        while writing > 0 || (!waiting.isEmpty && failure == nil) { condition.wait() }
        closed = true
        condition.broadcast()
        if let failure { throw failure }
    }

    private func loop(_ writer: PGBatchWriter) {
        condition.lock()
        while true {
            while waiting.isEmpty && !closed && failure == nil { condition.wait() }
            guard failure == nil, !waiting.isEmpty else { break }
            let (number, batch) = waiting.removeFirst()
            writing += 1
            condition.broadcast()
            condition.unlock()
            var failed: (any Error)?
            do {
                try writer.write(batch) {
                    condition.lock()
                    defer { condition.unlock() }
                    while committedBelow < number && failure == nil { condition.wait() }
                    if failure != nil { throw EarlierBatchFailed() }
                }
            } catch {
                failed = error
            }
            condition.lock()
            writing -= 1
            if let failed {
                if failure == nil { failure = failed }
            } else {
                committedBelow = number + 1
            }
            condition.broadcast()
            if failed != nil { break }
        }
        condition.unlock()
    }
}

extension PGText {
    /// A text array literal (`{"a","b"}`) for a `$1::text[]` parameter.
    static func array(_ values: [String]) -> String {
        var out = "{"
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            out += "\""
            for ch in v.unicodeScalars {
                if ch == "\"" || ch == "\\" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\""
        }
        return out + "}"
    }
}

/// What earlier ingests accepted for the ids of one reader batch, looked up in one query before the intake runs.
private struct BatchPriorIDs: PriorIDs {
    typealias Failure = Never
    let found: [String: UInt64]

    func fingerprint(of event: Event, key: IDDigest) -> UInt64? { found[event.id] }
}

private func seqAndBatch(_ seq: Int64, _ batch: IngestBatch) -> (Int64, IngestBatch) { (seq, batch) }

/// The PostgreSQL ingest's sink: accepted events go into the batch's rows, with their arrival numbers (nothing is
/// earned yet: workers evaluate them); refusals into its rejects (and back to the caller, to report them in file order).
private struct BatchSink: IntakeSink {
    let items: ArraySlice<EventStream.Item>
    var batch: IngestBatch
    var nextSeq: Int64
    var rejected: [(line: Int, why: Rejection)] = []

    init(items: ArraySlice<EventStream.Item>, first: (Int64, IngestBatch)) {
        self.items = items
        (nextSeq, batch) = first
    }

    mutating func reject(at index: Int, _ why: Rejection, event: Event?) {
        let line = items[items.startIndex + index].line
        batch.rejects.append(.init(line: line, why: why, id: event?.id))
        rejected.append((line, why))
    }

    mutating func duplicate(at index: Int, _ event: Event) {
        batch.duplicates.append(.init(line: items[items.startIndex + index].line, event: event, afterSeq: nextSeq - 1))
    }

    mutating func accept(at index: Int, _ event: Event, earned: [Achievement]) {
        batch.events.append(.init(seq: nextSeq, event: event, line: items[items.startIndex + index].line))
        nextSeq += 1
    }
}
