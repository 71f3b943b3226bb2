import Foundation
import IncentivesSQL

/// The locks that decide whether the pipeline runs — one ingest at a time, no `init` under a running ingest or worker,
/// one worker per user partition, how many workers share them, the order awards become visible — as row locks on
/// tables of their own (`pipeline_locks`, `worker_slots`, migration 9). A row lock needs UPDATE on the table, which only
/// the owner and the writer have (`PGRoles`): a reader's or a sender's login can hold none of them. Advisory locks,
/// which these replace, need no privilege at all — any login that could connect stalled or stopped the pipeline by
/// holding the application's keys (issue 21).
///
/// A session's locks are held by an open transaction on a connection of their own (`PGLockHolder`), so that they last
/// as long as the process, whatever the command's own connection commits, and end with it (`kill -9`, a lost network:
/// the server rolls the transaction back). Someone only looking (is an ingest writing? how many workers run?) asks
/// with `FOR KEY SHARE SKIP LOCKED` in a statement of its own: a row someone holds is skipped, and the look itself
/// holds nothing past the statement. A holder therefore takes a row that may be being looked at with a short wait
/// (`lock_timeout`) rather than `NOWAIT`, so that a look never reads as a holder.
enum PGLocks {
    static let ingest = "ingest"
    static let record = "record"
    static func lease(_ partition: Int) -> String { "lease-\(partition)" }
    /// Rows of `worker_slots`: at most this many workers run at once (a worker beyond waits for a slot).
    static let workerSlots = 64

    /// How long a holder waits for a row a look may hold for a moment.
    static let momentMilliseconds = 2_000

    /// The rows migration 9 creates, and `init` puts back if they went missing.
    static var rowsSQL: String {
        """
        INSERT INTO pipeline_locks(name) SELECT unnest(ARRAY['\(ingest)', '\(record)'] || ARRAY(SELECT 'lease-' || p FROM generate_series(0, \(PGSchema.partitions - 1)) p))
          ON CONFLICT DO NOTHING;
        INSERT INTO worker_slots(slot) SELECT s FROM generate_series(0, \(workerSlots - 1)) s ON CONFLICT DO NOTHING;
        """
    }

    /// Whether someone holds `name` now (a look: holds nothing after the statement).
    static func isHeld(_ name: String, c: PGConnection) throws -> Bool {
        try c.exec("SELECT count(*) FROM (SELECT 1 FROM pipeline_locks WHERE name = $1 FOR KEY SHARE SKIP LOCKED) f", [name]).int(0, 0) == 0
    }

    /// How many worker slots are held: the workers running.
    static func heldWorkerSlots(_ c: PGConnection) throws -> Int {
        try c.exec("""
            SELECT (SELECT count(*) FROM worker_slots) - (SELECT count(*) FROM (SELECT 1 FROM worker_slots FOR KEY SHARE SKIP LOCKED) f)
            """).int(0, 0)
    }

    /// Inside the caller's transaction on `c`: takes `name`, waiting only a moment; false when another holds it. The
    /// lock lasts until that transaction ends.
    static func takeInTransaction(_ name: String, c: PGConnection) throws -> Bool {
        try waitingAMoment(c) {
            try c.exec("SELECT name FROM pipeline_locks WHERE name = $1 FOR UPDATE", [name]).count == 1
        }
    }

    /// Inside the caller's transaction on `c`: takes every worker slot (no worker may start or run meanwhile); false
    /// when a worker holds one.
    static func takeAllWorkerSlotsInTransaction(_ c: PGConnection) throws -> Bool {
        try waitingAMoment(c) {
            _ = try c.exec("SELECT slot FROM worker_slots FOR UPDATE")
            return true
        }
    }

    /// Runs `body` in a savepoint with a short `lock_timeout`: a lock it cannot get in that time is `false`, and the
    /// transaction goes on (with what it held before).
    private static func waitingAMoment(_ c: PGConnection, _ body: () throws -> Bool) throws -> Bool {
        try c.exec("SAVEPOINT incentives_lock")
        try c.exec("SET LOCAL lock_timeout = \(momentMilliseconds)")
        do {
            let got = try body()
            try c.exec("RELEASE SAVEPOINT incentives_lock")
            try c.exec("SET LOCAL lock_timeout = 0")
            return got
        } catch StoreError.locked {
            try c.exec("ROLLBACK TO SAVEPOINT incentives_lock")
            try c.exec("SET LOCAL lock_timeout = 0")
            return false
        }
    }
}

/// Holds `PGLocks` rows for a whole run, in an open transaction on a connection of its own.
final class PGLockHolder {
    let c: PGConnection
    private var open = false

    init(url: String, name: String) throws {
        c = try PGConnection(url: url)
        try c.exec("SET application_name = \(PGRoles.literal(name))")
    }

    private func begin() throws {
        guard !open else { return }
        try c.exec("BEGIN")
        open = true
    }

    /// Takes `name` for as long as this holder lives (or until `releaseAll`), waiting only a moment.
    func take(_ name: String) throws -> Bool {
        try begin()
        return try PGLocks.takeInTransaction(name, c: c)
    }

    /// Takes `name` if nobody holds it, without waiting (for rows nobody only looks at: the leases).
    func takeIfFree(_ name: String) throws -> Bool {
        try begin()
        return try c.exec("SELECT name FROM pipeline_locks WHERE name = $1 FOR UPDATE SKIP LOCKED", [name]).count == 1
    }

    /// Takes a free worker slot, waiting (as long as it takes) while there is none: `init` holds them all while it
    /// changes the catalog, so a worker starting then waits for it.
    func takeWorkerSlot() throws {
        try begin()
        while try c.exec("SELECT slot FROM worker_slots ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED").count == 0 {
            usleep(100_000)
        }
    }

    /// Lets go of everything it holds.
    func releaseAll() {
        guard open else { return }
        open = false
        _ = try? c.exec("ROLLBACK")
    }

    deinit { releaseAll() }
}
