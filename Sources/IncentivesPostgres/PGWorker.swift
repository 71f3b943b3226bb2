import Foundation
import IncentivesCore
import IncentivesSQL

/// `incentives work`: evaluates the inbox (the events the ingest admitted, DESIGN.md §9) a user partition at a
/// time (a partition of the per-user tables: `UserPartition.of(user, among: PGSchema.partitions)`, the core's one
/// partition function, which the server's hash partitioning computes). Any number of workers, on any machines, share the partitions through leases — session advisory locks
/// (`pg_try_advisory_lock(space, partition)`), which the server drops when a worker's session ends, `kill -9` and
/// a lost network included — and each held partition's events after its stored position go, in arrival order,
/// through the one intake pipeline (`Intake(storedEventsFor:)`: the ingest admitted them already) and the engine.
/// Each batch of one partition is ONE transaction: its awards (each with the `seq` that places it in replay's
/// order), their outbox rows, the changed users' progress and the partition's new position. A worker that dies
/// loses its batch in flight only; another takes the partition over from the stored position.
public final class PGWorker {
    public typealias Options = EvaluationOptions
    public typealias Report = EvaluationReport

    private let store: PGStore
    private var c: PGConnection { store.c }
    private let engine: Engine
    private let intake: Intake
    /// Holds this worker's slot (`PGLocks`) for the whole run.
    private let slot: PGLockHolder
    /// Holds this worker's leases, one row lock per partition; giving some back lets go of all and takes the rest again.
    private let leases: PGLockHolder
    private var held: [Int] = []
    private var positions: [Int: Int64] = [:]
    /// Users whose saved progress was asked of the database since the engine last forgot every user.
    private var asked: Set<String> = []
    private var found: [String: [UInt8]] = [:]
    private var report = Report()
    /// Read at each write (outbox rows, refusals), so rows carry the time they were written.
    private let clock: any WallClock
    private var now: String { String(clock.now()) }

    /// Joins the workers of the database at `store`. Not while `init` changes the catalog (it waits for it), and
    /// `init` refuses to run while workers do: their engines hold the catalog and roster.
    public init(store: PGStore, clock: any WallClock = SystemClock()) throws {
        self.store = store
        self.clock = clock
        guard store.isInitialized else { throw StoreError.notInitialized(path: store.path) }
        // Named in pg_stat_activity, so that an operator (or a test) sees which process holds which lease.
        try store.c.exec("SET application_name = 'incentives work \(getpid())'")
        // A worker slot, held for the whole run by a connection of its own (`PGLocks`: a reader's login can hold none):
        // `init` takes them all, so it never changes the catalog under a running worker, and waits for none.
        slot = try PGLockHolder(url: store.url, name: "incentives work \(getpid()) slot")
        try slot.takeWorkerSlot()
        leases = try PGLockHolder(url: store.url, name: "incentives work \(getpid()) leases")
        // Woken by commits instead of polling (an idle worker polling every 50 ms ran about 60 statements a second,
        // each `pg_locks` look scanning the server's lock table); listening before the first look misses nothing.
        try store.c.exec("LISTEN \(PGSchema.changesChannel)")
        // The workers already running share the partitions anew at once.
        try Self.announce(store.c)
        engine = try store.engine()
        intake = Intake(storedEventsFor: engine)
        engine.loadProgress = { [unowned self] member in found.removeValue(forKey: member.id) }
        try c.exec(PGAchievementRows.stagingTable)
        try c.exec("CREATE TEMP TABLE IF NOT EXISTS progress_in (LIKE progress) ON COMMIT DELETE ROWS")
    }

    /// Works until drained (`Options.untilDrained`) or for ever; `onBatch` after each committed batch.
    @discardableResult
    public func run(_ options: Options = Options(), onBatch: (Report) -> Void = { _ in }) throws -> Report {
        defer { release() }
        while true {
            let live = try rebalance()
            // While an ingest writes the inbox, a partition waits for a whole batch: evaluating whatever has just
            // arrived would mean many small batches, each saving the progress of every user it touched.
            let head = try Self.ingestWriting(c) ? try inboxHead() : nil
            var worked = false
            for p in held {
                if try evaluate(partition: p, limit: max(options.batch, 1), onlyWholeBelow: head) {
                    worked = true
                    onBatch(report)
                    // A worker joined or left: share the partitions anew before the next batch, not after a round.
                    if try liveWorkers() != live { break }
                }
            }
            if !worked {
                if options.untilDrained, try drained() { break }
                _ = try c.notifications(waitingUpTo: options.idle)
            }
        }
        report.partitions = held
        return report
    }

    // MARK: - Leases

    /// How many workers run on this database now (this one included): the holders of the shared work lock.
    private func liveWorkers() throws -> Int { max(try PGLocks.heldWorkerSlots(c), 1) }

    /// Holds a fair share of the partitions: gives back what is beyond it (a worker joined), takes free ones up to
    /// it (a worker left or died: its session's locks are gone). A partition given back is evaluated no further by
    /// this worker, whose engine then forgets every user (the next owner's state comes from the database).
    /// Returns how many workers it shared among.
    @discardableResult
    private func rebalance() throws -> Int {
        let n = PGSchema.partitions
        let live = try liveWorkers()
        let share = (n + live - 1) / live
        if held.count > share {
            for p in held[share...] { positions[p] = nil }
            held.removeSubrange(share...)
            // Row locks end with their transaction: all go, and the ones kept are taken again (one another worker took
            // in that moment is its now).
            leases.releaseAll()
            held = try held.filter { p in
                if try leases.takeIfFree(PGLocks.lease(p)) { return true }
                positions[p] = nil
                return false
            }
            engine.forgetProgress()
            asked.removeAll()
            found.removeAll()
        }
        guard held.count < share else { return live }
        for p in 0..<n where held.count < share && !held.contains(p) {
            guard try leases.takeIfFree(PGLocks.lease(p)) else { continue }
            positions[p] = try c.exec("SELECT position FROM work_positions WHERE part = $1", [String(p)]).int64(0, 0)
            held.append(p)
            report.taken += 1
        }
        held.sort()
        report.partitions = held
        return live
    }

    private func release() {
        leases.releaseAll()
        held.removeAll()
        slot.releaseAll()
        // The others take the partitions given back at once.
        try? Self.announce(c)
    }

    /// Wakes the idle workers (and refreshes the consoles' Live screens): something they wait on changed that no
    /// insert announces — a worker joined or left, an ingest let go of its lock.
    static func announce(_ c: PGConnection) throws {
        try c.exec("SELECT pg_notify('\(PGSchema.changesChannel)', 'workers')")
    }

    /// Whether every partition of the database is evaluated up to its last event and no ingest is writing more.
    public static func isDrained(_ store: PGStore) throws -> Bool { try drained(store.c) }

    private func drained() throws -> Bool { try Self.drained(c) }

    /// Whether an ingest holds the ingest lock (it is writing the inbox).
    private static func ingestWriting(_ c: PGConnection) throws -> Bool { try PGLocks.isHeld(PGLocks.ingest, c: c) }

    private static func drained(_ c: PGConnection) throws -> Bool {
        if try ingestWriting(c) { return false }
        return try !partitionsBehind(c)
    }

    /// Whether some partition holds events after its position (stored, not evaluated yet).
    static func partitionsBehind(_ c: PGConnection) throws -> Bool {
        let behind = (0..<PGSchema.partitions).map { p in
            "(SELECT coalesce(max(seq), 0) FROM \(PGSchema.partitionTable(p, of: "events"))) > (SELECT position FROM work_positions WHERE part = \(p))"
        }.joined(separator: " OR ")
        return try c.exec("SELECT \(behind)").bool(0, 0)
    }

    // MARK: - One batch

    /// The `seq` of the last event an ingest committed (migration 5); before the running ingest's first commit
    /// in a database whose ingests predate it, the events' own.
    private func inboxHead() throws -> Int64 {
        try c.exec("SELECT coalesce((SELECT max(last_seq) FROM ingests), (SELECT max(seq) FROM events), 0)").int64(0, 0)
    }

    /// Evaluates the next events of partition `p` after its position and commits what they earned, with the new
    /// position, in one transaction. False when it had none, or, while an ingest writes (`onlyWholeBelow` its last
    /// committed `seq`), fewer than about a batch.
    private func evaluate(partition p: Int, limit: Int, onlyWholeBelow head: Int64?) throws -> Bool {
        guard let position = positions[p] else { return false }
        let events = PGSchema.partitionTable(p, of: "events")
        if let head {
            // About a whole batch: `seq` numbers every partition's events, so a span of `limit` × partitions numbers
            // holds about `limit` of this one's. (Counting them exactly, at every look, cost the server more.)
            guard head.subtractingSaturated(position) >= Int64(limit) * Int64(PGSchema.partitions) else { return false }
        }
        let r = try c.exec("SELECT seq, id, type, user_id, at_s, at_nanos, category, ingest FROM \(events) WHERE seq > $1 ORDER BY seq LIMIT $2",
                           [String(position), String(limit)])
        guard r.count > 0 else { return false }
        var lines: [Intake.Line] = [], seqs: [Int64] = [], ingests: [Int64] = [], users: [String] = []
        lines.reserveCapacity(r.count)
        seqs.reserveCapacity(r.count)
        for i in 0..<r.count {
            guard let type = EventType(rawValue: r.text(i, 2)) else {
                throw StoreError.corrupt(path: store.path, reason: "event \(r.text(i, 1)): unknown type \(r.text(i, 2))")
            }
            let user = r.text(i, 3)
            lines.append(.success(Event(id: r.text(i, 1), type: type, user: user, at: try PGStoreReader.instant(r, i, 4, path: store.path),
                                        category: r.optionalText(i, 6))))
            seqs.append(r.int64(i, 0))
            ingests.append(r.int64(i, 7))
            if !asked.contains(user) {
                asked.insert(user)
                users.append(user)
            }
        }
        let last = seqs[seqs.count - 1]
        if !users.isEmpty {
            let q = try c.exec("SELECT user_id, state FROM \(PGSchema.partitionTable(p, of: "progress")) WHERE user_id = ANY($1::text[])",
                               [PGText.array(users)])
            for i in 0..<q.count { found[q.text(i, 0)] = q.bytes(i, 1) }
        }
        var sink = WorkSink(seqs: seqs)
        intake.take(lines[...], into: &sink)
        let states = IngestBatch.progressStates(of: engine.takeChangedMembers()[...], in: engine)

        let added: Int
        do {
            added = try commit(partition: p, position: position, last: last, states: states, sink: sink, ingests: ingests)
        } catch StoreError.postgres(_, let state, let message) where state.hasPrefix("22") || state.hasPrefix("54") {
            // The server refuses what this batch earned (a catalog string too large for an index): every later run
            // would fail here again. Recorded, so that `init` may bring a corrected catalog (PGStore.load), and said.
            try c.exec("""
                INSERT INTO work_refusals(part, position, reason, at) VALUES ($1, $2, $3, $4)
                  ON CONFLICT (part) DO UPDATE SET position = excluded.position, reason = excluded.reason, at = excluded.at
                """, [String(p), String(position), "PostgreSQL error \(state): \(message)", now])
            throw StoreError.workRefused(path: store.path, partition: p, reason: "PostgreSQL error \(state): \(message)")
        }
        positions[p] = last
        report.events += r.count
        report.achievements += added
        report.batches += 1
        return true
    }

    /// Stores one batch's awards, progress and the partition's new position in one transaction.
    private func commit(partition p: Int, position: Int64, last: Int64, states: [(user: String, bytes: [UInt8])], sink: WorkSink,
                        ingests: [Int64]) throws -> Int {
        try c.transaction { () -> Int in
            if !states.isEmpty {
                var data: [UInt8] = []
                for (user, bytes) in states { PGText.copyRow([user, PGText.bytea(bytes), String(last)], into: &data) }
                try c.copy(into: "progress_in", columns: ["user_id", "state", "upto"], data: data)
                try c.exec("INSERT INTO progress SELECT * FROM progress_in ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, upto = excluded.upto")
            }
            // The lease makes this worker the only one to move the position; if it moved anyway, nothing is kept.
            let moved = try c.exec("UPDATE work_positions SET position = $1 WHERE part = $2 AND position = $3 RETURNING part",
                                   [String(last), String(p), String(position)])
            guard moved.count == 1 else {
                throw StoreError.postgres(path: store.path, sqlstate: "", message: "partition \(p) was evaluated by another worker meanwhile")
            }
            // A refusal this partition had (`work_refusals`) is over once a batch of it commits.
            try c.exec("DELETE FROM work_refusals WHERE part = $1", [String(p)])
            // A worker waiting for this partition to be evaluated (`--until-drained`) hears of it at the commit, even
            // when the batch earned nothing (then no insert announces it).
            try Self.announce(c)
            // The awards after the rest: their insert holds the lock that orders `recorded` until the commit (PGAchievementRows).
            let rows = try sink.earned.map { a, eventSeq, place, _ in
                PGAchievementRows.Row(a, seq: try PGAchievementRows.seq(eventSeq: eventSeq, place: place, c: c), eventSeq: eventSeq)
            }
            let added = try PGAchievementRows.insert(rows, catalog: engine.catalog, now: now, c: c)
            // Each ingest's summary counts the awards its events earned: kept here, in the transaction that stores
            // them, so that counting is never a join of every award with its event (1.7 s on the bench database).
            // Last, just before the commit: the ingest's own batches update the same row, and a lock on it held
            // across the awards' insert stalled the inbox.
            var earnedPerIngest: [Int64: Int] = [:]
            for e in sink.earned { earnedPerIngest[ingests[e.index], default: 0] += 1 }
            for (ingest, n) in earnedPerIngest.sorted(by: { $0.key < $1.key }) {
                try c.exec("UPDATE ingests SET achievements = achievements + $1 WHERE id = $2", [String(n), String(ingest)])
            }
            return added
        }
    }

    /// The partitions whose last batch the server refused (`work_refusals`), for `init`.
    static func refusedPartitions(_ c: PGConnection) throws -> Set<Int> {
        Set(try c.exec("SELECT part FROM work_refusals").column(0).compactMap { Int($0) })
    }
}

/// A worker's `IntakeSink`: the awards of each event, with the event's arrival number. (The events are stored
/// already; a stored event whose user left the roster since is refused by admission and evaluated by nobody, as an
/// ingest after that roster change would refuse it.)
private struct WorkSink: IntakeSink {
    let seqs: [Int64]
    var earned: [(achievement: Achievement, eventSeq: Int64, place: Int, index: Int)] = []

    mutating func reject(at index: Int, _ why: Rejection, event: Event?) {}

    mutating func accept(at index: Int, _ event: Event, earned achievements: [Achievement]) {
        for (k, a) in achievements.enumerated() { earned.append((a, seqs[index], k, index)) }
    }

    static var takesEventsThatEarnNothing: Bool { false }
}
