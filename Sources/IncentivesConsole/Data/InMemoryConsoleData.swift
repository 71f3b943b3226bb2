import Foundation
import IncentivesCore
import IncentivesInput

/// Console data computed in memory: the events run through the engine at start-up, exactly as
/// `replay` does. Used for the demo files, the golden tests and the benchmark; when built from an
/// events file it also follows the file as lines are appended (the files-only Live screen).
public final class InMemoryConsoleData: ConsoleData, @unchecked Sendable { // every member is guarded by `lock`
    public let sourceName: String
    public let catalog: Catalog
    private let lock = NSLock()
    private let intake: Intake
    private var engine: Engine { intake.engine }
    private var events: [EventRecord] = []
    private var achievements: [AchievementRecord] = []
    private var eventsByUser: [String: [Int]] = [:]
    private var achievementsByUser: [String: [Int]] = [:]
    private var achievementCount: [String: Int] = [:] // "program\u{1f}rewardIndex" → count
    private var deliveryOverrides: [String: (DeliveryStatus, Int, String?)] = [:]
    private var sequence: Int64 = 0
    /// Following a file: where to read from next.
    private let followPath: String?
    private var followLine = 0
    private var followOffset: Int64 = 0
    /// The catalog file's text, for the simulator's export (empty when built from values).
    private var catalogText = ""

    public init(catalog: Catalog, roster: Roster, events: [Event] = [], sourceName: String = "memory") throws {
        self.catalog = catalog
        self.sourceName = sourceName
        intake = Intake(engine: try Engine(catalog: catalog, roster: roster), expectedEvents: events.count)
        followPath = nil
        for e in events { take(e) }
    }

    /// Loads the three files (as `replay` would) and follows the events file for appended lines.
    public init(catalogPath: String, rosterPath: String, eventsPath: String?, sourceName: String? = nil) throws {
        let zones = ZoneDirectory()
        let catalog = try CatalogDecoder.load(path: catalogPath)
        let roster = try RosterDecoder.load(path: rosterPath, catalog: catalog, zones: zones)
        self.catalog = catalog
        catalogText = (try? String(contentsOfFile: catalogPath, encoding: .utf8)) ?? ""
        self.sourceName = sourceName ?? (eventsPath ?? rosterPath)
        intake = Intake(engine: try Engine(catalog: catalog, roster: roster, zones: zones))
        followPath = eventsPath
        if eventsPath != nil { try follow() }
    }

    private func take(_ event: Event) {
        guard case .accepted(let earned) = intake.take(event),
              let day = engine.localDate(of: event.at, for: event.user) else { return }
        sequence += 1
        eventsByUser[event.user, default: []].append(events.count)
        events.append(EventRecord(seq: sequence, event: event, localDay: day))
        for a in earned {
            sequence += 1
            achievementsByUser[a.user, default: []].append(achievements.count)
            achievements.append(AchievementRecord(seq: sequence, achievement: a))
            achievementCount[a.program + "\u{1f}" + a.incentive + "\u{1f}" + a.reward, default: 0] += 1
        }
    }

    /// Reads lines appended to the events file since the last call. Rejected lines are skipped (replay
    /// reports them); the Live screen shows what was accepted.
    @discardableResult
    public func follow() throws -> Int {
        guard let path = followPath else { return 0 }
        // A writer may be in the middle of a line: read only once the file ends with a newline, so a
        // half-written event is not taken for a bad one.
        guard Self.endsWithNewline(path) else { return 0 }
        lock.lock(); defer { lock.unlock() }
        let before = events.count
        var line = followLine, offset = followOffset
        try EventStream(path: path, startLine: followLine, startOffset: followOffset).forEach { item in
            // A line still being written has no newline yet: leave it for the next call.
            if case .success(let e) = item.event { take(e) }
            line = item.line
            offset = item.nextOffset
            return true
        }
        followLine = line
        followOffset = offset
        return events.count - before
    }

    static func endsWithNewline(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        guard let end = try? h.seekToEnd(), end > 0 else { return true }
        try? h.seek(toOffset: end - 1)
        return (try? h.read(upToCount: 1)) == Data([0x0A])
    }

    // MARK: - Programs

    public func programsOverview() -> [EmployerOverview] {
        lock.lock(); defer { lock.unlock() }
        let members = engine.roster.members
        return catalog.employers.map { employer in
            let staff = members.filter { $0.employer == employer.id }
            let programs = employer.programs.map { program in
                let enrolled = staff.count { program.enrolls($0) }
                let rewards = program.rewards.compactMap { r -> RewardOverview? in
                    guard let inc = catalog.incentive(r.incentive) else { return nil }
                    return RewardOverview(reward: r, incentive: inc,
                                          achievements: achievementCount[program.id + "\u{1f}" + r.incentive + "\u{1f}" + r.reward] ?? 0)
                }
                return ProgramOverview(program: program, enrolled: enrolled, rewards: rewards)
            }
            return EmployerOverview(employer: employer, users: staff.count, programs: programs)
        }
    }

    // MARK: - Users

    /// The roster in id order (UTF-8 bytes, as the stores sort), made once: the roster never changes here.
    private lazy var membersByID: [Member] = engine.roster.members.sorted { UserQuery.precedes($0.id, $1.id) }

    /// Files carry one catalog: version 1.
    public func catalogVersions() -> [CatalogVersion] {
        [CatalogVersion(version: 1, effective: nil, file: nil, loadedAt: 0, changes: [], catalogJSON: catalogText)]
    }

    /// The same counter `incentives report` uses, over the events and awards held here.
    public func participation(employer: String, program: String) -> Result<[ParticipationRow], ConsoleDataError> {
        lock.lock(); defer { lock.unlock() }
        guard let e = catalog.employer(employer) else { return .failure(ConsoleDataError("no employer \(employer)")) }
        let counter = ParticipationCounter(catalog: catalog, employer: e, program: program, by: .month, from: nil, to: nil,
                                           members: engine.roster.members.filter { $0.employer == employer })
        for r in events { counter.count(r.event) }
        for r in achievements where r.achievement.employer == employer { counter.count(r.achievement) }
        do { return .success(try counter.rows()) } catch { return .failure(ConsoleDataError("\(error)")) }
    }

    /// The same participation and funnel `incentives report` makes, over the events held here (in arrival order).
    public func employerReport(employer: String, program: String, asOf: LocalDate) -> Result<EmployerReport, ConsoleDataError> {
        let rows: [ParticipationRow]
        switch participation(employer: employer, program: program) {
        case .success(let r): rows = r
        case .failure(let why): return .failure(why)
        }
        lock.lock(); defer { lock.unlock() }
        guard let e = catalog.employer(employer) else { return .failure(ConsoleDataError("no employer \(employer)")) }
        do {
            let funnel = try FunnelReport.make(catalog: catalog, employer: e, program: program, asOf: asOf,
                                               members: engine.roster.members.filter { $0.employer == employer }) { body in
                for r in events { try body(r.event) }
            }
            return .success(EmployerReport(rows: rows, funnel: funnel))
        } catch {
            return .failure(ConsoleDataError("\(error)"))
        }
    }

    public func preview(_ proposed: Catalog) -> Result<[CatalogPreview.Row], ConsoleDataError> {
        lock.lock(); defer { lock.unlock() }
        guard !events.isEmpty else { return .failure(ConsoleDataError("no events yet: nothing to preview")) }
        do {
            let preview = try CatalogPreview(current: catalog, proposed: proposed, roster: engine.roster)
            preview.take(events.map(\.event))
            return .success(preview.rows)
        } catch {
            return .failure(ConsoleDataError("\(error)"))
        }
    }

    public func users(_ q: UserQuery) -> UserList {
        lock.lock(); defer { lock.unlock() }
        let all = membersByID
        // Past `afterID` by binary search, then the filters: the same rows, in the same order, as the SQL.
        var start = all.startIndex
        if let after = q.afterID {
            var lo = 0, hi = all.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if UserQuery.precedes(after, all[mid].id) { hi = mid } else { lo = mid + 1 }
            }
            start = lo
        }
        let total = all.count { q.matches($0) }
        let rows = Array(all[start...].lazy.filter { q.matches($0) }.dropFirst(max(q.offset, 0)).prefix(q.limit ?? Int.max))
        return UserList(rows: rows, total: total)
    }

    /// The facts `UserStateFilter` asks for, from the events and awards held here and the engine's standings.
    public func users(_ q: UserQuery, in state: UserStateFilter, today: LocalDate) -> UserList {
        lock.lock(); defer { lock.unlock() }
        let matching = membersByID.filter { m in
            guard q.matches(m) else { return false }
            let days = Set((eventsByUser[m.id] ?? []).compactMap { events[$0].localDay }).count
            let standings = state.needsStandings && days > 0
                ? engine.standings(of: m.id, today: today).map { StandingRecord($0, zone: m.timezone) } : []
            return state.matches(UserStateFacts(member: m, today: today, loggedDays: days, awards: achievementsByUser[m.id]?.count ?? 0,
                                                standings: standings), catalog: catalog)
        }
        return UserList.page(matching, q)
    }

    /// Nothing here is written anywhere: there is no database to export from.
    public var databasePath: String? { nil }

    public func userPage(id: String, today: LocalDate) -> UserPage? {
        lock.lock(); defer { lock.unlock() }
        guard let member = engine.roster.member(id) else { return nil }
        let mine = (eventsByUser[id] ?? []).map { events[$0] }
        let won = (achievementsByUser[id] ?? []).map { achievements[$0] }
        var page = UserPage(
            member: member,
            employerName: member.employer.flatMap { catalog.employer($0)?.name },
            standings: engine.standings(of: id, today: today).map { StandingRecord($0, zone: member.timezone) },
            loggedDays: Set(mine.compactMap(\.localDay)),
            evidenceDays: Set(won.flatMap(\.achievement.evidenceDays)),
            achievements: won.reversed(),
            recentEvents: Array(mine.suffix(20).reversed()),
            lastActiveDay: mine.compactMap(\.localDay).max(),
            points: engine.pointsStandings(of: id).map(PointsRecord.init))
        page.deliveries = userDeliveries(won)
        return page
    }

    /// The user's accepted events, in arrival order, through a fresh `Explainer` (this data keeps no duplicates
    /// or refused lines, so the timeline shows accepted events only).
    public func explanation(of user: String, today: LocalDate) -> Explanation? {
        lock.lock(); defer { lock.unlock() }
        guard let member = engine.roster.member(user),
              let fresh = try? Engine(catalog: catalog, roster: Roster(members: [member])),
              let explainer = try? Explainer(intake: Intake(engine: fresh), user: user) else { return nil }
        for i in eventsByUser[user] ?? [] { explainer.take(events[i].event) }
        return explainer.explanation(today: today)
    }

    // MARK: - Achievements

    public func achievements(_ q: AchievementQuery) -> AchievementPage {
        lock.lock(); defer { lock.unlock() }
        // The same filters and order as the stores' SQL (`AchievementQuery.matches`, `precedes`).
        var rows = achievements.filter { q.matches($0.achievement) }
        rows.sort(by: q.precedes)
        if let after = q.afterSeq, q.order == .recorded || q.order == .newest {
            rows = rows.filter { (q.order == .newest) != q.descending ? $0.seq < after : $0.seq > after }
        }
        let page = Array(rows.dropFirst(q.offset).prefix(q.limit ?? Int.max))
        return AchievementPage(rows: page, total: rows.count)
    }

    public func evidence(of record: AchievementRecord) -> [EventRecord] {
        lock.lock(); defer { lock.unlock() }
        let ids = Set(record.achievement.evidence)
        return (eventsByUser[record.achievement.user] ?? []).map { events[$0] }.filter { ids.contains($0.event.id) }
            .sorted { ($0.localDay ?? $0.event.at.localDate(offsetSeconds: 0)) < ($1.localDay ?? $1.event.at.localDate(offsetSeconds: 0)) }
    }

    // MARK: - Live

    public func changes(since cursor: LiveCursor, limit: Int) -> LiveChanges {
        _ = try? follow()
        lock.lock(); defer { lock.unlock() }
        // The newest `limit` since the cursor; older ones are counted as skipped (as the store adapter does).
        let allEvents = cursor.event < 0 ? events[...] : events.drop { $0.seq <= cursor.event }
        let allAchievements = cursor.achievement < 0 ? achievements[...] : achievements.drop { $0.seq <= cursor.achievement }
        let newEvents = Array(allEvents.suffix(limit)), newAchievements = Array(allAchievements.suffix(limit))
        let skipped = cursor == .start ? 0 : (allEvents.count - newEvents.count) + (allAchievements.count - newAchievements.count)
        let next = LiveCursor(event: newEvents.last.map { Int($0.seq) } ?? max(cursor.event, 0),
                              achievement: newAchievements.last.map { Int($0.seq) } ?? max(cursor.achievement, 0))
        return LiveChanges(events: newEvents, achievements: newAchievements, cursor: next,
                           totalEvents: events.count, totalAchievements: achievements.count, skipped: skipped)
    }

    // MARK: - Deliveries

    /// Without a store nothing is ever sent: every achievement a partner must receive is pending,
    /// unless a test or demo marked it otherwise.
    public func setDelivery(id: String, status: DeliveryStatus, attempts: Int, error: String?) {
        lock.lock(); defer { lock.unlock() }
        deliveryOverrides[id] = (status, attempts, error)
    }

    private func allDeliveries() -> [DeliveryRecord] {
        achievements.flatMap { r in
            catalog.partners(for: r.achievement).map { p in
                let id = r.achievement.id + ":" + p.id  // as both stores name an outbox row
                let o = deliveryOverrides[id]
                return DeliveryRecord(id: id, partner: p.id, achievementID: r.achievement.id, user: r.achievement.user,
                                      reward: r.achievement.reward, status: o?.0 ?? .pending, attempts: o?.1 ?? 0, lastError: o?.2)
            }
        }
    }

    /// The user's awards with each partner, as a store's outbox would hold them (partners in id order).
    private func userDeliveries(_ won: [AchievementRecord]) -> [AchievementDelivery] {
        won.flatMap { r in
            catalog.partners(for: r.achievement).sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }.map { p in
                let id = r.achievement.id + ":" + p.id  // as both stores name an outbox row
                let o = deliveryOverrides[id]
                return AchievementDelivery(deliveryID: id, achievementID: r.achievement.id, partner: p.id, status: o?.0 ?? .pending,
                                           attempts: o?.1 ?? 0, lastError: o?.2, nextAttemptAt: nil, deliveredAt: nil)
            }
        }
    }

    public func deliveries() -> [PartnerDeliveries] {
        lock.lock(); defer { lock.unlock() }
        let all = allDeliveries()
        return catalog.partners.map { p in
            let mine = all.filter { $0.partner == p.id }
            let failed = mine.filter { $0.status == .failed }.reversed()
            return PartnerDeliveries(partnerID: p.id, partnerName: p.name,
                                     pending: mine.count { $0.status == .pending },
                                     delivered: mine.count { $0.status == .delivered },
                                     failed: failed.count, lastError: failed.first?.lastError, failures: Array(failed))
        }
    }

    public func retryDelivery(id: String) -> Result<Void, ConsoleDataError> {
        lock.lock(); defer { lock.unlock() }
        guard let o = deliveryOverrides[id], o.0 == .failed else { return .failure(ConsoleDataError("\(id) has not failed")) }
        deliveryOverrides[id] = (.pending, 0, o.2)  // as the store: a fresh attempt budget, the last error kept
        return .success(())
    }
}
