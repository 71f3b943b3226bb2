import IncentivesSQL

/// Events' `(user_key, seq)` index (`events_user`): what finds one user's events for `incentives user`, the
/// console and a reader's catch-up of a user's progress; and, managed with it, the awards' look-up indexes.
///
/// Keeping it up to date row by row is the dearest part of a large ingest (each event lands in a random place
/// of it); SQLite builds it in one sorted pass for a fraction of that. So an ingest that adds more events than
/// are stored already (a first load) drops it and builds it again in the transaction of its last rows
/// (`Ingestor.Options.rebuildUserIndexFrom`). Meanwhile readers still get every answer, by scanning events:
/// slower, never wrong (the awards' pages and counts scan the awards table the same way). An ingest that stops early builds it again on its way out; one killed leaves it missing
/// until the next ingest, or the next writer that finds no ingest running, builds it.
enum UserIndex {
    static let name = "events_user"

    /// The indexes a first load builds at its end, each as the schema defines it: events' per-user index, and the
    /// awards' look-up indexes (by user, day, employer, program, reward, and the Programs screen's menu count).
    /// An award lands in each of them at a random place too; with 44,617 awards on the bench load, six index
    /// insertions an award were a share of the writer thread, the ingest's busiest (README, Benchmarks). The
    /// awards' `id` stays unique throughout (the table's own constraint): that one decides what is new.
    static let deferred: [(name: String, columns: String)] = [
        (name, "events(user_key, seq)"),
        ("achievements_user", "achievements(user, seq)"),
        ("achievements_completed", "achievements(completed_on, seq)"),
        ("achievements_employer", "achievements(employer, seq)"),
        ("achievements_program", "achievements(program, seq)"),
        ("achievements_reward", "achievements(reward, seq)"),
        ("achievements_menu", "achievements(employer, program, incentive, reward)"),
    ]

    /// Whether every one of them is there.
    static func exists(in db: Database) throws -> Bool {
        try db.integer("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN (\(deferred.map { "'\($0.name)'" }.joined(separator: ", ")))")
            == deferred.count
    }

    /// Builds those missing (a no-op when all are there).
    static func build(in db: Database) throws {
        guard try !exists(in: db) else { return }
        // SQLite's sorter holds up to the page cache's size of keys in memory (at least 250 pages) before it
        // spills to a temporary file: a smaller cache while it runs keeps the ingest's peak memory down
        // (and the index builds no slower; README, Benchmarks).
        let cache = try db.pragma("cache_size")
        try db.execute("PRAGMA cache_size = -4096")
        defer { _ = try? db.execute("PRAGMA cache_size = \(cache)") }
        for index in deferred { try db.execute("CREATE INDEX IF NOT EXISTS \(index.name) ON \(index.columns)") }
    }

    static func drop(in db: Database) throws {
        for index in deferred { try db.execute("DROP INDEX IF EXISTS \(index.name)") }
    }

    /// For a writer opening the store: builds the index when an ingest was killed without it and no ingest
    /// runs now (a running one builds it at its end). Best effort: without it, the store is only slower.
    static func repairIfIdle(_ db: Database) {
        guard (try? exists(in: db)) == false, let lock = try? IngestLock(databasePath: db.path) else { return }
        defer { lock.release() }
        _ = try? db.transaction { try build(in: db) }
    }
}
