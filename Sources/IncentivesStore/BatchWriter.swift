import Foundation
import IncentivesCore
#if canImport(Glibc)
import Glibc
import IncentivesSQL
#endif

/// The SQLite run's writer (`SQLiteIntakeRun`): a thread of its own that owns the write connection and commits `IngestBatch`es
/// in the order they are submitted, one transaction each (a batch that `continues` shares the next one's). The
/// engine thread goes on with the next batch meanwhile (at most `slots` batches wait), so SQLite's work overlaps
/// parsing and the engine.
///
/// A failed batch is rolled back and stops the writer: every later `submit` (and `finish`) throws that error,
/// so the ingest ends with the database as of the last whole batch — as when everything ran on one thread.
final class BatchWriter: @unchecked Sendable {
    private let db: Database
    private let catalog: Catalog
    private let ingestID: Int64
    private let display: String
    /// Events are stored under their user's key, looked up here rather than on the engine thread.
    private let userKeys: UserKeys.Roster
    /// Read at each batch (outbox rows, rejects), so rows carry the time they were written, not the ingest's start.
    private let clock: any WallClock = SystemClock()
    private var now: Double { clock.now() }
    /// Pause after each commit, so that other writers (init, the delivery sender) get the lock between batches.
    private let pauseMicroseconds: useconds_t

    private let lock = NSCondition()
    private var queue: [IngestBatch] = []
    private let slots: Int
    private var busy = false
    private var closed = false
    private var cancelled = false
    private var failure: (any Error)?
    private var threadDone = false
    /// Achievements committed so far (the file's count, earlier runs included).
    private var committedAchievements: Int
    /// Run on the writer thread after each commit, before the pause (`WALCheckpointer.restartIfLarge`). Set before `start()`.
    var betweenBatches: (() -> Void)?

    init(db: Database, catalog: Catalog, userKeys: UserKeys.Roster, ingestID: Int64, display: String, achievementsBefore: Int,
         slots: Int = 1, pauseMicroseconds: useconds_t = 3_000) {
        self.db = db
        self.userKeys = userKeys
        self.catalog = catalog
        self.ingestID = ingestID
        self.display = display
        self.committedAchievements = achievementsBefore
        self.slots = slots
        self.pauseMicroseconds = pauseMicroseconds
    }

    // MARK: - The engine thread's side

    func start() {
        let thread = Thread { [self] in run() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Queues a batch; blocks while `slots` batches wait (`slots + progressPartSlots` for a part that holds only
    /// users' progress). Throws the writer's error once it has failed.
    func submit(_ batch: IngestBatch) throws {
        lock.lock(); defer { lock.unlock() }
        let room = slots + (Self.holdsOnlyProgress(batch) ? Self.progressPartSlots : 0)
        while queue.count >= room && failure == nil { lock.wait() }
        if let failure { throw failure }
        queue.append(batch)
        lock.broadcast()
    }

    /// Waits until every submitted batch is committed.
    func drain() throws {
        lock.lock(); defer { lock.unlock() }
        while (!queue.isEmpty || busy) && failure == nil { lock.wait() }
        if let failure { throw failure }
    }

    /// Commits what is queued, stops the thread and returns the achievements count.
    func finish() throws -> Int {
        lock.lock(); defer { lock.unlock() }
        closed = true
        lock.broadcast()
        while !threadDone { lock.wait() }
        if let failure { throw failure }
        return committedAchievements
    }

    /// Stops the thread without committing what waits (the engine thread failed); a no-op after `finish`.
    func cancel() {
        lock.lock(); defer { lock.unlock() }
        cancelled = true
        closed = true
        queue.removeAll()
        lock.broadcast()
        while !threadDone { lock.wait() }
    }

    /// The achievements count of the last committed batch, for the progress bar.
    var achievementsSoFar: Int {
        lock.lock(); defer { lock.unlock() }
        return committedAchievements
    }

    // MARK: - The writer thread

    private func run() {
        while true {
            lock.lock()
            while queue.isEmpty && !closed { lock.wait() }
            if queue.isEmpty || cancelled {
                db.rollback() // a transaction left going on by a cancelled ingest (a no-op otherwise)
                threadDone = true
                lock.broadcast()
                lock.unlock()
                return
            }
            var batch = queue.removeFirst()
            busy = true
            let before = committedAchievements
            lock.unlock()

            var added = 0
            var error: (any Error)?
            do {
                // A database deleted or replaced under the ingest would take every later batch with it, silently.
                if db.fileHasMoved { throw StoreError.moved(path: db.path) }
                if !db.isInTransaction { try db.begin() }
                added = try write(&batch)
                if !batch.continues { try db.commit() }
                if db.fileHasMoved { throw StoreError.moved(path: db.path) }
            } catch let e {
                db.rollback()
                error = e
            }

            lock.lock()
            busy = false
            if let error {
                failure = error
                queue.removeAll()
                threadDone = true
                lock.broadcast()
                lock.unlock()
                return
            }
            committedAchievements = before + added
            lock.broadcast()
            lock.unlock()
            if !batch.continues { betweenBatches?() }
            if !batch.finished && !batch.continues { usleep(pauseMicroseconds) }
        }
    }

    /// The rows of one batch, inside its transaction. Returns how many achievements were new.
    private func write(_ batch: inout IngestBatch) throws -> Int {
        // Events go in `eventsPerStatement` rows per INSERT: one statement run instead of 32 saves SQLite's
        // per-statement work (step, reset, VDBE set-up), a visible share of the writer's time. The rest one by one.
        var rows = batch.events[...]
        if rows.count >= Self.eventsPerStatement {
            let many = try db.prepare(Self.insertEvents(rows: Self.eventsPerStatement))
            while rows.count >= Self.eventsPerStatement {
                for (i, row) in rows.prefix(Self.eventsPerStatement).enumerated() { try bind(row, to: many, at: Int32(i * Self.columnsPerEvent)) }
                try many.runToEnd()
                rows = rows.dropFirst(Self.eventsPerStatement)
            }
        }
        if !rows.isEmpty {
            let one = try db.prepare(Self.insertEvents(rows: 1))
            for row in rows {
                try bind(row, to: one, at: 0)
                try one.runToEnd()
            }
        }
        // One row per rejected line and source position (schema 9): a re-read (`--restart`, a re-send on standard input)
        // moves the row to the ingest that read it last instead of storing it again.
        let insertReject = try db.prepare("""
            INSERT INTO rejects(ingest, file, line, code, field, reason, text, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
              ON CONFLICT (file, line, code, reason) DO UPDATE SET ingest = excluded.ingest, at = excluded.at
            """)
        for r in batch.rejects {
            try insertReject.bind(1, ingestID)
            try insertReject.bind(2, display)
            try insertReject.bind(3, r.line)
            try insertReject.bind(4, r.why.code.rawValue)
            try insertReject.bind(5, r.why.field)
            try insertReject.bind(6, r.why.description)
            try insertReject.bind(7, r.id)
            try insertReject.bind(8, .double(now))
            try insertReject.runToEnd()
        }
        try DuplicateArrivals.write(batch, ingest: ingestID, file: display, userKeys: userKeys, in: db)
        var added = 0
        for row in batch.achievements where try record(row) { added += 1 }
        if let progress = batch.progress {
            try ProgressLog.save(progress.states, throughSeq: progress.throughSeq, in: db)
        }
        if batch.buildUserIndex {
            // Last, with the batch's rows freed, so that SQLite's sorter may reuse their memory.
            batch.events = []
            batch.achievements = []
            try UserIndex.build(in: db)
        }
        var counts = batch.counts
        lock.lock(); counts.achievements = committedAchievements + added; lock.unlock()
        try saveCheckpoint(batch, counts: counts)
        return added
    }

    /// The `ingests` row: the source position this batch reaches and the counts, in the batch's transaction.
    private func saveCheckpoint(_ batch: IngestBatch, counts: IntakeCounts) throws {
        let now = self.now
        try db.run("""
            UPDATE ingests SET line = ?, offset = ?, size = ?, read = ?, accepted = ?, duplicates = ?, rejected = ?, achievements = ?,
              updated_at = ?, finished_at = ? WHERE id = ?
            """, .int(Int64(batch.line)), .int(batch.offset), batch.size.map { .int($0) } ?? .null, .int(Int64(counts.read)),
            .int(Int64(counts.accepted)), .int(Int64(counts.duplicates)), .int(Int64(counts.rejected)), .int(Int64(counts.achievements)),
            .double(now), batch.finished ? .double(now) : .null, .int(ingestID))
    }

    /// Progress-only parts that may wait beside `slots`: the last save's parts are encoded while the writer builds
    /// a first load's indexes (`UserIndex`), instead of after (a few MB each: `IngestOptions.progressPartUsers` users).
    static let progressPartSlots = 4

    private static func holdsOnlyProgress(_ b: IngestBatch) -> Bool {
        b.progress != nil && b.events.isEmpty && b.achievements.isEmpty && b.rejects.isEmpty && b.duplicates.isEmpty && !b.buildUserIndex
    }

    static let eventsPerStatement = 32
    /// The parameters `bind(_:to:at:)` fills for one event row.
    static let columnsPerEvent = 9

    static func insertEvents(rows: Int) -> String {
        // OR FAIL, not the default ABORT: an ABORT must undo a failing statement's earlier rows, so SQLite would
        // keep a statement journal (a temporary file, written page by page) for every multi-row INSERT. A failure
        // rolls the whole batch back anyway. (A fresh id failing is a bug: `Admission` decided it is new.)
        "INSERT OR FAIL INTO events(seq, id, type, user_key, at_s, at_nanos, category, ingest, line) VALUES "
            + Array(repeating: "(" + Array(repeating: "?", count: columnsPerEvent).joined(separator: ", ") + ")", count: rows).joined(separator: ", ")
    }

    /// Binds one event row to parameters `base + 1 ... base + 9`.
    @inline(__always)
    private func bind(_ row: IngestBatch.EventRow, to s: Statement, at base: Int32) throws {
        let e = row.event
        try s.bind(base + 1, row.seq)
        try s.bind(base + 2, e.id)
        try s.bind(base + 3, e.type.rawValue)
        try s.bind(base + 4, userKeys.key(of: e.user, position: Int(row.member)))
        try s.bind(base + 5, e.at.seconds)
        try s.bind(base + 6, Int64(e.at.nanoseconds))
        try s.bind(base + 7, e.category)
        try s.bind(base + 8, ingestID)
        try s.bind(base + 9, row.line)
    }

    /// Stores one award with its outbox rows; false when it was stored already (same user, program, incentive,
    /// ordinal: never award twice). Also used, before the thread starts, to catch the engine up (`ProgressLog`).
    func record(_ row: IngestBatch.AchievementRow) throws -> Bool {
        try AchievementRows.record(row, catalog: catalog, now: now, in: db)
    }
}
