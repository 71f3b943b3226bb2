import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesSQL

/// The durable store: one SQLite file in WAL mode holding the catalog, the roster, every accepted event,
/// each user's progress, achievements with evidence, the partner outbox and rejected lines.
///
/// `Store` is the writer's view (init, ingest); `StoreReader` is the read-only view for look-ups and the
/// console. Both expose `db` so that other files in this module can add queries as extensions.
public final class Store {
    public let db: Database
    public var path: String { db.path }

    /// The page size of a database this build creates (bytes).
    public static let pageSize = 32_768

    /// The schema version this build writes.
    public static var schemaVersion: Int { Schema.version }

    /// Opens (and with `create`, creates) a database for writing, migrating it to the current schema.
    /// `maxPages`: a size limit (`PRAGMA max_page_count`), for tests of a full disk. `pageSize`: for a new file only.
    public init(path: String, create: Bool = true, busyTimeout: Int32 = 5_000, maxPages: Int? = nil,
                pageSize: Int = Store.pageSize) throws {
        db = try Database(path: path, mode: .readWrite(create: create), busyTimeout: busyTimeout)
        if db.isReadOnlyFile { throw StoreError.readOnly(path: path) }
        // Before anything is written (the page size, WAL mode): a file that is not ours is refused unchanged,
        // and one with several names is refused before a second write-ahead log can exist beside another name.
        try Schema.refuseForeign(db)
        if db.fileLinkCount > 1 { throw StoreError.severalNames(path: path, links: db.fileLinkCount) }
        // Pages of 32 KiB for a new file (an existing one keeps its size): an ingest commits every batch, and each
        // commit writes every page the batch touched to the WAL; events' `(user, seq)` index is touched all over
        // by every batch, and with bigger pages the same changes make fewer pages, fewer B-tree levels and fewer
        // writes. On the benchmark load ingest was fastest with 32 KiB pages and look-ups stayed as fast (README,
        // Benchmarks, has the figures). Only possible before the file has its first page.
        if try db.integer("PRAGMA page_count") == 0 { try db.execute("PRAGMA page_size = \(pageSize)") }
        // WAL: readers never wait for the writer, and a crash leaves either a whole transaction or none.
        let mode = try db.row("PRAGMA journal_mode = WAL") { $0.text(0) } ?? ""
        if mode.lowercased() != "wal" {
            throw StoreError.sqlite(path: path, code: 0, message: "cannot switch to WAL mode (got \(mode))")
        }
        // NORMAL in WAL mode: a commit is safe from a crashed or killed process (the OS has the pages) and
        // fsyncs happen at checkpoints only. A power cut may undo the last batches, checkpoint included, so
        // the next ingest reads them again: consistent, and ids keep it idempotent (DESIGN.md §4).
        // A page cache of 16 MB, whatever the database's size, so that an ingest's memory does not grow with it.
        // On the benchmark load a larger cache bought no speed, only memory, and a smaller one began to cost
        // reads (README, Benchmarks).
        try db.execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF; PRAGMA cache_size = -16384")
        if let maxPages { _ = try db.integer("PRAGMA max_page_count = \(maxPages)") }
        try Schema.migrate(db)
        UserIndex.repairIfIdle(db)
    }

    // MARK: - Catalog and roster

    /// Replaces the catalog and the roster in one transaction. The catalog is kept as the JSON text that
    /// was loaded (partners and all), so that every reader decodes exactly what was validated.
    /// Users no longer on the roster are removed from it; their events and achievements stay.
    ///
    /// A catalog that changes a reward becomes a new catalog version (`CatalogVersions`): first every user's
    /// progress is brought up to date under the old catalog (events stored after the last save are replayed)
    /// and saved in the format that outlives catalog edits; then the new catalog applies to events ingested
    /// from then on, rewards it adds or redefines counting from `effective`.
    @discardableResult
    public func load(catalogJSON: Data, catalogFile: String, roster: Roster, rosterFile: String,
                     effective: LocalDate? = nil, backfill: Bool = false) throws -> LoadSummary {
        guard let text = String(data: catalogJSON, encoding: .utf8) else {
            throw StoreError.sqlite(path: path, code: 0, message: "\(catalogFile) is not UTF-8")
        }
        let proposed = try CatalogDecoder.decode(catalogJSON, file: catalogFile)
        // Not while an ingest runs: its engine holds the old catalog and roster (it would go on under them).
        let lock = try IngestLock(databasePath: path)
        defer { lock.release() }
        return try db.transaction {
            let before = try db.integer("SELECT count(*) FROM members")
            let now = Date().timeIntervalSince1970
            let day = effective ?? StoredConfiguration.today()
            var version = try CatalogVersions.latest(db)
            var change: CatalogChange?
            if version == 0 {
                version = 1
                try CatalogVersions.add(version: 1, effective: day, catalogText: text, file: catalogFile, changes: [], introduced: [:], in: db)
            } else {
                let old = try catalog()
                let diff = CatalogChange.between(old, proposed)
                change = diff
                if !diff.isEmpty {
                    try bringProgressUpToDate()
                    let introduced = CatalogVersions.introduced(by: proposed, after: old, previous: try CatalogVersions.introduced(db),
                                                                version: version + 1, effective: backfill ? nil : day)
                    version += 1
                    try CatalogVersions.add(version: version, effective: day, catalogText: text, file: catalogFile,
                                            changes: diff.rewards.map { $0.sentence(effective: day, backfill: backfill) } + diff.tiers.map { $0.sentence(effective: day) } + diff.other,
                                            introduced: introduced, in: db)
                }
            }
            for (k, v) in [("catalog", text), ("catalog_file", catalogFile), ("roster_file", rosterFile), ("loaded_at", String(now))] {
                try db.run("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", .text(k), .text(v))
            }
            try db.execute("CREATE TEMP TABLE IF NOT EXISTS loaded(id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.loaded")
            let upsert = try db.prepare("""
                INSERT INTO members(id, position, employer, timezone, eligible_from, eligible_until, partner_ids)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET position = excluded.position, employer = excluded.employer,
                  timezone = excluded.timezone, eligible_from = excluded.eligible_from,
                  eligible_until = excluded.eligible_until, partner_ids = excluded.partner_ids
                """)
            let mark = try db.prepare("INSERT OR IGNORE INTO temp.loaded(id) VALUES (?)")
            for (i, m) in roster.members.enumerated() {
                try upsert.bind(1, m.id)
                try upsert.bind(2, i)
                try upsert.bind(3, m.employer)
                try upsert.bind(4, m.timezone)
                try upsert.bind(5, m.eligibleFrom.iso)
                try upsert.bind(6, m.eligibleUntil?.iso)
                try upsert.bind(7, m.partnerMemberIDs.isEmpty ? nil : StoredConfiguration.encodePartnerIDs(m.partnerMemberIDs))
                try upsert.runToEnd()
                try mark.bind(1, m.id)
                try mark.runToEnd()
            }
            try db.run("DELETE FROM members WHERE id NOT IN (SELECT id FROM temp.loaded)")
            let removed = db.changes
            try UserKeys.assign(in: db)
            try db.execute("DELETE FROM temp.loaded")
            var backfilled = 0
            if backfill, version > 1, let change, !change.isEmpty {
                let added = try CatalogVersions.introduced(db).filter { $0.value.version == version }.map(\.key)
                backfilled = try self.backfill(Set(added).union(change.backfillKeys(in: proposed)))
            }
            return LoadSummary(users: roster.members.count, added: roster.members.count - (before - removed), removed: removed,
                               employers: roster.members.isEmpty ? 0 : Set(roster.members.compactMap(\.employer)).count,
                               version: version, change: change, backfilled: backfilled)
        }
    }

    /// Before a new catalog version: every stored event is in users' saved progress (replaying those after the
    /// last save through the old catalog's engine; what they earn is stored already), and every blob is in
    /// progress format 3, which the new catalog's engine reads whatever rewards it dropped or redefined.
    private func bringProgressUpToDate() throws {
        let engine = try engine()
        try ProgressLog.catchUp(engine, in: db) { _, _ in }
        var states = IngestBatch.progressStates(of: engine.takeChangedMembers()[...], in: engine)
        let done = Set(states.map(\.user))
        let legacy = try db.rows("SELECT user, state FROM progress") { ($0.text(0), $0.blob(0) ?? []) }.filter { user, blob in
            !done.contains(user) && blob.first != 6 // format 3 starts with 3, zig-zag encoded
        }
        for (user, blob) in legacy {
            guard (try? engine.restoreProgress(of: user, from: blob)) != nil, let bytes = engine.encodedProgress(of: user) else { continue }
            states.append((user, bytes))
        }
        try ProgressLog.save(states, throughSeq: Int64(try db.integer("SELECT coalesce(max(seq), 0) FROM events")), in: db)
        engine.forgetProgress()
    }

    /// Evaluates the rewards named by `keys` (just added or redefined by the current catalog version, counting over
    /// the whole history) over every stored event in arrival order, records the awards history gives them (now,
    /// with their evidence, and in the outbox like any other), and hands their progress to users' saved progress.
    /// Inside `load`'s transaction, after the new catalog and roster are stored. Returns the awards recorded.
    private func backfill(_ keys: Set<String>) throws -> Int {
        guard !keys.isEmpty else { return 0 }
        let catalog = try catalog()
        let backfill: CatalogBackfill
        do { backfill = try CatalogBackfill(catalog: catalog, roster: try roster(), keys: keys) } catch {
            throw StoreError.sqlite(path: path, code: 0, message: "stored configuration refused: \(error)")
        }
        let now = Date().timeIntervalSince1970
        var recorded = 0
        // Read a batch, then evaluate and record it: the statement is reset before the connection writes.
        var after: Int64 = 0
        while true {
            let rows = try db.rows("""
                SELECT e.seq, e.id, e.type, k.id, e.at_s, e.at_nanos, e.category FROM events e JOIN user_keys k ON k.key = e.user_key
                WHERE e.seq > ? ORDER BY e.seq LIMIT 50000
                """, .int(after)) { s -> (seq: Int64, event: Event) in
                guard let type = EventType(rawValue: s.text(2)) else {
                    throw StoreError.corrupt(path: path, reason: "event \(s.text(1)): unknown type \(s.text(2))")
                }
                return (s.int64(0), Event(id: s.text(1), type: type, user: s.text(3), at: try ProgressLog.instant(s, 4), category: s.optionalText(6)))
            }
            guard let last = rows.last else { break }
            for row in backfill.take(rows) where try AchievementRows.record(row, catalog: catalog, now: now, in: db) { recorded += 1 }
            after = last.seq
        }
        // The rewards' progress joins each user's saved progress for the other rewards (loaded on demand).
        let main = try engine()
        backfill.handOver(backfill.changedMembers(), to: main)
        try ProgressLog.save(IngestBatch.progressStates(of: main.takeChangedMembers()[...], in: main),
                             throughSeq: Int64(try db.integer("SELECT coalesce(max(seq), 0) FROM events")), in: db)
        return recorded
    }

    /// Every catalog version, oldest first.
    public func catalogVersions() throws -> [CatalogVersion] { try CatalogVersions.all(db) }

    /// Deletes the database at `path` and its write-ahead log and shared memory, refusing while an ingest or a
    /// sender holds it (`ingestRunning`, `senderRunning`: exit 75). For `demo-feed --reset`; open `Store`s and
    /// readers of the file must be gone (a console open on it keeps reading the deleted file until it reopens).
    public static func remove(path: String) throws {
        let ingest = try IngestLock(databasePath: path)
        defer { ingest.release() }
        let sender = try SenderLock(databasePath: path)
        defer { sender.release() }
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
            do {
                try FileManager.default.removeItem(atPath: path + suffix)
            } catch {
                throw StoreError.cannotOpen(path: path + suffix, reason: "cannot remove it: \(error.localizedDescription)")
            }
        }
    }

    /// What a load changed: the core's type (both stores return it).
    public typealias LoadSummary = IncentivesCore.LoadSummary

    public var isInitialized: Bool {
        (try? db.integer("SELECT count(*) FROM settings WHERE key = 'catalog'")) == 1
    }

    /// The stored catalog, decoded as `init` validated it.
    public func catalog() throws -> Catalog { try StoredConfiguration.catalog(db) }

    /// The stored roster, in roster order.
    public func roster() throws -> Roster { try StoredConfiguration.roster(db) }

    /// A fresh engine over the stored catalog and roster. Progress is restored lazily from the database
    /// the first time each user is touched.
    public func engine(zones: ZoneDirectory = ZoneDirectory()) throws -> Engine {
        let catalog = try catalog()
        let roster = try roster()
        let engine: Engine
        do {
            engine = try Engine(catalog: catalog, roster: roster, zones: zones)
        } catch {
            throw StoreError.sqlite(path: path, code: 0, message: "stored configuration refused: \(error)")
        }
        let load = try db.prepare("SELECT state FROM progress WHERE user = ?")
        engine.loadProgress = { member in
            guard (try? load.bind(1, member.id)) != nil else { return nil }
            defer { load.reset() }
            return (try? load.step()) == true ? load.blob(0) : nil
        }
        return engine
    }
}

extension Store: CatalogLoading {}

/// The stored catalog and roster read from SQLite.
extension StoredConfiguration {
    static func catalog(_ db: Database) throws -> Catalog {
        guard let text = try db.row("SELECT value FROM settings WHERE key = 'catalog'", map: { $0.text(0) }) else {
            throw StoreError.notInitialized(path: db.path)
        }
        return try catalog(text: text, introduced: try CatalogVersions.introduced(db), path: db.path)
    }

    static func member(_ s: Statement, from column: Int32 = 0) throws -> Member { try Member(row: s, from: Int(column)) }

    static func roster(_ db: Database) throws -> Roster {
        let members = try db.rows("SELECT \(memberColumns) FROM members ORDER BY position") { try member($0) }
        return Roster(members: members)
    }
}
