import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesSQL

/// The read-only view of the SQLite store: support look-ups, the console, `achievements`, `programs`, `rejects`.
/// The queries are `SQLStoreReader`'s, shared with PostgreSQL; this class adds what only SQLite's plans need.
///
/// It opens its own read-only connection, so in WAL mode it never waits for a running ingest (and never
/// makes one wait): each call sees the last committed batch. Not thread-safe: one reader per thread.
/// Every call is a few indexed queries; see README for measured latencies.
public final class StoreReader: SQLStoreReader, StoreLookups {
    /// The connection, for this package's own queries (`WhyQuery`, tests); the console and the CLI see only
    /// `StoreReading`.
    package let db: Database

    public init(path: String, busyTimeout: Int32 = 100) throws {
        var db = try Database(path: path, mode: .readOnly, busyTimeout: busyTimeout)
        let found = try db.pragma("user_version")
        if found > 0 && found < Schema.version {
            // A file from an earlier version: the queries below assume the current schema, so it is brought up to
            // date once (opening it for writing migrates it) and read from then on. One this user cannot write
            // is refused with that reason rather than failing on a missing table.
            do {
                _ = try Store(path: path, create: false)
            } catch StoreError.readOnly {
                throw StoreError.olderSchemaReadOnly(path: path, found: found, supported: Schema.version)
            }
            db = try Database(path: path, mode: .readOnly, busyTimeout: busyTimeout)
        }
        self.db = db
        try Schema.check(db)
        super.init(session: db, catalog: try StoredConfiguration.catalog(db))
    }

    public func reload() throws {
        catalog = try StoredConfiguration.catalog(db)
    }

    /// Achievements per reward, of every employer or of one (bound to `?`).
    package static func rewardCountsSQL(employer: Bool) -> String { rewardCountsSQL(employer: employer, dialect: SQLiteDialect()) }

    // MARK: - Users

    /// A substring search reads `members_search` alone, which holds every column it tests (ids and zones already
    /// folded) in id order: the page's ids first, then their rows. Folding every row of the table for the page
    /// and again for the count cost 22 ms a key at 20,000 users; the index, 7 ms. The id prefix is a range on the
    /// primary key and the employer an index (`members_employer` is in id order too, so paging by `afterID`
    /// stays a range at any depth).
    public override func users(_ query: UserQuery) throws -> [Member] {
        guard Self.searchesSubstrings(query) else { return try super.users(query) }
        var f = userFilter(query)
        if let after = query.afterID { f.add("id", ">", after) }
        let sql = "SELECT \(Self.memberColumns) FROM members WHERE id IN (SELECT id FROM members INDEXED BY members_search\(f.sql) "
            + "ORDER BY id LIMIT \(f.limit(query.limit)) OFFSET \(f.bind(.int(Int64(max(query.offset, 0)))))) ORDER BY id"
        return try db.query(sql, f.values) { try Member(row: $0) }
    }

    public override func userCount(_ query: UserQuery) throws -> Int {
        guard Self.searchesSubstrings(query) else { return try super.userCount(query) }
        let f = userFilter(query.unpaged)
        return try db.queryInt("SELECT count(*) FROM members INDEXED BY members_search\(f.sql)", f.values)
    }

    /// Whether `query` matches substrings (of ids or zones), which only `members_search` answers without
    /// reading every row.
    static func searchesSubstrings(_ q: UserQuery) -> Bool {
        !(q.idContains ?? "").isEmpty || !(q.zone ?? "").isEmpty
    }

    public override func profileSource(of id: String) throws -> (member: Member, engine: Engine, eventCount: Int)? {
        guard let member = try user(id) else { return nil }
        let count = try db.integer("SELECT count(*) FROM events WHERE user_key = \(UserKeys.keyOfUser)", .text(id))
        return (member, try engine(of: member), count)
    }

    /// The user's standing on every reward of their employer, from their saved progress.
    public func standings(of member: Member, today: LocalDate?) throws -> [StandingRecord] {
        try engine(of: member).standings(of: member.id, today: today).map { StandingRecord($0, zone: member.timezone) }
    }

    /// An engine over this one user, holding their saved progress and any later events.
    private func engine(of member: Member) throws -> Engine {
        // Restoring one small blob is cheaper than any replay.
        let engine = try engine(over: member)
        if let blob = try db.row("SELECT state FROM progress WHERE user = ?", .text(member.id), map: { $0.blob(0) }), let blob {
            try? engine.restoreProgress(of: member.id, from: blob)
        }
        // The blob includes events up to `progress_seq`; this user's later ones (a running ingest) go on top.
        try ProgressLog.catchUp(engine, in: db, user: member.id) { _, _ in }
        return engine
    }

    // MARK: - Events

    public func forEachEvent(afterSeq: Int64, _ body: (Int64, Event) throws -> Void) throws {
        try db.snapshot {
            // Users' ids by key, read once: a join per event would cost a look-up in `user_keys` for each of them.
            var users: [Int64: String] = [:]
            for (key, id) in try db.rows("SELECT key, id FROM user_keys", map: { ($0.int64(0), $0.text(1)) }) { users[key] = id }
            // A statement of its own (`body` may query this connection).
            let s = try Statement.prepareUncached(
                "SELECT seq, id, type, user_key, at_s, at_nanos, category FROM events WHERE seq > ? ORDER BY seq", on: db)
            defer { s.finalize() }
            try s.bind(1, afterSeq)
            while try s.step() {
                guard let user = users[s.int64(3)] else {
                    throw StoreError.corrupt(path: db.path, reason: "event \(s.text(1)): unknown user key \(s.int64(3))")
                }
                try body(s.int64(0), try Event(row: s, from: 1, user: user))
            }
        }
    }

    /// The employer's users' events: each user's run of `events_user (user_key, seq)` in arrival order, found
    /// through `members_employer` and `user_keys`.
    public func forEachEvent(employer: String, _ body: (Event) throws -> Void) throws {
        let s = try Statement.prepareUncached(
            "SELECT e.id, e.type, k.id, e.at_s, e.at_nanos, e.category FROM members m JOIN user_keys k ON k.id = m.id "
                + "JOIN events e ON e.user_key = k.key WHERE m.employer = ? ORDER BY m.id, e.seq", on: db)
        defer { s.finalize() }
        try s.bind(1, employer)
        while try s.step() { try body(try Event(row: s)) }
    }

    // MARK: - Achievements

    /// SQLite (without stat4) walks the table in seq order and filters, which is quick when many rows match and
    /// slow when few do. For a date range alone, probe the date index up to a bound: few matches → read them
    /// through the index and sort them; many → the walk finds a page within a few hundred rows.
    public override func achievementSource(_ query: AchievementQuery) throws -> String {
        guard query.since != nil || query.until != nil, query.user == nil, query.userPrefix == nil, query.employer == nil,
              query.order == .recorded || query.order == .newest else { return "achievements" }
        let probe = try db.integer("""
            SELECT count(*) FROM (SELECT 1 FROM achievements INDEXED BY achievements_completed
            WHERE completed_on >= ? AND completed_on <= ? LIMIT 2000)
            """, .text(query.since?.iso ?? "0000-00-00"), .text(query.until?.iso ?? "9999-99-99"))
        return probe < 2000 ? "achievements INDEXED BY achievements_completed" : "achievements"
    }

    /// Streamed from one statement (one read snapshot), without holding them in memory: how
    /// `achievements --format jsonl` exports millions.
    public override func forEachAchievement(_ query: AchievementQuery, _ body: (AchievementRecord) throws -> Void) throws {
        let (sql, values) = try achievementSQL(query)
        // A statement of its own, not the cache's: `body` may run other queries on this connection.
        let s = try Statement.prepareUncached(sql, on: db)
        defer { s.finalize() }
        try s.bind(values)
        while try s.step() { try body(try achievementRecord(s)) }
    }
}
