import Foundation
import IncentivesCore
import IncentivesInput

/// The read side (`StoreReading`) written once for both SQL stores: each query below runs on SQLite
/// (`StoreReader`) and PostgreSQL (`PGStoreReader`) alike, spelled through the store's `SQLDialect`, and each
/// read model is decoded by its one `init(row:)` (`ReadModelRows`). A store overrides a method only where its
/// query plan really differs (SQLite's covering-index searches, its date probe; PostgreSQL's one-round-trip
/// profile) or where its schema does (how a full pass over the events is paged).
///
/// Not thread-safe: one reader per thread.
open class SQLStoreReader {
    package let session: any SQLReadSession
    package let dialect: any SQLDialect
    /// The catalog as `init` stored it. Call `reload()` after an `init` to see a new one.
    public package(set) var catalog: Catalog
    package let zones = ZoneDirectory()
    let arrays = StringArrayReader()
    private var snapshotDepth = 0

    package init(session: any SQLReadSession, catalog: Catalog) {
        self.session = session
        self.dialect = session.dialect
        self.catalog = catalog
    }

    package var path: String { session.display }

    /// `body` on one snapshot of the data; nested calls join the outer one.
    package func snapshot<T>(_ body: () throws -> T) throws -> T {
        if snapshotDepth > 0 { return try body() }
        snapshotDepth += 1
        defer { snapshotDepth -= 1 }
        return try session.readSnapshot(body)
    }

    // MARK: - Totals and the menus

    public func counts() throws -> StoreCounts {
        try snapshot {
            var c = StoreCounts()
            c.users = try session.queryInt("SELECT count(*) FROM members")
            c.employers = catalog.employers.count
            c.programs = catalog.employers.reduce(0) { $0 + $1.programs.count }
            c.lastEventSeq = Int64(try session.queryInt("SELECT coalesce(max(seq), 0) FROM events"))
            // Events are never deleted and both stores number them 1, 2, 3..., so max(seq) is the count without a scan.
            c.events = Int(c.lastEventSeq)
            c.lastAchievementSeq = Int64(try session.queryInt("SELECT coalesce(max(\(dialect.achievementCursor)), 0) FROM achievements"))
            c.achievements = try session.queryInt("SELECT count(*) FROM achievements")
            c.lastRejectSeq = Int64(try session.queryInt("SELECT coalesce(max(seq), 0) FROM rejects"))
            c.rejects = try session.queryInt("SELECT count(*) FROM rejects")
            c.pendingDeliveries = try session.queryInt("SELECT count(*) FROM deliveries WHERE status = 'pending'")
            return c
        }
    }

    public func catalogVersions() throws -> [CatalogVersion] {
        try session.query("SELECT version, effective, file, loaded_at, changes, catalog FROM catalog_versions ORDER BY version", []) {
            CatalogVersion(row: $0)
        }
    }

    /// Achievements per reward, of every employer or of one (bound to the first parameter). On SQLite the
    /// grouping reads the `achievements_menu` index alone (schema 7).
    package static func rewardCountsSQL(employer: Bool, dialect: any SQLDialect) -> String {
        "SELECT employer, program, incentive, reward, count(*) FROM achievements\(employer ? " WHERE employer = \(dialect.placeholder(1))" : "") GROUP BY 1, 2, 3, 4"
    }

    /// Every reward of every program, in catalog order, with enrolment (`Program.enrolls`: eligible on at least one
    /// day of the program), the employer's headcount and achievement counts.
    public func programs(employer: String?) throws -> [ProgramReward] {
        try snapshot {
            var earned: [String: Int] = [:]
            for (key, n) in try session.query(Self.rewardCountsSQL(employer: employer != nil, dialect: dialect), employer.map { [.text($0)] } ?? [], map: {
                ([$0.text(0), $0.text(1), $0.text(2), $0.text(3)].joined(separator: "\u{1f}"), $0.int(4))
            }) { earned[key] = n }
            var out: [ProgramReward] = []
            for e in catalog.employers where employer == nil || e.id == employer {
                let (users, enrolled) = try enrolment(e)
                for (pi, p) in e.programs.enumerated() {
                    for (i, r) in p.rewards.enumerated() {
                        guard let inc = catalog.incentive(r.incentive) else { continue }
                        out.append(ProgramReward(
                            employer: e, program: p, rewardIndex: i, incentive: inc, enrolled: enrolled[pi], employerUsers: users,
                            achievements: earned[[e.id, p.id, inc.id, r.reward].joined(separator: "\u{1f}")] ?? 0))
                    }
                }
            }
            return out
        }
    }

    /// The employer's headcount and, per program, how many of them it enrolls: one pass over the employer's
    /// rows (ISO days compare as text).
    private func enrolment(_ e: Employer) throws -> (users: Int, enrolled: [Int]) {
        var q = SQLFilter(dialect)
        var columns = ["count(*)"]
        for p in e.programs {
            columns.append("sum(CASE WHEN eligible_from <= \(q.bind(.text(p.ends.iso))) AND "
                           + "(eligible_until IS NULL OR eligible_until >= \(q.bind(.text(p.starts.iso)))) THEN 1 ELSE 0 END)")
        }
        q.add("employer", "=", e.id)
        let row = try session.queryFirst("SELECT \(columns.joined(separator: ", ")) FROM members\(q.sql)", q.values) { r in
            (0..<columns.count).map { r.int($0) }
        } ?? []
        return (row.first ?? 0, e.programs.indices.map { $0 + 1 < row.count ? row[$0 + 1] : 0 })
    }

    // MARK: - Users

    package static let memberColumns = StoredConfiguration.memberColumns

    public func user(_ id: String) throws -> Member? {
        try session.queryFirst("SELECT \(Self.memberColumns) FROM members WHERE id = \(dialect.placeholder(1))", [.text(id)]) { try Member(row: $0) }
    }

    /// Every user on the roster, in id order (byte by byte).
    public func members() throws -> [Member] {
        try session.query("SELECT \(Self.memberColumns) FROM members ORDER BY id\(dialect.byteOrder)", []) { try Member(row: $0) }
    }

    /// The users on `employer`'s roster, in id order (SQLite: `members_employer`).
    public func members(employer: String) throws -> [Member] {
        try session.query("SELECT \(Self.memberColumns) FROM members WHERE employer = \(dialect.placeholder(1)) ORDER BY id\(dialect.byteOrder)",
                          [.text(employer)]) { try Member(row: $0) }
    }

    /// The terms of `q` (paging aside): an id prefix, the employer, ASCII-folded substrings of the id and zone
    /// (never LIKE, which reads `%` and `_` as patterns): the same matches as `UserQuery.matches` in memory.
    package func userFilter(_ q: UserQuery) -> SQLFilter {
        var f = SQLFilter(dialect)
        if let prefix = q.idPrefix, !prefix.isEmpty { f.startsWith("id", prefix) }
        if let e = q.employer, !e.isEmpty { f.add("employer", "=", e) }
        if let s = q.idContains, !s.isEmpty { f.containsFolded("id", UserQuery.asciiLowered(s)) }
        if let z = q.zone, !z.isEmpty { f.containsFolded("timezone", UserQuery.asciiLowered(z)) }
        return f
    }

    /// Users matching `query`, in id order (byte by byte, as in memory).
    open func users(_ query: UserQuery) throws -> [Member] {
        var f = userFilter(query)
        if let after = query.afterID { f.add("id\(dialect.byteOrder)", ">", after) }
        let sql = "SELECT \(Self.memberColumns) FROM members\(f.sql) ORDER BY id\(dialect.byteOrder) LIMIT \(f.limit(query.limit)) "
            + "OFFSET \(f.bind(.int(Int64(max(query.offset, 0)))))"
        return try session.query(sql, f.values) { try Member(row: $0) }
    }

    open func userCount(_ query: UserQuery) throws -> Int {
        let f = userFilter(query.unpaged)
        return try session.queryInt("SELECT count(*) FROM members\(f.sql)", f.values)
    }

    /// What a profile is made from: the member, an engine holding their progress up to now, and their number
    /// of events. nil for an unknown user.
    open func profileSource(of id: String) throws -> (member: Member, engine: Engine, eventCount: Int)? {
        preconditionFailure("each store says how it restores a user's progress")
    }

    /// An engine over one user (`member`), for restoring their saved progress.
    package func engine(over member: Member) throws -> Engine {
        do {
            return try Engine(catalog: catalog, roster: Roster(members: [member]), zones: zones)
        } catch {
            throw StoreError.corrupt(path: path, reason: "\(error)")
        }
    }

    /// The user's profile: eligibility, standing on each reward, achievements and recent events.
    /// `today`: the local day progress is judged on (default: the user's today).
    public func profile(of id: String, today: LocalDate?, recentEvents: Int, achievementLimit: Int) throws -> UserProfile? {
        try snapshot {
            guard let source = try profileSource(of: id) else { return nil }
            let (member, engine, count) = (source.member, source.engine, source.eventCount)
            guard let zone = zones.rules(for: member.timezone) else {
                throw StoreError.corrupt(path: path, reason: "user \(id): unknown zone \(member.timezone)")
            }
            let day = today ?? zone.localDate(of: Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down))))
            let standings = engine.standings(of: id, today: day).map { StandingRecord($0, zone: member.timezone) }
            let achievements = try self.achievements(AchievementQuery(user: id, order: .recorded, limit: achievementLimit))
            let events = try self.events(of: id, limit: recentEvents, beforeSeq: nil)
            return UserProfile(
                member: member, employerName: member.employer.flatMap { catalog.employer($0)?.name },
                today: day, eligibleToday: member.isEligible(on: day),
                standings: standings, achievements: achievements, recentEvents: events, eventCount: count,
                points: engine.pointsStandings(of: id).map(PointsRecord.init))
        }
    }

    // MARK: - Events

    /// `EventRecord.init(row:zones:)`'s columns.
    var eventColumns: String { Self.eventColumns(dialect) }
    static func eventColumns(_ d: any SQLDialect) -> String {
        "e.seq, e.id, e.type, \(d.eventUser), e.at_s, e.at_nanos, e.category, i.source, e.line, m.timezone"
    }

    /// One stored event by its id (PostgreSQL: through the events' byte-ordered id index).
    package static func eventByIDSQL(_ d: any SQLDialect) -> String {
        "SELECT \(eventColumns(d)) FROM \(d.eventSource) WHERE \(d.eventID("e")) = \(d.placeholder(1))"
    }

    /// A user's events, newest first; `beforeSeq` pages further back.
    public func events(of user: String, limit: Int, beforeSeq: Int64?) throws -> [EventRecord] {
        var f = SQLFilter(dialect)
        let byUser = dialect.eventOfUser(user, &f)
        f.add(byUser)
        f.add("e.seq < \(f.bind(.int(beforeSeq ?? Int64.max)))")
        return try session.query("SELECT \(eventColumns) FROM \(dialect.eventSource)\(f.sql) ORDER BY e.seq DESC LIMIT \(f.limit(limit))",
                                 f.values) { try EventRecord(row: $0, zones: zones) }
    }

    public func event(id: String) throws -> EventRecord? {
        try session.queryFirst(Self.eventByIDSQL(dialect), [.text(id)]) { try EventRecord(row: $0, zones: zones) }
    }

    // MARK: - Achievements

    /// `AchievementRecord.init(row:)`'s columns: evidence as JSON arrays of ids and days, the earning instant as
    /// RFC 3339 text and the earning event's number.
    var achievementColumns: String {
        "seq, \(dialect.achievementUser), employer, program, incentive, reward, ordinal, completed_on, achieved_at, event_seq, "
            + "evidence, evidence_days, generation, catalog_version, tier"
    }

    package func achievementRecord(_ row: some SQLRow) throws -> AchievementRecord {
        try AchievementRecord(row: row, arrays: arrays) { seq in
            try session.queryFirst("SELECT at_s, at_nanos FROM events WHERE seq = \(dialect.placeholder(1))", [.int(seq)]) { try $0.instant(0) }
        }
    }

    func achievementFilter(_ q: AchievementQuery) -> SQLFilter {
        var f = SQLFilter(dialect)
        let user = dialect.achievementUser
        f.add(user, "=", q.user)
        // Byte by byte, as SQLite compares (a range on its index there; `starts_with` in PostgreSQL).
        if let prefix = q.userPrefix, !prefix.isEmpty { f.startsWith(user, prefix) }
        f.add("employer", "=", q.employer)
        f.add("program", "=", q.program)
        f.add("incentive", "=", q.incentive)
        f.add("tier", "=", q.tier)
        f.add("completed_on", ">=", q.since?.iso)
        f.add("completed_on", "<=", q.until?.iso)
        return f
    }

    /// Where a page of `query` is read from: the table, or (SQLite) the table through a chosen index.
    open func achievementSource(_ query: AchievementQuery) throws -> String { "achievements" }

    package func achievementSQL(_ query: AchievementQuery) throws -> (String, [SQLValue]) {
        var f = achievementFilter(query)
        let (order, newestFirst) = AchievementOrderSQL.orderBy(query, userColumn: dialect.achievementUser, collate: dialect.byteOrder)
        if let after = query.afterSeq, query.order == .recorded || query.order == .newest {
            // Keyset paging: the next page starts after the last row shown, whatever its depth.
            f.add("seq \(newestFirst ? "<" : ">") \(f.bind(.int(after)))")
        }
        let from = try achievementSource(query)
        let sql = "SELECT \(achievementColumns) FROM \(from)\(f.sql) ORDER BY \(order) LIMIT \(f.limit(query.limit)) OFFSET \(f.bind(.int(Int64(query.offset))))"
        return (sql, f.values)
    }

    /// One page of achievements matching `query`. For deep pages in recorded or newest order, pass the last
    /// row's `seq` as `afterSeq` rather than an `offset` (an offset is stepped over row by row).
    public func achievements(_ query: AchievementQuery) throws -> [AchievementRecord] {
        let (sql, values) = try achievementSQL(query)
        return try session.query(sql, values) { try achievementRecord($0) }
    }

    /// Every achievement matching `query`, a page at a time (keyset on seq for recorded and newest order), so
    /// that millions never sit in memory.
    open func forEachAchievement(_ query: AchievementQuery, _ body: (AchievementRecord) throws -> Void) throws {
        guard query.order == .recorded || query.order == .newest, query.offset == 0 else {
            for a in try achievements(query) { try body(a) }
            return
        }
        var q = query, left = query.limit
        while left.map({ $0 > 0 }) ?? true {
            q.limit = min(left ?? 10_000, 10_000)
            let page = try achievements(q)
            for a in page { try body(a) }
            guard let last = page.last, page.count == q.limit else { return }
            q.afterSeq = last.seq
            left = left.map { $0 - page.count }
        }
    }

    public func achievementCount(_ query: AchievementQuery) throws -> Int {
        let f = achievementFilter(query)
        return try session.queryInt("SELECT count(*) FROM achievements\(f.sql)", f.values)
    }

    public func achievement(id: String) throws -> AchievementRecord? {
        try session.queryFirst("SELECT \(achievementColumns) FROM achievements WHERE id = \(dialect.placeholder(1))", [.text(id)]) {
            try achievementRecord($0)
        }
    }

    /// The events that prove an achievement, by day.
    public func evidence(of achievementID: String) throws -> [EvidenceRecord] {
        try snapshot {
            guard let a = try achievement(id: achievementID)?.achievement else { return [] }
            return try zip(a.evidence, a.evidenceDays).enumerated().map { i, pair in
                EvidenceRecord(position: i, eventID: pair.0, day: pair.1, event: try event(id: pair.0))
            }
        }
    }

    /// The achievements of `user` that used `eventID` as evidence ("why did this log not count again?").
    public func achievements(usingEvent eventID: String, of user: String) throws -> [AchievementRecord] {
        try session.query("SELECT \(achievementColumns) FROM achievements WHERE \(dialect.achievementUser) = \(dialect.placeholder(1)) ORDER BY seq",
                          [.text(user)]) { try achievementRecord($0) }
            .filter { $0.achievement.evidence.contains(eventID) }
    }

    // MARK: - Rejects, changes, deliveries

    static let rejectColumns = "seq, file, line, code, field, reason, text, at"

    /// Refused lines in the order they were refused; optionally of one file (as it was named) or one code.
    public func rejects(file: String? = nil, code: String? = nil, limit: Int? = nil, offset: Int = 0) throws -> [RejectRecord] {
        var f = SQLFilter(dialect)
        f.add("file", "=", file)
        f.add("code", "=", code)
        let sql = "SELECT \(Self.rejectColumns) FROM rejects\(f.sql) ORDER BY seq LIMIT \(f.limit(limit)) OFFSET \(f.bind(.int(Int64(offset))))"
        return try session.query(sql, f.values) { RejectRecord(row: $0) }
    }

    /// Events, achievements and rejects committed after the given sequence numbers (at most `limit` of each),
    /// for a live screen that polls. Achievements follow the store's cursor (`SQLDialect.achievementCursor`).
    public func changes(sinceEvent: Int64, sinceAchievement: Int64, sinceReject: Int64, limit: Int) throws -> StoreChanges {
        try snapshot {
            let p1 = dialect.placeholder(1), p2 = dialect.placeholder(2), cursor = dialect.achievementCursor
            let events = try session.query("SELECT \(eventColumns) FROM \(dialect.eventSource) WHERE e.seq > \(p1) ORDER BY e.seq LIMIT \(p2)",
                                           [.int(sinceEvent), .int(Int64(limit))]) { try EventRecord(row: $0, zones: zones) }
            let columnCount = achievementColumns.split(separator: ",").count
            let awards = try session.query("SELECT \(achievementColumns), \(cursor) FROM achievements WHERE \(cursor) > \(p1) ORDER BY \(cursor) LIMIT \(p2)",
                                           [.int(sinceAchievement), .int(Int64(limit))]) { (try achievementRecord($0), $0.int64(columnCount)) }
            let rejects = try session.query("SELECT \(Self.rejectColumns) FROM rejects WHERE seq > \(p1) ORDER BY seq LIMIT \(p2)",
                                            [.int(sinceReject), .int(Int64(limit))]) { RejectRecord(row: $0) }
            return StoreChanges(events: events, achievements: awards.map(\.0), rejects: rejects,
                                lastEventSeq: events.last?.seq ?? sinceEvent,
                                lastAchievementSeq: awards.last?.1 ?? sinceAchievement,
                                lastRejectSeq: rejects.last?.seq ?? sinceReject)
        }
    }

    /// Per partner of the catalog: pending, delivered and failed deliveries and the newest failures, each with
    /// the user and reward it is about (the console's Deliveries screen).
    public func deliveries(failureLimit: Int) throws -> [PartnerDeliveries] {
        try snapshot {
            var by: [String: (pending: Int, delivered: Int, failed: Int)] = [:]
            for (partner, status, n) in try session.query("SELECT partner, status, count(*) FROM deliveries GROUP BY partner, status", [],
                                                          map: { ($0.text(0), $0.text(1), $0.int(2)) }) {
                var c = by[partner] ?? (0, 0, 0)
                switch status {
                case "pending": c.pending += n
                case "delivered": c.delivered += n
                default: c.failed += n
                }
                by[partner] = c
            }
            let failures = try session.query("""
                SELECT d.id, d.partner, d.achievement_id, d.attempts, coalesce(d.last_error, ''), d.next_attempt_at, a.\(dialect.achievementUser), a.reward
                FROM deliveries d LEFT JOIN achievements a ON a.id = d.achievement_id
                WHERE d.status = 'failed' ORDER BY d.next_attempt_at DESC, d.id LIMIT \(dialect.placeholder(1))
                """, [.int(Int64(failureLimit))]) { r in
                let f = FailedDelivery(row: r)
                return DeliveryRecord(id: f.id, partner: f.partner, achievementID: f.achievementID, user: r.optionalText(6) ?? "?",
                                      reward: r.optionalText(7) ?? "?", status: .failed, attempts: f.attempts, lastError: f.lastError)
            }
            return catalog.partners.map { p in
                let n = by[p.id]
                let mine = failures.filter { $0.partner == p.id }
                return PartnerDeliveries(partnerID: p.id, partnerName: p.name, pending: n?.pending ?? 0, delivered: n?.delivered ?? 0,
                                         failed: n?.failed ?? 0, lastError: mine.first?.lastError, failures: mine)
            }
        }
    }
}
