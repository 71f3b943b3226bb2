import IncentivesSQL

/// Events' `(user_key, seq)` index (`events_user`): what finds one user's events for `incentives user`, the
/// console and a reader's catch-up of a user's progress.
///
/// Keeping it up to date row by row is the dearest part of a large ingest (each event lands in a random place
/// of it); SQLite builds it in one sorted pass for a fraction of that. So an ingest that adds more events than
/// are stored already (a first load) drops it and builds it again in the transaction of its last rows
/// (`Ingestor.Options.rebuildUserIndexFrom`). Meanwhile readers still get every answer, by scanning events:
/// slower, never wrong. An ingest that stops early builds it again on its way out; one killed leaves it missing
/// until the next ingest, or the next writer that finds no ingest running, builds it.
enum UserIndex {
    static let name = "events_user"

    static func exists(in db: Database) throws -> Bool {
        try db.integer("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name = ?", .text(name)) == 1
    }

    /// Builds the index when it is missing (a no-op otherwise).
    static func build(in db: Database) throws {
        guard try !exists(in: db) else { return }
        // SQLite's sorter holds up to the page cache's size of keys in memory (at least 250 pages) before it
        // spills to a temporary file: a smaller cache while it runs keeps the ingest's peak memory down
        // (and the index builds no slower; README, Benchmarks).
        let cache = try db.pragma("cache_size")
        try db.execute("PRAGMA cache_size = -4096")
        defer { _ = try? db.execute("PRAGMA cache_size = \(cache)") }
        try db.execute("CREATE INDEX IF NOT EXISTS \(name) ON events(user_key, seq)")
    }

    static func drop(in db: Database) throws {
        try db.execute("DROP INDEX IF EXISTS \(name)")
    }

    /// For a writer opening the store: builds the index when an ingest was killed without it and no ingest
    /// runs now (a running one builds it at its end). Best effort: without it, the store is only slower.
    static func repairIfIdle(_ db: Database) {
        guard (try? exists(in: db)) == false, let lock = try? IngestLock(databasePath: db.path) else { return }
        defer { lock.release() }
        _ = try? db.transaction { try build(in: db) }
    }
}
