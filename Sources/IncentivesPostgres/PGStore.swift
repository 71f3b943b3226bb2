import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesSQL

/// The store on PostgreSQL: the writer's view (init, ingest), as `Store` is on SQLite. The decisions are the
/// core's and shared with the SQLite store (catalog versions, `CatalogChange`, the stored catalog's decoding,
/// roster rows, admission and the engine); only the SQL differs. `PGStoreReader` is the read side.
public final class PGStore {
    let c: PGConnection
    /// The URL as given (password included): for a second connection of this process (the ingest's writer).
    let url: String
    /// The URL without its password, as messages name the database.
    public var path: String { c.display }

    public static var schemaVersion: Int { PGSchema.version }

    /// Connects and migrates. Without `create`, a database with none of our tables is "not initialized".
    public init(url: String, create: Bool = true) throws {
        self.url = url
        c = try PGConnection(url: url)
        if !create {
            try PGSchema.check(c)
            if try PGSchema.found(c) == 0 { throw StoreError.notInitialized(path: c.display) }
        }
        try PGSchema.migrate(c)
    }

    public var isInitialized: Bool {
        ((try? c.exec("SELECT count(*) FROM settings WHERE key = 'catalog'"))?.int(0, 0)) == 1
    }

    // MARK: - Catalog and roster

    /// Refreshes the planner's statistics of the tables an ingest fills. Autovacuum does it in time, but right after
    /// a bulk load the planner guesses: a page of awards "completed since" a day none reaches walked the whole
    /// award index (31 ms on the bench database instead of 0.2 ms). Best effort: a login that may not ANALYZE
    /// (not the tables' owner) leaves it to autovacuum.
    public func refreshStatistics() {
        // Only the columns pages filter and sort on: the wide ones (an award's JSON, its evidence) cost most of
        // the sampling and steer no plan (1.2 → 0.55 s on the bench database). A sample a tenth of the default's
        // (3,000 rows): what the plan needs is that statistics exist — a range no award reaches, an employer's
        // share — and autovacuum's next look refines them (0.55 → 0.2 s). The events' partitions are left to
        // autovacuum: every read of them is by user (one partition) or by the tail of `seq`.
        _ = try? c.transaction {
            try c.exec("SET LOCAL default_statistics_target = 10")
            try c.exec("""
                ANALYZE achievements (user_id, employer, program, incentive, reward, completed_on, seq, recorded, event_seq, id), deliveries
                """)
        }
    }

    public func catalog() throws -> Catalog { try PGStoredConfiguration.catalog(c) }
    public func roster() throws -> Roster { try PGStoredConfiguration.roster(c) }

    /// Replaces the catalog and the roster in one transaction, a changed catalog becoming a new catalog version,
    /// as `Store.load` does. Users' progress needs no bringing up to date first: every worker batch saves the
    /// progress of the users it touched, in the new format; a change waits until the workers have evaluated every
    /// stored event (`inboxPending`, 75). With `backfill`, the rewards the version adds or
    /// redefines count over the stored history (`CatalogBackfill`, shared with SQLite), in the same transaction.
    @discardableResult
    public func load(catalogJSON: Data, catalogFile: String, roster: Roster, rosterFile: String,
                     effective: LocalDate? = nil, backfill: Bool = false) throws -> LoadSummary {
        guard let text = String(data: catalogJSON, encoding: .utf8) else {
            throw StoreError.postgres(path: path, sqlstate: "", message: "\(catalogFile) is not UTF-8")
        }
        let proposed = try CatalogDecoder.decode(catalogJSON, file: catalogFile)
        return try c.transaction {
            // Not while an ingest runs: its engine holds the old catalog and roster.
            // (Row locks only the owner and the writer may take, `PGLocks`; the rows are put back if they went missing.)
            try c.exec(PGLocks.rowsSQL)
            guard try PGLocks.takeInTransaction(PGLocks.ingest, c: c) else { throw StoreError.ingestRunning(path: path) }
            // Nor while workers run: their engines hold it too. Holding every worker slot, no worker starts meanwhile.
            guard try PGLocks.takeAllWorkerSlotsInTransaction(c) else { throw StoreError.workersRunning(path: path) }
            let before = Set(try c.exec("SELECT id FROM members").column(0))
            let now = Date().timeIntervalSince1970
            let day = effective ?? StoredConfiguration.today()
            var version = try c.exec("SELECT coalesce(max(version), 0) FROM catalog_versions").int(0, 0)
            var change: CatalogChange?
            if version == 0 {
                version = 1
                try addVersion(1, effective: day, text: text, file: catalogFile, changes: [], introduced: [:])
            } else {
                let old = try catalog()
                let diff = CatalogChange.between(old, proposed)
                change = diff
                if !diff.isEmpty {
                    // Events already stored count under the catalog they arrived under: the workers must have
                    // evaluated them (the SQLite store evaluates them itself here; on PostgreSQL that is the workers'
                    // work, and a backfill over events they have yet to evaluate would count them twice).
                    // Unless the server refused what those events earn under the old catalog (a worker recorded it):
                    // then the catalog that corrects it applies to them, or nothing could ever move (issue 21).
                    if try PGWorker.partitionsBehind(c) {
                        guard !backfill, try !PGWorker.refusedPartitions(c).isEmpty else { throw StoreError.inboxPending(path: path) }
                    }
                    let introduced = CatalogVersions.introduced(by: proposed, after: old, previous: try PGStoredConfiguration.introduced(c),
                                                                version: version + 1, effective: backfill ? nil : day)
                    version += 1
                    try addVersion(version, effective: day, text: text, file: catalogFile,
                                   changes: diff.rewards.map { $0.sentence(effective: day, backfill: backfill) } + diff.tiers.map { $0.sentence(effective: day) } + diff.other, introduced: introduced)
                }
            }
            for (k, v) in [("catalog", text), ("catalog_file", catalogFile), ("roster_file", rosterFile), ("loaded_at", String(now))] {
                try c.exec("INSERT INTO settings(key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [k, v])
            }
            // The roster is replaced whole: one COPY, not a statement per user.
            try c.exec("DELETE FROM members")
            var data: [UInt8] = []
            for (i, m) in roster.members.enumerated() {
                PGText.copyRow([m.id, String(i), m.employer, m.timezone, m.eligibleFrom.iso, m.eligibleUntil?.iso,
                                m.partnerMemberIDs.isEmpty ? nil : StoredConfiguration.encodePartnerIDs(m.partnerMemberIDs)], into: &data)
            }
            try c.copy(into: "members", columns: ["id", "position", "employer", "timezone", "eligible_from", "eligible_until", "partner_ids"], data: data)
            // What the server refused under the configuration before this one says nothing about this one (a worker
            // records it again if it still holds).
            try c.exec("DELETE FROM work_refusals")
            let kept = roster.members.reduce(0) { $0 + (before.contains($1.id) ? 1 : 0) }
            var backfilled = 0
            if backfill, version > 1, let change, !change.isEmpty {
                let added = try PGStoredConfiguration.introduced(c).filter { $0.value.version == version }.map(\.key)
                backfilled = try self.backfill(Set(added).union(change.backfillKeys(in: proposed)))
            }
            return LoadSummary(users: roster.members.count, added: roster.members.count - kept, removed: before.count - kept,
                                     employers: roster.members.isEmpty ? 0 : Set(roster.members.compactMap(\.employer)).count,
                                     version: version, change: change, backfilled: backfilled)
        }
    }

    private func addVersion(_ version: Int, effective: LocalDate, text: String, file: String?, changes: [String],
                            introduced: [String: (version: Int, day: LocalDate?)]) throws {
        try c.exec("INSERT INTO catalog_versions(version, effective, catalog, file, loaded_at, changes, introduced) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                   [String(version), version == 1 ? "0001-01-01" : effective.iso, text, file, String(Date().timeIntervalSince1970),
                    changes.joined(separator: "\n"), CatalogVersions.encode(introduced)])
    }

    /// A fresh engine over the stored catalog and roster (progress is handed to it by the ingest, a batch at a time).
    func engine() throws -> Engine {
        do {
            return try Engine(catalog: try catalog(), roster: try roster())
        } catch let e as StoreError {
            throw e
        } catch {
            throw StoreError.postgres(path: path, sqlstate: "", message: "stored configuration refused: \(error)")
        }
    }
}

/// Reading the catalog and roster back from PostgreSQL, shared by the writer and the readers.
enum PGStoredConfiguration {
    static func introduced(_ c: PGConnection) throws -> [String: (version: Int, day: LocalDate?)] {
        let r = try c.exec("SELECT introduced FROM catalog_versions ORDER BY version DESC LIMIT 1")
        return try CatalogVersions.introduced(json: r.count == 0 ? nil : r.text(0, 0), path: c.display)
    }

    static func catalog(_ c: PGConnection) throws -> Catalog {
        let r = try c.exec("SELECT value FROM settings WHERE key = 'catalog'")
        guard r.count == 1 else { throw StoreError.notInitialized(path: c.display) }
        return try StoredConfiguration.catalog(text: r.text(0, 0), introduced: try introduced(c), path: c.display)
    }

    static func members(_ r: PGRows, path: String) throws -> [Member] {
        try r.rows(source: path).map { try Member(row: $0) }
    }

    static func roster(_ c: PGConnection) throws -> Roster {
        Roster(members: try members(try c.exec("SELECT \(StoredConfiguration.memberColumns) FROM members ORDER BY position"), path: c.display))
    }
}

extension PGRows {
    /// One column of every row.
    func column(_ column: Int) -> [String] { (0..<count).map { text($0, column) } }
}

extension PGStore: CatalogLoading {}
