import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesSQL

/// `incentives ingest` into PostgreSQL, the inbox half: the one ingest core (`IngestPipeline`) driving this store's
/// write port (`PGStore: IntakeStore`) with an admit-only run (`PGIntakeRun`). The lines are admitted in file order —
/// the one intake (`Intake`) in its admitting-only form, so unknown users, duplicates and conflicting duplicates
/// are decided exactly as `replay` decides them, across all users — and the new events are stored with their
/// arrival number (`seq`). The events table is the inbox; the evaluation stage is the workers (`PGWorker`,
/// `incentives work`), which evaluate each user partition's events after its position through the same intake and
/// engine, and store the awards.
///
/// What is PostgreSQL's own is small: the ids accepted by earlier ingests are looked up a batch at a time (one
/// query for every id of the reader's batch, before admission), and each batch is ONE transaction holding its
/// events (COPY), rejects (COPY) and the checkpoint. A crash, a kill or a server that goes away loses the batch
/// in flight only; the next run of the same ingest resumes from the checkpoint.
public final class PGIngestor {
    private let store: PGStore

    public init(store: PGStore) { self.store = store }

    /// Writes the file's new events to the inbox. `onLocked` runs once this ingest holds the ingest lock, before
    /// anything is read: workers started then know an ingest is writing, and wait for it rather than stopping.
    public func ingest(path: String, options: IngestOptions = IngestOptions(), onLocked: () throws -> Void = {},
                       onReject: (RejectedLine) -> Void = { _ in },
                       onProgress: (IngestProgress) -> Void = { _ in }) throws -> IngestOutcome {
        try IngestPipeline.ingest(path: path, into: store, options: options, onLocked: onLocked, onReject: onReject, onProgress: onProgress)
    }

    /// Ingests a live source (a JetStream stream) named `key` into the inbox, from after the position the last
    /// ingest of the same key committed (the workers evaluate it, as for a file).
    public func ingest(source: any EventSource, key: String, options: IngestOptions = IngestOptions(), onLocked: () throws -> Void = {},
                       onReject: (RejectedLine) -> Void = { _ in },
                       onProgress: (IngestProgress) -> Void = { _ in }) throws -> IngestOutcome {
        try IngestPipeline.ingest(source: source, key: key, into: store, options: options, onLocked: onLocked, onReject: onReject,
                                  onProgress: onProgress)
    }

    /// The events earlier ingests stored under the ids of one reader batch (`$1`, a text array): one look-up
    /// in the events' id index.
    static let priorEventsSQL = "SELECT id, type, user_id, at_s, at_nanos, category FROM events WHERE \(PGSchema.eventID()) = ANY($1::text[])"

    /// The awards stored so far for the events of one ingest (all its runs): once the workers have drained the
    /// inbox, the achievements of its summary line, as `replay` counts them.
    public func achievements(ofIngest id: Int64) throws -> Int { try store.achievements(ofIngest: id) }
}

/// PostgreSQL's side of the ingest's write port.
extension PGStore: IntakeStore {
    /// Holds the ingest lock: one ingest at a time per database, a row lock held by a connection of its own
    /// (`PGLocks`), dropped by the server if this process dies; a reader's login cannot hold it.
    public func withIngestLock<T>(onLocked: () throws -> Void, _ body: () throws -> T) throws -> T {
        guard isInitialized else { throw StoreError.notInitialized(path: path) }
        let lock = try PGLockHolder(url: url, name: "incentives ingest \(getpid()) lock")
        guard try lock.take(PGLocks.ingest) else { throw StoreError.ingestRunning(path: path) }
        defer {
            lock.releaseAll()
            // Workers waiting for the ingest to end (`--until-drained`) hear it now rather than at their next timeout.
            try? PGWorker.announce(c)
        }
        try onLocked()
        return try body()
    }

    public func ingestEngine() throws -> Engine { try engine() }

    public func checkpointTransaction<T>(_ body: () throws -> T) throws -> T { try c.transaction(body) }

    public func checkpoints(of f: FileIdentity) throws -> [(checkpoint: IngestCheckpoint, head: String)] {
        let r = try c.exec("""
            SELECT id, line, "offset", read, accepted, duplicates, rejected, achievements, finished_at IS NOT NULL, size, head
            FROM ingests WHERE inode = $1 AND device = $2 AND path = $3 AND "offset" <= $4 ORDER BY id DESC
            """, [String(f.inode), String(f.device), f.absolutePath, String(f.size)])
        return (0..<r.count).map { i in
            (IngestCheckpoint(id: r.int64(i, 0), line: r.int(i, 1), offset: r.int64(i, 2), counts: Self.counts(r, i, from: 3), finished: r.bool(i, 8),
                              size: r.optionalText(i, 9).flatMap { Int64($0) }), r.text(i, 10))
        }
    }

    public func latestCheckpoint(key: String) throws -> (checkpoint: IngestCheckpoint, identity: String?)? {
        let r = try c.exec("""
            SELECT id, line, "offset", read, accepted, duplicates, rejected, achievements, head
            FROM ingests WHERE path = $1 AND inode IS NULL ORDER BY id DESC LIMIT 1
            """, [key])
        guard r.count > 0 else { return nil }
        return (IngestCheckpoint(id: r.int64(0, 0), line: r.int(0, 1), offset: r.int64(0, 2), counts: Self.counts(r, 0, from: 3)), r.optionalText(0, 8))
    }

    /// `read, accepted, duplicates, rejected, achievements` of row `i` from column `first` on.
    private static func counts(_ r: PGRows, _ i: Int, from first: Int) -> IntakeCounts {
        var counts = IntakeCounts()
        counts.read = r.int(i, first); counts.accepted = r.int(i, first + 1); counts.duplicates = r.int(i, first + 2)
        counts.rejected = r.int(i, first + 3); counts.achievements = r.int(i, first + 4)
        return counts
    }

    public func setSourceIdentity(_ identity: String, ofIngest id: Int64) throws {
        try c.exec("UPDATE ingests SET head = $1 WHERE id = $2", [identity, String(id)])
    }

    public func startCheckpoint(source: String, file f: FileIdentity?, key: String?, identity: String?) throws -> IngestCheckpoint {
        let now = String(Date().timeIntervalSince1970)
        let r = try c.exec("""
            INSERT INTO ingests(source, path, device, inode, head, started_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id
            """, [source, f?.absolutePath ?? key, f.map { String($0.device) }, f.map { String($0.inode) }, f?.head ?? identity, now])
        return IngestCheckpoint(id: r.int64(0, 0))
    }

    public func rejects(ofIngest id: Int64) throws -> [(line: Int, reason: String)] {
        let r = try c.exec("SELECT line, reason FROM rejects WHERE ingest = $1 ORDER BY seq", [String(id)])
        return (0..<r.count).map { i in (r.int(i, 0), r.text(i, 1)) }
    }

    /// The events earlier ingests found the server refuses, by id.
    public func refusedEvents() throws -> [String: Rejection] {
        let r = try c.exec("SELECT id, reason FROM refused_events")
        var out: [String: Rejection] = [:]
        for i in 0..<r.count { out[r.text(i, 0)] = Rejection(.refusedByStore, field: nil, r.text(i, 1)) }
        return out
    }

    public func recordRefused(_ id: String, _ why: Rejection) throws {
        try c.exec("INSERT INTO refused_events(id, reason, at) VALUES ($1, $2, $3)", [id, why.message, String(Date().timeIntervalSince1970)])
    }

    public func beginRun(_ start: IntakeRunStart) throws -> PGIntakeRun { try PGIntakeRun(store: self, start) }

    /// The awards stored so far for the events of one ingest (all its runs). The workers keep the count in the
    /// `ingests` row, in the transaction that stores the awards (`PGWorker`).
    public func achievements(ofIngest id: Int64) throws -> Int {
        try c.exec("SELECT achievements FROM ingests WHERE id = $1", [String(id)]).int(0, 0)
    }
}

/// One run of an ingest into the inbox: admit-only (the workers evaluate). Ids stored by earlier ingests are looked
/// up a reader batch at a time; batches are committed on connections and threads of their own while the next is
/// read and admitted (`PGBackgroundWriter`).
public final class PGIntakeRun: IntakeRun {
    private let store: PGStore
    private let writer: PGBackgroundWriter
    /// Whether earlier ingests stored events: then ids are looked up, a batch at a time.
    private let storedEarlier: Bool

    public let firstSeq: Int64
    public var evaluates: Bool { false }
    public var buildsIndexAtEnd: Bool { false }
    /// The look-up sees committed batches only, and this run's may be in flight: the intake keeps its ids.
    public var answersForgottenIDs: Bool { false }

    init(store: PGStore, _ start: IntakeRunStart) throws {
        self.store = store
        firstSeq = try store.c.exec("SELECT coalesce(max(seq), 0) FROM events").int64(0, 0) + 1
        storedEarlier = firstSeq > 1
        writer = PGBackgroundWriter(try (0..<PGBackgroundWriter.lanes).map { _ in
            PGBatchWriter(c: try PGConnection(url: store.url), ingestID: start.checkpoint.id, display: start.display, path: store.path)
        })
    }

    /// What earlier ingests stored for the ids of the reader's batch, in one query.
    public func priorIDs(for items: [EventStream.Item]) throws -> BatchPriorIDs {
        guard storedEarlier else { return BatchPriorIDs(found: [:]) }
        var ids: [String] = []
        for item in items {
            guard case .success(let e) = item.event else { continue }
            ids.append(e.id)
        }
        var found: [String: UInt64] = [:]
        if !ids.isEmpty {
            let r = try store.c.exec(PGIngestor.priorEventsSQL, [PGText.array(ids)])
            for i in 0..<r.count {
                let id = r.text(i, 0)
                guard let type = EventType(rawValue: r.text(i, 1)) else { found[id] = 0; continue }
                let e = Event(id: id, type: type, user: r.text(i, 2), at: try PGStoreReader.instant(r, i, 3, path: store.path),
                              category: r.optionalText(i, 5))
                found[id] = e.contentFingerprint
            }
        }
        return BatchPriorIDs(found: found)
    }

    public func submit(_ batch: IngestBatch) throws { try writer.submit(batch) }

    public func drain() throws { try writer.drain() }

    public var achievementsSoFar: Int? { nil }

    public func finish() throws -> Int? {
        try writer.finish()
        return nil
    }

    /// The batches handed over are committed (each with its checkpoint) before the ingest lets go of its lock.
    public func abandon() { try? writer.finish() }
}

/// What earlier ingests accepted for the ids of one reader batch, looked up in one query before the intake runs.
public struct BatchPriorIDs: PriorIDs {
    public typealias Failure = Never
    let found: [String: UInt64]

    public func fingerprint(of event: Event, key: IDDigest) -> UInt64? { found[event.id] }
}

/// Writes one batch of the inbox in one transaction, bulk statements only: its events, its rejects, its checkpoint.
final class PGBatchWriter: @unchecked Sendable { // made on the ingest's thread, then used by one lane's thread only
    private let c: PGConnection
    private let ingestID: Int64
    private let display: String
    /// The database as messages name it.
    private let path: String
    private let now = String(Date().timeIntervalSince1970)

    init(c: PGConnection, ingestID: Int64, display: String, path: String) {
        self.c = c
        self.ingestID = ingestID
        self.display = display
        self.path = path
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
                // An event the server cannot hold: the ingest core records it and reads on without it.
                let row = batch.events[refused.row - 1]
                guard case .postgres(_, _, let message) = refused.error else { throw refused.error }
                throw StoreRefusedEvent(id: row.event.id, line: row.line, message: message, storeError: refused.error,
                                        onStandardInput: StoreError.eventRefused(path: path, line: row.line, reason: message))
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

    /// Waits until every batch handed over is committed; throws the failure if one failed.
    func drain() throws {
        condition.lock()
        defer { condition.unlock() }
        while (writing > 0 || !waiting.isEmpty) && failure == nil { condition.wait() }
        if let failure { throw failure }
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

