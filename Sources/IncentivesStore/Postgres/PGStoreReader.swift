import Foundation
import IncentivesCore
import IncentivesInput

/// What the CLI's look-ups ask of either store beyond `StoreReading`: the rejects table and achievements streamed.
public protocol StoreLookups: StoreReading, ReportReading, WhyStreaming {
    func rejects(file: String?, code: String?, limit: Int?, offset: Int) throws -> [RejectRecord]
    func forEachAchievement(_ query: AchievementQuery, _ body: (AchievementRecord) throws -> Void) throws
}

extension StoreReader: StoreLookups {}

// `incentives report` (issue 25): the employer's roster, their events and awards.
extension PGStoreReader {
    public func members(employer: String) throws -> [Member] {
        try memberRows("SELECT \(StoredConfiguration.memberColumns) FROM members WHERE employer = $1 ORDER BY id COLLATE \"C\"", [employer])
    }

    /// The employer's users 1,000 at a time, each batch's events by the primary key (user_id, seq), so that
    /// memory stays bounded and no page sorts the whole table.
    public func forEachEvent(employer: String, _ body: (Event) throws -> Void) throws {
        let ids = try members(employer: employer).map(\.id)
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(start + 1000, ids.count)])
            start += batch.count
            let r = try c.exec("SELECT id, type, user_id, at_s, at_nanos, category FROM events WHERE user_id = ANY($1::text[]) ORDER BY user_id, seq",
                               [PGText.array(batch)])
            for i in 0..<r.count {
                guard let type = EventType(rawValue: r.text(i, 1)) else {
                    throw StoreError.corrupt(path: c.display, reason: "event \(r.text(i, 0)): unknown type \(r.text(i, 1))")
                }
                try body(Event(id: r.text(i, 0), type: type, user: r.text(i, 2), at: try Self.instant(r, i, 3, path: c.display), category: r.optionalText(i, 5)))
            }
        }
    }
}

/// The read side of the PostgreSQL store (`StoreReading`): the same read models as `StoreReader`, from the same
/// tables. Each call that reads several tables runs in one REPEATABLE READ READ ONLY transaction, one snapshot.
/// One reader per thread.
public final class PGStoreReader: StoreLookups {
    let c: PGConnection
    public private(set) var catalog: Catalog
    let zones = ZoneDirectory()
    private let arrays = StringArrayReader()
    var path: String { c.display }

    public init(url: String) throws {
        c = try PGConnection(url: url)
        try PGSchema.check(c)
        if try PGSchema.found(c) < PGSchema.version {
            // Nothing of ours yet, or an older schema: a writer brings it up to date (`PGStore`), readers do not.
            if try PGSchema.found(c) == 0 { throw StoreError.notInitialized(path: c.display) }
            _ = try PGStore(url: url, create: false)
        }
        catalog = try PGStoredConfiguration.catalog(c)
    }

    public func reload() throws { catalog = try PGStoredConfiguration.catalog(c) }

    func snapshot<T>(_ body: () throws -> T) throws -> T {
        try c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { _ = try? c.exec("COMMIT") }
        return try body()
    }

    static func instant(_ r: PGRows, _ row: Int, _ column: Int, path: String) throws -> Instant {
        let seconds = r.int64(row, column), nanos = r.int64(row, column + 1)
        guard Instant.storable.contains(seconds), (0..<1_000_000_000).contains(nanos) else {
            throw StoreError.corrupt(path: path, reason: "an event's instant (\(seconds) s, \(nanos) ns) is outside years 1 to 9999")
        }
        return Instant(seconds: seconds, nanoseconds: Int32(nanos))
    }

    // MARK: - Totals and menus

    public func counts() throws -> StoreCounts {
        try snapshot {
            var n = StoreCounts()
            n.users = try c.exec("SELECT count(*) FROM members").int(0, 0)
            n.employers = catalog.employers.count
            n.programs = catalog.employers.reduce(0) { $0 + $1.programs.count }
            n.lastEventSeq = try c.exec("SELECT coalesce(max(seq), 0) FROM events").int64(0, 0)
            n.events = Int(n.lastEventSeq)
            // The Live feed's cursor: awards in the order they were recorded (migration 4), not replay's order.
            n.lastAchievementSeq = try c.exec("SELECT coalesce(max(recorded), 0) FROM achievements").int64(0, 0)
            n.achievements = try c.exec("SELECT count(*) FROM achievements").int(0, 0)
            n.lastRejectSeq = try c.exec("SELECT coalesce(max(seq), 0) FROM rejects").int64(0, 0)
            n.rejects = try c.exec("SELECT count(*) FROM rejects").int(0, 0)
            n.pendingDeliveries = try c.exec("SELECT count(*) FROM deliveries WHERE status = 'pending'").int(0, 0)
            return n
        }
    }

    public func catalogVersions() throws -> [CatalogVersion] {
        let r = try c.exec("SELECT version, effective, file, loaded_at, changes, catalog FROM catalog_versions ORDER BY version")
        return (0..<r.count).map { i in
            CatalogVersion(version: r.int(i, 0), effective: r.int(i, 0) == 1 ? nil : LocalDate(iso: r.text(i, 1)), file: r.optionalText(i, 2),
                           loadedAt: r.double(i, 3), changes: r.text(i, 4).split(separator: "\n").map(String.init), catalogJSON: r.text(i, 5))
        }
    }

    public func programs(employer: String?) throws -> [ProgramReward] {
        try snapshot {
            var enrolled: [String: Int] = [:]
            let m = try c.exec("SELECT employer, count(*) FROM members WHERE employer IS NOT NULL GROUP BY employer")
            for i in 0..<m.count { enrolled[m.text(i, 0)] = m.int(i, 1) }
            var earned: [String: Int] = [:]
            let a = try c.exec("SELECT employer, program, incentive, reward, count(*) FROM achievements WHERE $1::text IS NULL OR employer = $1 GROUP BY 1, 2, 3, 4",
                               [employer])
            for i in 0..<a.count { earned[[a.text(i, 0), a.text(i, 1), a.text(i, 2), a.text(i, 3)].joined(separator: "\u{1f}")] = a.int(i, 4) }
            var out: [ProgramReward] = []
            for e in catalog.employers where employer == nil || e.id == employer {
                for p in e.programs {
                    for (i, r) in p.rewards.enumerated() {
                        guard let inc = catalog.incentive(r.incentive) else { continue }
                        out.append(ProgramReward(employer: e, program: p, rewardIndex: i, incentive: inc, enrolled: enrolled[e.id] ?? 0,
                                                 achievements: earned[[e.id, p.id, inc.id, r.reward].joined(separator: "\u{1f}")] ?? 0))
                    }
                }
            }
            return out
        }
    }

    // MARK: - Users

    private func memberRows(_ sql: String, _ params: [String?]) throws -> [Member] {
        try PGStoredConfiguration.members(try c.exec(sql, params), path: path)
    }

    public func user(_ id: String) throws -> Member? {
        try memberRows("SELECT \(StoredConfiguration.memberColumns) FROM members WHERE id = $1", [id]).first
    }

    public func members() throws -> [Member] {
        try memberRows("SELECT \(StoredConfiguration.memberColumns) FROM members ORDER BY id", [])
    }

    /// Users matching `query`, in byte order of their ids as SQLite orders them: `starts_with` and `strpos` over
    /// ASCII-lowered text (as `UserQuery.asciiLowered`), never LIKE (which reads `_` and `%` as patterns).
    public func users(_ query: UserQuery) throws -> [Member] {
        var (whereSQL, values) = userWhere(query)
        if let after = query.afterID {
            values.append(after)
            whereSQL += (whereSQL.isEmpty ? " WHERE " : " AND ") + "id COLLATE \"C\" > $\(values.count)"
        }
        values.append(query.limit.map(String.init))
        values.append(String(max(query.offset, 0)))
        return try memberRows("SELECT \(StoredConfiguration.memberColumns) FROM members\(whereSQL) ORDER BY id COLLATE \"C\" "
                              + "LIMIT $\(values.count - 1) OFFSET $\(values.count)", values)
    }

    public func userCount(_ query: UserQuery) throws -> Int {
        let (whereSQL, values) = userWhere(query.unpaged)
        return try c.exec("SELECT count(*) FROM members\(whereSQL)", values).int(0, 0)
    }

    private func userWhere(_ q: UserQuery) -> (String, [String?]) {
        var terms: [String] = []
        var values: [String?] = []
        func add(_ term: (Int) -> String, _ v: String) {
            values.append(v)
            terms.append(term(values.count))
        }
        if let p = q.idPrefix, !p.isEmpty { add({ "starts_with(id, $\($0))" }, p) }
        if let e = q.employer, !e.isEmpty { add({ "employer = $\($0)" }, e) }
        // ASCII letters only, as SQLite's lower() and `UserQuery.asciiLowered`: the same matches everywhere.
        let lowered = { (column: String) in "translate(\(column), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')" }
        if let s = q.idContains, !s.isEmpty { add({ "strpos(\(lowered("id")), $\($0)) > 0" }, UserQuery.asciiLowered(s)) }
        if let z = q.zone, !z.isEmpty { add({ "strpos(\(lowered("timezone")), $\($0)) > 0" }, UserQuery.asciiLowered(z)) }
        return (terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND "), values)
    }

    public func profile(of id: String, today: LocalDate?, recentEvents: Int, achievementLimit: Int) throws -> UserProfile? {
        try snapshot {
            // The member, their saved progress and their number of events in one round trip: a look-up's time is
            // mostly round trips to the server.
            let columns = StoredConfiguration.memberColumns.split(separator: ",").count
            let row = try c.exec("""
                SELECT \(StoredConfiguration.memberColumns.split(separator: ",").map { "m." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
                  p.state, coalesce(p.upto, 0), (SELECT count(*) FROM events WHERE user_id = $1)
                FROM members m LEFT JOIN progress p ON p.user_id = m.id WHERE m.id = $1
                """, [id])
            guard let member = try PGStoredConfiguration.members(row, path: path).first else { return nil }
            guard let zone = zones.rules(for: member.timezone) else {
                throw StoreError.corrupt(path: path, reason: "user \(id): unknown zone \(member.timezone)")
            }
            let day = today ?? zone.localDate(of: Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down))))
            let engine: Engine
            do {
                engine = try Engine(catalog: catalog, roster: Roster(members: [member]), zones: zones)
            } catch {
                throw StoreError.corrupt(path: path, reason: "\(error)")
            }
            // A worker's batch saves the progress of the users it touched, with the last event it includes (`upto`);
            // this user's events after it (not evaluated yet: workers lag the ingest) go on top, as a worker would.
            var upto: Int64 = 0
            if let blob = row.bytes(0, columns) {
                try? engine.restoreProgress(of: id, from: blob)
                upto = row.int64(0, columns + 1)
            }
            let count = row.int(0, columns + 2)
            let later = try c.exec("SELECT type, id, at_s, at_nanos, category FROM events WHERE user_id = $1 AND seq > $2 ORDER BY seq",
                                   [id, String(upto)])
            if later.count > 0 {
                let intake = Intake(storedEventsFor: engine)
                for i in 0..<later.count {
                    guard let type = EventType(rawValue: later.text(i, 0)) else { continue }
                    _ = intake.take(Event(id: later.text(i, 1), type: type, user: id, at: try Self.instant(later, i, 2, path: path),
                                          category: later.optionalText(i, 4)))
                }
            }
            let standings = engine.standings(of: id, today: day).map { StandingRecord($0, zone: member.timezone) }
            let achievements = try self.achievements(AchievementQuery(user: id, order: .recorded, limit: achievementLimit))
            let events = try self.events(of: id, limit: recentEvents, beforeSeq: nil)
            return UserProfile(member: member, employerName: member.employer.flatMap { catalog.employer($0)?.name },
                               today: day, eligibleToday: member.isEligible(on: day),
                               standings: standings, achievements: achievements, recentEvents: events, eventCount: count,
                               points: engine.pointsStandings(of: id).map(PointsRecord.init))
        }
    }

    // MARK: - Events

    /// One stored event by its id, through the events' id index.
    static let eventByIDSQL = "SELECT \(eventColumns) FROM \(eventFrom) WHERE \(PGSchema.eventID("e")) = $1"
    static let eventColumns = "e.seq, e.id, e.type, e.user_id, e.at_s, e.at_nanos, e.category, i.source, e.line, m.timezone"
    static let eventFrom = "events e LEFT JOIN ingests i ON i.id = e.ingest LEFT JOIN members m ON m.id = e.user_id"

    private func eventRecords(_ r: PGRows) throws -> [EventRecord] {
        try (0..<r.count).map { i in
            let at = try Self.instant(r, i, 4, path: path)
            guard let type = EventType(rawValue: r.text(i, 2)) else {
                throw StoreError.corrupt(path: path, reason: "event \(r.text(i, 1)): unknown type \(r.text(i, 2))")
            }
            return EventRecord(seq: r.int64(i, 0), event: Event(id: r.text(i, 1), type: type, user: r.text(i, 3), at: at, category: r.optionalText(i, 6)),
                               localDay: r.optionalText(i, 9).flatMap { zones.rules(for: $0) }?.localDate(of: at),
                               file: r.optionalText(i, 7), line: r.int(i, 8))
        }
    }

    public func events(of user: String, limit: Int, beforeSeq: Int64?) throws -> [EventRecord] {
        try eventRecords(try c.exec("SELECT \(Self.eventColumns) FROM \(Self.eventFrom) WHERE e.user_id = $1 AND e.seq < $2 ORDER BY e.seq DESC LIMIT $3",
                                    [user, String(beforeSeq ?? Int64.max), String(limit)]))
    }

    public func event(id: String) throws -> EventRecord? {
        try eventRecords(try c.exec(Self.eventByIDSQL, [id])).first
    }

    public func forEachEvent(afterSeq: Int64, _ body: (Int64, Event) throws -> Void) throws {
        // Pages of 50,000 by seq, so memory stays bounded (`body` may query this connection).
        var after = afterSeq
        while true {
            let r = try c.exec("SELECT seq, id, type, user_id, at_s, at_nanos, category FROM events WHERE seq > $1 ORDER BY seq LIMIT 50000", [String(after)])
            guard r.count > 0 else { return }
            for i in 0..<r.count {
                guard let type = EventType(rawValue: r.text(i, 2)) else {
                    throw StoreError.corrupt(path: path, reason: "event \(r.text(i, 1)): unknown type \(r.text(i, 2))")
                }
                after = r.int64(i, 0)
                try body(after, Event(id: r.text(i, 1), type: type, user: r.text(i, 3), at: try Self.instant(r, i, 4, path: path),
                                      category: r.optionalText(i, 6)))
            }
        }
    }

    // MARK: - Achievements

    static let achievementColumns = """
        seq, user_id, employer, program, incentive, reward, ordinal, completed_on, at_s, at_nanos, evidence, evidence_days, generation, catalog_version, tier
        """

    static let achievementColumnCount = achievementColumns.split(separator: ",").count

    private func achievementRecords(_ r: PGRows) throws -> [AchievementRecord] {
        try (0..<r.count).map { i in
            let seq = r.int64(i, 0)
            guard let completed = LocalDate(iso: r.text(i, 7)) else {
                throw StoreError.corrupt(path: path, reason: "achievement \(seq): bad completed_on \(r.text(i, 7))")
            }
            guard let ids = arrays.read(r.text(i, 10)), let dayTexts = arrays.read(r.text(i, 11)), ids.count == dayTexts.count else {
                throw StoreError.corrupt(path: path, reason: "achievement \(seq): unreadable evidence")
            }
            let days = try dayTexts.map { t in
                guard let d = LocalDate(iso: t) else { throw StoreError.corrupt(path: path, reason: "achievement \(seq): bad evidence day \(t)") }
                return d
            }
            return AchievementRecord(seq: seq, achievement: Achievement(
                user: r.text(i, 1), employer: r.text(i, 2), program: r.text(i, 3), incentive: r.text(i, 4), reward: r.text(i, 5),
                completedOn: completed, achievedAt: try Self.instant(r, i, 8, path: path), evidence: ids, evidenceDays: days,
                ordinal: r.int(i, 6), generation: r.int(i, 12), tier: StoreReader.tier(r.text(i, 14))), catalogVersion: r.int(i, 13))
        }
    }

    private func whereClause(_ q: AchievementQuery) -> (String, [String?]) {
        var terms: [String] = [], values: [String?] = []
        func add(_ column: String, _ op: String, _ v: String?) {
            guard let v else { return }
            values.append(v)
            terms.append("\(column) \(op) $\(values.count)")
        }
        add("user_id", "=", q.user)
        if let prefix = q.userPrefix, !prefix.isEmpty {
            values.append(prefix)
            terms.append("starts_with(user_id, $\(values.count))")
        }
        add("employer", "=", q.employer)
        add("program", "=", q.program)
        add("incentive", "=", q.incentive)
        add("tier", "=", q.tier)
        add("completed_on", ">=", q.since?.iso)
        add("completed_on", "<=", q.until?.iso)
        return (terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND "), values)
    }

    private func achievementSQL(_ query: AchievementQuery) -> (String, [String?]) {
        var (whereSQL, values) = whereClause(query)
        // Text ordered byte by byte, as SQLite orders it.
        let (order, newestFirst) = AchievementOrderSQL.orderBy(query, userColumn: "user_id", collate: " COLLATE \"C\"")
        if let after = query.afterSeq, query.order == .recorded || query.order == .newest {
            values.append(String(after))
            whereSQL += (whereSQL.isEmpty ? " WHERE " : " AND ") + (newestFirst ? "seq < $\(values.count)" : "seq > $\(values.count)")
        }
        values.append(query.limit.map { String($0) })
        values.append(String(query.offset))
        return ("SELECT \(Self.achievementColumns) FROM achievements\(whereSQL) ORDER BY \(order) LIMIT $\(values.count - 1) OFFSET $\(values.count)", values)
    }

    public func achievements(_ query: AchievementQuery) throws -> [AchievementRecord] {
        let (sql, values) = achievementSQL(query)
        return try achievementRecords(try c.exec(sql, values))
    }

    /// Streamed a page at a time (keyset on seq for recorded and newest order), so millions never sit in memory.
    public func forEachAchievement(_ query: AchievementQuery, _ body: (AchievementRecord) throws -> Void) throws {
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
        let (whereSQL, values) = whereClause(query)
        return try c.exec("SELECT count(*) FROM achievements\(whereSQL)", values).int(0, 0)
    }

    public func achievement(id: String) throws -> AchievementRecord? {
        try achievementRecords(try c.exec("SELECT \(Self.achievementColumns) FROM achievements WHERE id = $1", [id])).first
    }

    public func evidence(of achievementID: String) throws -> [EvidenceRecord] {
        guard let a = try achievement(id: achievementID)?.achievement else { return [] }
        return try zip(a.evidence, a.evidenceDays).enumerated().map { i, pair in
            EvidenceRecord(position: i, eventID: pair.0, day: pair.1, event: try event(id: pair.0))
        }
    }

    // MARK: - Rejects, changes, deliveries, explanations

    static let rejectColumns = "seq, file, line, code, field, reason, text, at"

    private func rejectRecords(_ r: PGRows) -> [RejectRecord] {
        (0..<r.count).map { i in
            RejectRecord(seq: r.int64(i, 0), file: r.text(i, 1), line: r.int(i, 2), code: r.text(i, 3), field: r.optionalText(i, 4),
                         reason: r.text(i, 5), eventID: r.optionalText(i, 6), at: r.double(i, 7))
        }
    }

    public func rejects(file: String? = nil, code: String? = nil, limit: Int? = nil, offset: Int = 0) throws -> [RejectRecord] {
        rejectRecords(try c.exec("""
            SELECT \(Self.rejectColumns) FROM rejects WHERE ($1::text IS NULL OR file = $1) AND ($2::text IS NULL OR code = $2)
            ORDER BY seq LIMIT $3 OFFSET $4
            """, [file, code, limit.map { String($0) }, String(offset)]))
    }

    public func changes(sinceEvent: Int64, sinceAchievement: Int64, sinceReject: Int64, limit: Int) throws -> StoreChanges {
        try snapshot {
            let events = try eventRecords(try c.exec("SELECT \(Self.eventColumns) FROM \(Self.eventFrom) WHERE e.seq > $1 ORDER BY e.seq LIMIT $2",
                                                     [String(sinceEvent), String(limit)]))
            let recorded = try c.exec("SELECT \(Self.achievementColumns), recorded FROM achievements WHERE recorded > $1 ORDER BY recorded LIMIT $2",
                                      [String(sinceAchievement), String(limit)])
            let achievements = try achievementRecords(recorded)
            let lastRecorded = recorded.count > 0 ? recorded.int64(recorded.count - 1, Self.achievementColumnCount) : sinceAchievement
            let rejects = rejectRecords(try c.exec("SELECT \(Self.rejectColumns) FROM rejects WHERE seq > $1 ORDER BY seq LIMIT $2",
                                                   [String(sinceReject), String(limit)]))
            return StoreChanges(events: events, achievements: achievements, rejects: rejects,
                                lastEventSeq: events.last?.seq ?? sinceEvent, lastAchievementSeq: lastRecorded,
                                lastRejectSeq: rejects.last?.seq ?? sinceReject)
        }
    }

    public func deliveries(failureLimit: Int) throws -> [PartnerDeliveries] {
        try snapshot {
            var by: [String: (pending: Int, delivered: Int, failed: Int)] = [:]
            let r = try c.exec("SELECT partner, status, count(*) FROM deliveries GROUP BY partner, status")
            for i in 0..<r.count {
                var n = by[r.text(i, 0)] ?? (0, 0, 0)
                switch r.text(i, 1) {
                case "pending": n.pending += r.int(i, 2)
                case "delivered": n.delivered += r.int(i, 2)
                default: n.failed += r.int(i, 2)
                }
                by[r.text(i, 0)] = n
            }
            let f = try c.exec("""
                SELECT d.id, d.partner, d.achievement_id, d.attempts, coalesce(d.last_error, ''), a.user_id, a.reward
                FROM deliveries d LEFT JOIN achievements a ON a.id = d.achievement_id
                WHERE d.status = 'failed' ORDER BY d.next_attempt_at DESC, d.id LIMIT $1
                """, [String(failureLimit)])
            let failures = (0..<f.count).map { i in
                DeliveryRecord(id: f.text(i, 0), partner: f.text(i, 1), achievementID: f.text(i, 2), user: f.optionalText(i, 5) ?? "?",
                               reward: f.optionalText(i, 6) ?? "?", status: .failed, attempts: f.int(i, 3), lastError: f.text(i, 4))
            }
            return catalog.partners.map { p in
                let n = by[p.id]
                let mine = failures.filter { $0.partner == p.id }
                return PartnerDeliveries(partnerID: p.id, partnerName: p.name, pending: n?.pending ?? 0, delivered: n?.delivered ?? 0,
                                         failed: n?.failed ?? 0, lastError: mine.first?.lastError, failures: mine)
            }
        }
    }

    public func explain(user id: String, today: LocalDate?, program: String?) throws -> Explanation? {
        try explainKept(user: id, today: today, program: program) // PGWhyQuery.swift
    }
}

/// Putting a failed delivery back in the queue from the console, on PostgreSQL: through the sender's narrow path,
/// `incentives_retry_delivery(id, at)` (`PGRoles`), so that a login with only the reader role can do this one
/// thing. Where that function is missing (roles not set up yet) or this login may not call it (the owner, to whom
/// EXECUTE is not granted), the same UPDATE is tried directly, which works for a login allowed to write.
public final class PGDeliveryRetry: DeliveryRetrying {
    private let url: String
    private var c: PGConnection?

    public init(url: String) { self.url = url }

    public func retry(delivery id: String, at unixSeconds: Double) throws -> Bool {
        if c == nil { c = try PGConnection(url: url) }
        do {
            return try c!.exec("SELECT incentives_retry_delivery($1, $2)", [id, String(unixSeconds)]).bool(0, 0)
        } catch let e as StoreError {
            switch e {
            case .permissionDenied: break
            case .postgres(_, let state, _) where state == "42883": break // undefined_function
            default: throw e
            }
            do {
                return try c!.exec("""
                    UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2, claimed_until = NULL WHERE id = $1 AND status = 'failed' RETURNING id
                    """, [id, String(unixSeconds)]).count == 1
            } catch {
                throw e
            }
        }
    }
}
