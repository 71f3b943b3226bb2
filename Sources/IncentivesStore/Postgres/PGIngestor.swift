import Foundation
import IncentivesCore
import IncentivesInput

/// `incentives ingest` into PostgreSQL: the same decisions as `replay` and the SQLite ingest (CONTRACT §4) —
/// the one intake pipeline (`Intake`), fed in file order, with this store's `PriorIDs` and sink — made durable a
/// batch at a time.
///
/// What is PostgreSQL's own is small: the ids accepted by earlier ingests are looked up a batch at a time (one
/// query for every id of the batch, before admission), users' saved progress is loaded a batch at a time, and
/// each batch is ONE transaction holding its events (COPY), rejects (COPY), achievements and outbox rows
/// (COPY into a temporary table, then one INSERT … ON CONFLICT DO NOTHING RETURNING), the changed users'
/// progress and the checkpoint. A crash, a kill or a server that goes away loses the batch in flight only; the
/// next run of the same ingest resumes from the checkpoint. Progress is saved with every batch, so there is no
/// replay log to catch up on (the SQLite store saves it less often; DESIGN.md §4).
public final class PGIngestor {
    private let store: PGStore
    private var c: PGConnection { store.c }

    public init(store: PGStore) { self.store = store }

    public func ingest(path: String, options: Ingestor.Options = Ingestor.Options(),
                       onReject: (Ingestor.RejectedLine) -> Void = { _ in },
                       onProgress: (Ingestor.Progress) -> Void = { _ in }) throws -> Ingestor.Outcome {
        guard store.isInitialized else { throw StoreError.notInitialized(path: store.path) }
        // One ingest at a time per database: a session advisory lock, dropped by the server if this process dies.
        guard try c.exec("SELECT pg_try_advisory_lock(\(PGSchema.ingestLock))").bool(0, 0) else {
            throw StoreError.ingestRunning(path: store.path)
        }
        defer { _ = try? c.exec("SELECT pg_advisory_unlock(\(PGSchema.ingestLock))") }
        let display = InputFile.displayName(path)
        let identity = try FileIdentity(path: path)
        let engine = try store.engine()
        let catalog = engine.catalog

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

        var nextSeq = try c.exec("SELECT coalesce(max(seq), 0) FROM events").int64(0, 0) + 1
        var nextAchievementSeq = try c.exec("SELECT coalesce(max(seq), 0) FROM achievements").int64(0, 0) + 1
        /// Whether earlier ingests stored events: then ids and saved progress are looked up, a batch at a time.
        let storedEarlier = nextSeq > 1
        var progressFound: [String: [UInt8]] = [:]
        var progressAsked: Set<String> = []
        engine.loadProgress = { member in progressFound.removeValue(forKey: member.id) }
        let intake = Intake(engine: engine)
        let writer = PGBatchWriter(c: c, catalog: catalog, ingestID: checkpoint.id, display: display)

        var counts = checkpoint.counts
        var achievementsCommitted = checkpoint.counts.achievements
        var batch = IngestBatch(reserving: min(options.batchLines, 65_536))
        var linesInBatch = 0
        var lastLine = checkpoint.line
        var lastOffset = checkpoint.offset

        func submit(finished: Bool) throws {
            batch.line = lastLine
            batch.offset = lastOffset
            batch.counts = counts
            batch.finished = finished
            batch.size = finished ? identity?.size : nil
            batch.progress = (ProgressLog.states(of: engine.takeChangedMembers()[...], in: engine), nextSeq - 1)
            // Awards get their recording order here, so that `seq` follows replay's order whatever is new.
            achievementsCommitted += try writer.write(batch, achievementsBefore: achievementsCommitted, firstSeq: nextAchievementSeq)
            nextAchievementSeq += Int64(batch.achievements.count)
            batch = IngestBatch(reserving: min(options.batchLines, 65_536))
            linesInBatch = 0
        }

        /// What earlier ingests stored for the ids and users of the reader's batch, in two queries.
        func lookUp(_ items: [EventStream.Item]) throws -> [String: UInt64] {
            guard storedEarlier else { return [:] }
            var ids: [String] = [], users: [String] = []
            for item in items {
                guard case .success(let e) = item.event else { continue }
                ids.append(e.id)
                if !progressAsked.contains(e.user), engine.roster.position(of: e.user) != nil {
                    progressAsked.insert(e.user)
                    users.append(e.user)
                }
            }
            var found: [String: UInt64] = [:]
            if !ids.isEmpty {
                let r = try c.exec("SELECT id, type, user_id, at_s, at_nanos, category FROM events WHERE id = ANY($1::text[])", [PGText.array(ids)])
                for i in 0..<r.count {
                    let id = r.text(i, 0)
                    guard let type = EventType(rawValue: r.text(i, 1)) else { found[id] = 0; continue }
                    let e = Event(id: id, type: type, user: r.text(i, 2), at: try PGStoreReader.instant(r, i, 3, path: store.path),
                                  category: r.optionalText(i, 5))
                    found[id] = e.contentFingerprint
                }
            }
            if !users.isEmpty {
                let r = try c.exec("SELECT user_id, state FROM progress WHERE user_id = ANY($1::text[])", [PGText.array(users)])
                for i in 0..<r.count { progressFound[r.text(i, 0)] = r.bytes(i, 1) }
            }
            return found
        }

        var stream = EventStream(path: path)
        stream.startLine = checkpoint.line
        stream.startOffset = checkpoint.offset
        do {
            try withoutActuallyEscaping(onProgress) { report in
                try stream.forEachBatchPipelined(prepare: { $0 }, progress: { bytes in
                    var p = counts
                    p.achievements = achievementsCommitted
                    report(.init(bytes: bytes, totalBytes: identity?.size, counts: p))
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
                        intake.take(piece.map(\.event)[...], prior: prior, into: &sink)
                        for r in sink.rejected { onReject(.init(file: display, line: r.line, reason: r.why.description)) }
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
                    return true
                }
            }
        } catch let runaway as LineReader.RunawayLine {
            // What was read before a line with no end is kept, with the checkpoint of its last line.
            try submit(finished: false)
            throw runaway
        }
        try submit(finished: true)
        counts.achievements = achievementsCommitted
        onProgress(.init(bytes: lastOffset, totalBytes: identity?.size, counts: counts))
        return .init(counts: counts, resumedAfterLine: resumedAfter, alreadyComplete: false, ingestID: checkpoint.id)
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

/// Writes one batch of an ingest in one transaction, bulk statements only: a round trip per table, not per row.
final class PGBatchWriter {
    private let c: PGConnection
    private let catalog: Catalog
    private let ingestID: Int64
    private let display: String
    private let now = String(Date().timeIntervalSince1970)
    private var preparedTemp = false

    init(c: PGConnection, catalog: Catalog, ingestID: Int64, display: String) {
        self.c = c
        self.catalog = catalog
        self.ingestID = ingestID
        self.display = display
    }

    /// Returns how many of the batch's achievements were new to the database.
    func write(_ batch: IngestBatch, achievementsBefore: Int, firstSeq: Int64) throws -> Int {
        try c.transaction {
            if !preparedTemp {
                // Staging tables for the rows that need ON CONFLICT, emptied at each commit.
                try c.exec("""
                    CREATE TEMP TABLE IF NOT EXISTS achievements_in (LIKE achievements INCLUDING DEFAULTS) ON COMMIT DELETE ROWS;
                    CREATE TEMP TABLE IF NOT EXISTS progress_in (LIKE progress) ON COMMIT DELETE ROWS;
                    """)
                preparedTemp = true
            }
            let ingest = String(ingestID)
            var data: [UInt8] = []
            data.reserveCapacity(batch.events.count * 120)
            for row in batch.events {
                let e = row.event
                PGText.copyRow([String(row.seq), e.id, e.type.rawValue, e.user, String(e.at.seconds), String(e.at.nanoseconds), e.category,
                                ingest, String(row.line)], into: &data)
            }
            try c.copy(into: "events", columns: ["seq", "id", "type", "user_id", "at_s", "at_nanos", "category", "ingest", "line"], data: data)

            data.removeAll(keepingCapacity: true)
            for r in batch.rejects {
                PGText.copyRow([ingest, display, String(r.line), r.why.code.rawValue, r.why.field, r.why.description, r.id, now], into: &data)
            }
            try c.copy(into: "rejects", columns: ["ingest", "file", "line", "code", "field", "reason", "text", "at"], data: data)

            var added = 0
            if !batch.achievements.isEmpty {
                added = try PGAchievementRows.insert(batch.achievements, firstSeq: firstSeq, catalog: catalog, now: now, c: c)
            }

            if let progress = batch.progress, !progress.states.isEmpty {
                data.removeAll(keepingCapacity: true)
                for (user, bytes) in progress.states { PGText.copyRow([user, PGText.bytea(bytes)], into: &data) }
                try c.copy(into: "progress_in", columns: ["user_id", "state"], data: data)
                try c.exec("INSERT INTO progress SELECT * FROM progress_in ON CONFLICT (user_id) DO UPDATE SET state = excluded.state")
            }

            let n = batch.counts
            try c.exec("""
                UPDATE ingests SET line = $1, "offset" = $2, size = $3, read = $4, accepted = $5, duplicates = $6, rejected = $7,
                  achievements = $8, updated_at = $9, finished_at = $10 WHERE id = $11
                """, [String(batch.line), String(batch.offset), batch.size.map { String($0) }, String(n.read), String(n.accepted),
                      String(n.duplicates), String(n.rejected), String(achievementsBefore + added), now, batch.finished ? now : nil,
                      String(ingestID)])
            return added
        }
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

/// The PostgreSQL ingest's sink: accepted events and what they earned go into the batch's rows, with their
/// arrival numbers; refusals into its rejects (and back to the caller, to report them in file order).
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

    mutating func accept(at index: Int, _ event: Event, earned: [Achievement]) {
        let seq = nextSeq
        nextSeq += 1
        batch.events.append(.init(seq: seq, event: event, line: items[items.startIndex + index].line))
        for a in earned { batch.achievements.append(.init(a, eventSeq: seq)) }
    }
}
