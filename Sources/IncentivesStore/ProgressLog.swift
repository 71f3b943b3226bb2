import IncentivesCore
import IncentivesSQL

/// Users' progress in the database, and the events it already includes.
///
/// Each batch commits its events and achievements; users' progress blobs are saved less often (every
/// `IngestOptions.progressEvery` accepted events and at the end of every ingest), together with
/// `progress_seq`: the last event sequence number the blobs include. Events after it are the log that
/// brings the engine back to the exact state of an uninterrupted run: an ingest replays them through the
/// engine before reading on (achievements they earn are already stored and are not stored twice), and a
/// reader replays one user's few of them on top of that user's blob.
enum ProgressLog {
    static let key = "progress_seq"

    /// The last event sequence number that saved progress includes.
    static func savedThrough(_ db: Database) throws -> Int64 {
        Int64(try db.row("SELECT value FROM settings WHERE key = ?", .text(key)) { Int($0.text(0)) ?? 0 } ?? 0)
    }

    /// Saves users' progress and moves `progress_seq` to `throughSeq`, the last event that progress includes.
    /// Call inside the batch's transaction, the one that stores that event.
    static func save(_ states: [(user: String, bytes: [UInt8])], throughSeq: Int64, in db: Database) throws {
        let upsert = try db.prepare("INSERT INTO progress(user, state) VALUES (?, ?) ON CONFLICT(user) DO UPDATE SET state = excluded.state")
        for (user, bytes) in states {
            try upsert.bind(1, user)
            try upsert.bind(2, bytes: bytes)
            try upsert.runToEnd()
        }
        try db.run("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                   .text(key), .text(String(throughSeq)))
    }

    /// Replays stored events after `progress_seq` through `engine`, in arrival order, handing what they earn
    /// to `earned`. Returns how many events were replayed.
    @discardableResult
    static func catchUp(_ engine: Engine, shards: EngineShards? = nil, in db: Database, user: String? = nil,
                        earned: ([Achievement], Int64) throws -> Void) throws -> Int {
        let after = try savedThrough(db)
        let sql = user == nil
            ? "SELECT e.seq, e.id, e.type, k.id, e.at_s, e.at_nanos, e.category FROM events e JOIN user_keys k ON k.key = e.user_key WHERE e.seq > ? ORDER BY e.seq"
            : "SELECT seq, id, type, ?1, at_s, at_nanos, category FROM events WHERE user_key = (SELECT key FROM user_keys WHERE id = ?1) AND seq > ?2 ORDER BY seq"
        let s = try db.prepare(sql)
        if let user { try s.bind(1, user); try s.bind(2, after) } else { try s.bind(1, after) }
        defer { s.reset() }
        var pending: [(Int64, Event)] = []
        var n = 0
        // Read a page, then run the engine, so that `earned` may use the connection.
        func flush() throws {
            for (seq, event) in pending {
                // With shards, the user's own shard's engine (the one that goes on with their events).
                if case .success(let a) = (shards?.engine(for: event.user) ?? engine).record(event), !a.isEmpty { try earned(a, seq) }
            }
            n += pending.count
            pending.removeAll(keepingCapacity: true)
        }
        var lastSeq = after
        while true {
            var more = false
            while try s.step() {
                guard let type = EventType(rawValue: s.text(2)) else { continue }
                lastSeq = s.int64(0)
                pending.append((lastSeq, Event(id: s.text(1), type: type, user: s.text(3), at: try instant(s, 4), category: s.optionalText(6))))
                if pending.count >= 10_000 { more = true; break }
            }
            s.reset()
            try flush()
            guard more else { break }
            if let user { try s.bind(1, user); try s.bind(2, lastSeq) } else { try s.bind(1, lastSeq) }
        }
        return n
    }

    /// The instant stored in columns `column` (seconds since 1970) and `column + 1` (nanoseconds). Checked, not
    /// trusted: a value no ingest could have written (a damaged or edited file) is an error, not a wrong day.
    static func instant(_ s: Statement, _ column: Int32) throws -> Instant { try s.instant(Int(column)) }
}
