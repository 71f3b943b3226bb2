import Foundation
import IncentivesCore
import IncentivesInput

/// The read-only view of the store: support look-ups, the console, `achievements`, `programs`, `rejects`.
///
/// It opens its own read-only connection, so in WAL mode it never waits for a running ingest (and never
/// makes one wait): each call sees the last committed batch. Not thread-safe: one reader per thread.
/// Every call is a few indexed queries; see README for measured latencies.
public final class StoreReader: StoreReading {
    /// The connection, for this package's own queries (`WhyQuery`, the delivery summary, tests); the console
    /// and the CLI see only `StoreReading`.
    package let db: Database
    /// The catalog as `init` stored it. Call `reload()` after an `init` to see a new one.
    public private(set) var catalog: Catalog
    let zones = ZoneDirectory()
    private let arrays = StringArrayReader()
    private var zoneOfUser: [String: ZoneRules] = [:]

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
        catalog = try StoredConfiguration.catalog(db)
    }

    public func reload() throws {
        catalog = try StoredConfiguration.catalog(db)
        zoneOfUser.removeAll()
    }

    // MARK: - Totals and the menus

    public func counts() throws -> StoreCounts {
        try db.snapshot {
            var c = StoreCounts()
            c.users = try db.integer("SELECT count(*) FROM members")
            c.employers = catalog.employers.count
            c.programs = catalog.employers.reduce(0) { $0 + $1.programs.count }
            c.lastEventSeq = Int64(try db.integer("SELECT max(seq) FROM events"))
            // Events are never deleted and a rowid table numbers new rows max+1, so max(seq) is the count without a scan.
            c.events = Int(c.lastEventSeq)
            c.lastAchievementSeq = Int64(try db.integer("SELECT max(seq) FROM achievements"))
            c.achievements = try db.integer("SELECT count(*) FROM achievements")
            c.lastRejectSeq = Int64(try db.integer("SELECT max(seq) FROM rejects"))
            c.rejects = try db.integer("SELECT count(*) FROM rejects")
            c.pendingDeliveries = try db.integer("SELECT count(*) FROM deliveries WHERE status = 'pending'")
            return c
        }
    }

    /// Achievements per reward, of every employer or of one (bound to `?`).
    package static func rewardCountsSQL(employer: Bool) -> String {
        "SELECT employer, program, incentive, reward, count(*) FROM achievements\(employer ? " WHERE employer = ?" : "") GROUP BY 1, 2, 3, 4"
    }

    /// Every reward of every program, in catalog order, with enrolment and achievement counts.
    public func programs(employer: String?) throws -> [ProgramReward] {
        try db.snapshot {
            var enrolled: [String: Int] = [:]
            for (e, n) in try db.rows("SELECT employer, count(*) FROM members WHERE employer IS NOT NULL GROUP BY employer",
                                      map: { ($0.text(0), $0.int(1)) }) { enrolled[e] = n }
            var earned: [String: Int] = [:]
            // achievements_menu holds the four columns: the grouping reads that index alone (schema 7).
            let s = try db.prepare(Self.rewardCountsSQL(employer: employer != nil))
            if let employer { try s.bind(1, employer) }
            while try s.step() {
                earned[s.text(0) + "\u{1f}" + s.text(1) + "\u{1f}" + s.text(2) + "\u{1f}" + s.text(3)] = s.int(4)
            }
            s.reset()
            var out: [ProgramReward] = []
            for e in catalog.employers where employer == nil || e.id == employer {
                for p in e.programs {
                    for (i, r) in p.rewards.enumerated() {
                        guard let inc = catalog.incentive(r.incentive) else { continue }
                        out.append(ProgramReward(
                            employer: e, program: p, rewardIndex: i, incentive: inc, enrolled: enrolled[e.id] ?? 0,
                            achievements: earned[e.id + "\u{1f}" + p.id + "\u{1f}" + inc.id + "\u{1f}" + r.reward] ?? 0))
                    }
                }
            }
            return out
        }
    }

    public func catalogVersions() throws -> [CatalogVersion] { try CatalogVersions.all(db) }

    // MARK: - Users

    public func user(_ id: String) throws -> Member? {
        try db.row("SELECT \(StoredConfiguration.memberColumns) FROM members WHERE id = ?", .text(id)) { try StoredConfiguration.member($0) }
    }

    public func members() throws -> [Member] {
        try db.rows("SELECT \(StoredConfiguration.memberColumns) FROM members ORDER BY id") { try StoredConfiguration.member($0) }
    }

    /// Users matching `query`, in id order. The id prefix is a range on the primary key and the employer an
    /// index (`members_employer` is in id order too, so paging by `afterID` stays a range at any depth); the
    /// substrings are `instr` over ASCII-lowered text, never LIKE (which reads `%` and `_` as patterns).
    ///
    /// A substring search reads `members_search` alone, which holds every column it tests (ids and zones
    /// already folded) in id order: the page's ids first, then their rows. Folding every row of the table for
    /// the page and again for the count cost 22 ms a key at 20,000 users; the index, 7 ms.
    public func users(_ query: UserQuery) throws -> [Member] {
        var (whereSQL, values) = userWhere(query)
        if let after = query.afterID {
            whereSQL += (whereSQL.isEmpty ? " WHERE " : " AND ") + "id > ?"
            values.append(.text(after))
        }
        let page = "ORDER BY id LIMIT ? OFFSET ?"
        let s = try db.prepare(Self.searchesSubstrings(query)
            ? "SELECT \(StoredConfiguration.memberColumns) FROM members WHERE id IN "
                + "(SELECT id FROM members INDEXED BY members_search\(whereSQL) \(page)) ORDER BY id"
            : "SELECT \(StoredConfiguration.memberColumns) FROM members\(whereSQL) \(page)")
        try s.bind(values + [.int(Int64(query.limit ?? -1)), .int(Int64(max(query.offset, 0)))])
        defer { s.reset() }
        var out: [Member] = []
        while try s.step() { out.append(try StoredConfiguration.member(s)) }
        return out
    }

    public func userCount(_ query: UserQuery) throws -> Int {
        let (whereSQL, values) = userWhere(query.unpaged)
        let s = try db.prepare("SELECT count(*) FROM members\(Self.searchesSubstrings(query) ? " INDEXED BY members_search" : "")\(whereSQL)")
        try s.bind(values)
        defer { s.reset() }
        return try s.step() ? s.int(0) : 0
    }

    /// Whether `query` matches substrings (of ids or zones), which only `members_search` answers without
    /// reading every row.
    static func searchesSubstrings(_ q: UserQuery) -> Bool {
        !(q.idContains ?? "").isEmpty || !(q.zone ?? "").isEmpty
    }

    private func userWhere(_ q: UserQuery) -> (String, [SQLValue]) {
        var terms: [String] = []
        var values: [SQLValue] = []
        if let prefix = q.idPrefix, !prefix.isEmpty {
            terms.append("id >= ? AND id < ?")
            values += [.text(prefix), .text(prefix + "\u{10FFFF}")]
        }
        if let e = q.employer, !e.isEmpty {
            terms.append("employer = ?")
            values.append(.text(e))
        }
        // SQLite's lower() folds ASCII letters only, as `UserQuery.asciiLowered` does: the same matches as in memory.
        if let s = q.idContains, !s.isEmpty {
            terms.append("instr(lower(id), ?) > 0")
            values.append(.text(UserQuery.asciiLowered(s)))
        }
        if let z = q.zone, !z.isEmpty {
            terms.append("instr(lower(timezone), ?) > 0")
            values.append(.text(UserQuery.asciiLowered(z)))
        }
        return (terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND "), values)
    }

    /// The user's profile: eligibility, standing on each reward, achievements and recent events.
    /// `today`: the local day progress is judged on (default: the user's today).
    public func profile(of id: String, today: LocalDate?, recentEvents: Int, achievementLimit: Int) throws -> UserProfile? {
        try db.snapshot {
            guard let member = try db.row("SELECT \(StoredConfiguration.memberColumns) FROM members WHERE id = ?", .text(id),
                                          map: { try StoredConfiguration.member($0) }) else { return nil }
            guard let zone = zones.rules(for: member.timezone) else {
                throw StoreError.corrupt(path: db.path, reason: "user \(id): unknown zone \(member.timezone)")
            }
            let day = today ?? zone.localDate(of: Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down))))
            let engine = try self.engine(of: member)
            let standings = engine.standings(of: member.id, today: day).map { StandingRecord($0, zone: member.timezone) }
            let achievements = try self.achievements(AchievementQuery(user: id, order: .recorded, limit: achievementLimit))
            let events = try self.events(of: id, limit: recentEvents, beforeSeq: nil)
            let count = try db.integer("SELECT count(*) FROM events WHERE user_key = \(UserKeys.keyOfUser)", .text(id))
            return UserProfile(
                member: member,
                employerName: member.employer.flatMap { catalog.employer($0)?.name },
                today: day, eligibleToday: member.isEligible(on: day),
                standings: standings, achievements: achievements, recentEvents: events, eventCount: count,
                points: engine.pointsStandings(of: member.id).map(PointsRecord.init))
        }
    }

    /// The user's standing on every reward of their employer, from their saved progress.
    public func standings(of member: Member, today: LocalDate?) throws -> [StandingRecord] {
        try engine(of: member).standings(of: member.id, today: today).map { StandingRecord($0, zone: member.timezone) }
    }

    /// An engine over this one user, holding their saved progress and any later events.
    private func engine(of member: Member) throws -> Engine {
        // Restoring one small blob is cheaper than any replay.
        let engine: Engine
        do {
            engine = try Engine(catalog: catalog, roster: Roster(members: [member]), zones: zones)
        } catch {
            throw StoreError.corrupt(path: db.path, reason: "\(error)")
        }
        if let blob = try db.row("SELECT state FROM progress WHERE user = ?", .text(member.id), map: { $0.blob(0) }), let blob {
            try? engine.restoreProgress(of: member.id, from: blob)
        }
        // The blob includes events up to `progress_seq`; this user's later ones (a running ingest) go on top.
        try ProgressLog.catchUp(engine, in: db, user: member.id) { _, _ in }
        return engine
    }

    // MARK: - Events

    private func zone(of user: String) throws -> ZoneRules? {
        if let z = zoneOfUser[user] { return z }
        guard let tz = try db.row("SELECT timezone FROM members WHERE id = ?", .text(user), map: { $0.text(0) }) else { return nil }
        let z = zones.rules(for: tz)
        if zoneOfUser.count > 10_000 { zoneOfUser.removeAll() }
        zoneOfUser[user] = z
        return z
    }

    static let eventColumns = "e.seq, e.id, e.type, k.id, e.at_s, e.at_nanos, e.category, i.source, e.line"
    static let eventFrom = "events e JOIN user_keys k ON k.key = e.user_key LEFT JOIN ingests i ON i.id = e.ingest"

    private func eventRecord(_ s: Statement) throws -> EventRecord {
        let at = try ProgressLog.instant(s, 4)
        let user = s.text(3)
        guard let type = EventType(rawValue: s.text(2)) else {
            throw StoreError.corrupt(path: db.path, reason: "event \(s.text(1)): unknown type \(s.text(2))")
        }
        return EventRecord(seq: s.int64(0), event: Event(id: s.text(1), type: type, user: user, at: at, category: s.optionalText(6)),
                           localDay: try zone(of: user)?.localDate(of: at), file: s.optionalText(7), line: s.int(8))
    }

    /// A user's events, newest first; `beforeSeq` pages further back.
    public func events(of user: String, limit: Int, beforeSeq: Int64?) throws -> [EventRecord] {
        try db.rows("SELECT \(Self.eventColumns) FROM \(Self.eventFrom) WHERE e.user_key = \(UserKeys.keyOfUser) AND e.seq < ? ORDER BY e.seq DESC LIMIT ?",
                    .text(user), .int(beforeSeq ?? Int64.max), .int(Int64(limit))) { try eventRecord($0) }
    }

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
            var types: [String: EventType] = [:]
            while try s.step() {
                let typeText = s.text(2)
                guard let type = types[typeText] ?? EventType(rawValue: typeText) else {
                    throw StoreError.corrupt(path: db.path, reason: "event \(s.text(1)): unknown type \(typeText)")
                }
                types[typeText] = type
                guard let user = users[s.int64(3)] else {
                    throw StoreError.corrupt(path: db.path, reason: "event \(s.text(1)): unknown user key \(s.int64(3))")
                }
                try body(s.int64(0), Event(id: s.text(1), type: type, user: user, at: try ProgressLog.instant(s, 4), category: s.optionalText(6)))
            }
        }
    }

    /// The users on `employer`'s roster (`members_employer`, in id order).
    public func members(employer: String) throws -> [Member] {
        try db.rows("SELECT \(StoredConfiguration.memberColumns) FROM members WHERE employer = ? ORDER BY id", .text(employer)) {
            try StoredConfiguration.member($0)
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
        var types: [String: EventType] = [:]
        while try s.step() {
            let typeText = s.text(1)
            guard let type = types[typeText] ?? EventType(rawValue: typeText) else {
                throw StoreError.corrupt(path: db.path, reason: "event \(s.text(0)): unknown type \(typeText)")
            }
            types[typeText] = type
            try body(Event(id: s.text(0), type: type, user: s.text(2), at: try ProgressLog.instant(s, 3), category: s.optionalText(5)))
        }
    }

    public func event(id: String) throws -> EventRecord? {
        try db.row("SELECT \(Self.eventColumns) FROM \(Self.eventFrom) WHERE e.id = ?", .text(id)) { try eventRecord($0) }
    }

    // MARK: - Achievements

    /// The achievement's columns, its evidence (JSON arrays of ids and days) and the instant of the event that
    /// earned it (exact, where `achieved_at` is text).
    static let achievementColumns = """
        seq, user, employer, program, incentive, reward, ordinal, completed_on, achieved_at, event_seq, \
        evidence, evidence_days, generation, catalog_version, tier
        """

    /// When the achievement was earned: its RFC 3339 text read back (exact: `Instant.rfc3339` wrote it), or, should
    /// that not parse, the instant of the event that earned it (columns 8 and 9).
    private func achievedAt(_ s: Statement) throws -> Instant {
        if case .success(let at) = Instant.parseRFC3339(s.text(8)) { return at }
        let seq = s.int64(9)
        guard let at = try db.row("SELECT at_s, at_nanos FROM events WHERE seq = ?", .int(seq), map: { try ProgressLog.instant($0, 0) }) else {
            throw StoreError.corrupt(path: db.path, reason: "achievement \(s.int64(0)): its event \(seq) is missing")
        }
        return at
    }

    /// The `tier` column as the read model has it: '' (an award of a reward) is nil.
    static func tier(_ column: String) -> String? { column.isEmpty ? nil : column }

    /// An achievement row as the read model: instants as instants, evidence as lists.
    private func achievementRecord(_ s: Statement) throws -> AchievementRecord {
        let seq = s.int64(0)
        guard let completed = LocalDate(iso: s.text(7)) else {
            throw StoreError.corrupt(path: db.path, reason: "achievement \(seq): bad completed_on \(s.text(7))")
        }
        guard let ids = arrays.read(s.text(10)), let dayTexts = arrays.read(s.text(11)), ids.count == dayTexts.count else {
            throw StoreError.corrupt(path: db.path, reason: "achievement \(seq): unreadable evidence")
        }
        var days: [LocalDate] = []
        days.reserveCapacity(dayTexts.count)
        for t in dayTexts {
            guard let d = LocalDate(iso: t) else { throw StoreError.corrupt(path: db.path, reason: "achievement \(seq): bad evidence day \(t)") }
            days.append(d)
        }
        return AchievementRecord(seq: seq, achievement: Achievement(
            user: s.text(1), employer: s.text(2), program: s.text(3), incentive: s.text(4), reward: s.text(5),
            completedOn: completed, achievedAt: try achievedAt(s), evidence: ids, evidenceDays: days, ordinal: s.int(6),
            generation: s.int(12), tier: Self.tier(s.text(14))), catalogVersion: s.int(13))
    }

    private func whereClause(_ q: AchievementQuery) -> (String, [SQLValue]) {
        var terms: [String] = []
        var values: [SQLValue] = []
        func add(_ term: String, _ v: String?) {
            guard let v else { return }
            terms.append(term)
            values.append(.text(v))
        }
        add("user = ?", q.user)
        add("tier = ?", q.tier)
        if let prefix = q.userPrefix, !prefix.isEmpty {
            // A range on the user index rather than LIKE (which is case-blind and reads `_` and `%` as patterns).
            terms.append("user >= ? AND user < ?")
            values += [.text(prefix), .text(prefix + "\u{10FFFF}")]
        }
        add("employer = ?", q.employer)
        add("program = ?", q.program)
        add("incentive = ?", q.incentive)
        add("completed_on >= ?", q.since?.iso)
        add("completed_on <= ?", q.until?.iso)
        return (terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND "), values)
    }

    private func achievementSQL(_ query: AchievementQuery) throws -> (String, [SQLValue]) {
        var (whereSQL, values) = whereClause(query)
        var from = "achievements"
        if query.since != nil || query.until != nil, query.user == nil, query.userPrefix == nil, query.employer == nil,
           query.order == .recorded || query.order == .newest {
            // SQLite (without stat4) walks the table in seq order and filters, which is quick when many rows
            // match and slow when few do. Probe the date index, up to a bound: few matches → read them through
            // the index and sort them; many → the walk finds a page within a few hundred rows.
            let probe = try db.integer("""
                SELECT count(*) FROM (SELECT 1 FROM achievements INDEXED BY achievements_completed
                WHERE completed_on >= ? AND completed_on <= ? LIMIT 2000)
                """, .text(query.since?.iso ?? "0000-00-00"), .text(query.until?.iso ?? "9999-99-99"))
            if probe < 2000 { from = "achievements INDEXED BY achievements_completed" }
        }
        let (order, newestFirst) = AchievementOrderSQL.orderBy(query, userColumn: "user")
        if let after = query.afterSeq, query.order == .recorded || query.order == .newest {
            // Keyset paging: the next page starts after the last row shown, whatever its depth.
            whereSQL += (whereSQL.isEmpty ? " WHERE " : " AND ") + (newestFirst ? "seq < ?" : "seq > ?")
            values.append(.int(after))
        }
        let sql = "SELECT \(Self.achievementColumns) FROM \(from)\(whereSQL) ORDER BY \(order) LIMIT ? OFFSET ?"
        return (sql, values + [.int(Int64(query.limit ?? -1)), .int(Int64(query.offset))])
    }

    /// One page of achievements matching `query`. For deep pages in recorded or newest order, pass the last
    /// row's `seq` as `afterSeq` rather than an `offset` (an offset is stepped over row by row).
    public func achievements(_ query: AchievementQuery) throws -> [AchievementRecord] {
        let (sql, values) = try achievementSQL(query)
        let s = try db.prepare(sql)
        try s.bind(values)
        defer { s.reset() }
        var out: [AchievementRecord] = []
        while try s.step() { out.append(try achievementRecord(s)) }
        return out
    }

    /// Calls `body` for every achievement matching `query`, streamed from one statement (one read snapshot),
    /// without holding them in memory: how `achievements --format jsonl` exports millions.
    public func forEachAchievement(_ query: AchievementQuery, _ body: (AchievementRecord) throws -> Void) throws {
        let (sql, values) = try achievementSQL(query)
        // A statement of its own, not the cache's: `body` may run other queries on this connection.
        let s = try Statement.prepareUncached(sql, on: db)
        defer { s.finalize() }
        try s.bind(values)
        while try s.step() { try body(try achievementRecord(s)) }
    }

    public func achievementCount(_ query: AchievementQuery) throws -> Int {
        let (whereSQL, values) = whereClause(query)
        let s = try db.prepare("SELECT count(*) FROM achievements\(whereSQL)")
        try s.bind(values)
        defer { s.reset() }
        return try s.step() ? s.int(0) : 0
    }

    public func achievement(id: String) throws -> AchievementRecord? {
        try db.row("SELECT \(Self.achievementColumns) FROM achievements WHERE id = ?", .text(id)) { try achievementRecord($0) }
    }

    /// The events that prove an achievement, by day.
    public func evidence(of achievementID: String) throws -> [EvidenceRecord] {
        try db.snapshot {
            guard let a = try achievement(id: achievementID)?.achievement else { return [] }
            return try zip(a.evidence, a.evidenceDays).enumerated().map { i, pair in
                EvidenceRecord(position: i, eventID: pair.0, day: pair.1, event: try event(id: pair.0))
            }
        }
    }

    /// The achievements of `user` that used `eventID` as evidence ("why did this log not count again?").
    public func achievements(usingEvent eventID: String, of user: String) throws -> [AchievementRecord] {
        try db.rows("SELECT \(Self.achievementColumns) FROM achievements WHERE user = ? ORDER BY seq", .text(user)) { s in
            try achievementRecord(s)
        }.filter { $0.achievement.evidence.contains(eventID) }
    }

    // MARK: - Rejects and changes

    static let rejectColumns = "seq, file, line, code, field, reason, text, at"

    static func rejectRecord(_ s: Statement) -> RejectRecord {
        RejectRecord(seq: s.int64(0), file: s.text(1), line: s.int(2), code: s.text(3), field: s.optionalText(4),
                     reason: s.text(5), eventID: s.optionalText(6), at: s.double(7))
    }

    /// Refused lines in the order they were refused; optionally of one file (as it was named) or one code.
    public func rejects(file: String? = nil, code: String? = nil, limit: Int? = nil, offset: Int = 0) throws -> [RejectRecord] {
        var terms: [String] = []
        var values: [SQLValue] = []
        if let file { terms.append("file = ?"); values.append(.text(file)) }
        if let code { terms.append("code = ?"); values.append(.text(code)) }
        let whereSQL = terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND ")
        let s = try db.prepare("SELECT \(Self.rejectColumns) FROM rejects\(whereSQL) ORDER BY seq LIMIT ? OFFSET ?")
        try s.bind(values + [.int(Int64(limit ?? -1)), .int(Int64(offset))])
        defer { s.reset() }
        var out: [RejectRecord] = []
        while try s.step() { out.append(Self.rejectRecord(s)) }
        return out
    }

    /// Events, achievements and rejects committed after the given sequence numbers (at most `limit` of each),
    /// for a live screen that polls.
    public func changes(sinceEvent: Int64, sinceAchievement: Int64, sinceReject: Int64, limit: Int) throws -> StoreChanges {
        try db.snapshot {
            let events = try db.rows("SELECT \(Self.eventColumns) FROM \(Self.eventFrom) WHERE e.seq > ? ORDER BY e.seq LIMIT ?",
                                     .int(sinceEvent), .int(Int64(limit))) { try eventRecord($0) }
            let achievements = try db.rows("SELECT \(Self.achievementColumns) FROM achievements WHERE seq > ? ORDER BY seq LIMIT ?",
                                           .int(sinceAchievement), .int(Int64(limit))) { try achievementRecord($0) }
            let rejects = try db.rows("SELECT \(Self.rejectColumns) FROM rejects WHERE seq > ? ORDER BY seq LIMIT ?",
                                      .int(sinceReject), .int(Int64(limit))) { Self.rejectRecord($0) }
            return StoreChanges(events: events, achievements: achievements, rejects: rejects,
                                lastEventSeq: events.last?.seq ?? sinceEvent,
                                lastAchievementSeq: achievements.last?.seq ?? sinceAchievement,
                                lastRejectSeq: rejects.last?.seq ?? sinceReject)
        }
    }
}
