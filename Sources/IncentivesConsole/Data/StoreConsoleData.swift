import Foundation
import IncentivesCore
import IncentivesStore

/// Console data read from the SQLite store, through `StoreReader` (read-only connections: the console
/// never blocks an ingest and an ingest never blocks the console). Two readers, because a reader is
/// single-threaded: one for the UI thread's pages, one for the live poller. Retrying a delivery is the
/// only write, on a connection opened when first needed.
public final class StoreConsoleData: ConsoleData, @unchecked Sendable { // each reader is used under its own lock
    public let sourceName: String
    public let catalog: Catalog
    private let path: String
    private let ui: StoreReader
    private let live: StoreReader
    private let uiLock = NSLock()
    private let liveLock = NSLock()
    private var writer: StoreDeliveryQueue?
    private let cacheLock = NSLock()
    private var overview: [EmployerOverview]?

    public init(path: String) throws {
        self.path = path
        ui = try StoreReader(path: path)
        live = try StoreReader(path: path)
        catalog = ui.catalog
        sourceName = path
    }

    private func read<T>(_ body: (StoreReader) throws -> T, otherwise fallback: T) -> T {
        uiLock.lock(); defer { uiLock.unlock() }
        // A read that fails (the file vanished, a locked schema change) shows as empty rather than
        // ending the console; the next key asks again.
        return (try? body(ui)) ?? fallback
    }

    /// The overview counts every achievement (tens of milliseconds on a million events), so it is computed
    /// once, then again on the poller thread when new achievements arrive: entering the screen never waits.
    public func programsOverview() -> [EmployerOverview] {
        cacheLock.lock()
        let cached = overview
        cacheLock.unlock()
        if let cached { return cached }
        uiLock.lock()
        let fresh = computeOverview(ui)
        uiLock.unlock()
        cacheLock.lock(); overview = fresh; cacheLock.unlock()
        return fresh
    }

    private func computeOverview(_ reader: StoreReader) -> [EmployerOverview] {
        let rows = (try? reader.programs()) ?? []
        var earned: [String: Int] = [:]
        var enrolled: [String: Int] = [:]
        for r in rows {
            earned[r.program + "\u{1f}" + String(r.rewardIndex)] = r.achievements
            enrolled[r.employer] = r.enrolled
        }
        return catalog.employers.map { e in
            EmployerOverview(employer: e, users: enrolled[e.id] ?? 0, programs: e.programs.map { p in
                ProgramOverview(program: p, enrolled: enrolled[e.id] ?? 0, rewards: p.rewards.enumerated().compactMap { i, r in
                    catalog.incentive(r.incentive).map {
                        RewardOverview(reward: r, incentive: $0, achievements: earned[p.id + "\u{1f}" + String(i)] ?? 0)
                    }
                })
            })
        }
    }

    public func searchUsers(prefix: String, limit: Int) -> [UserSummary] {
        read({ try $0.users(prefix: prefix, limit: limit) }, otherwise: []).map {
            UserSummary(id: $0.id, employer: $0.employer, timezone: $0.timezone)
        }
    }

    public func userProfile(id: String, today: LocalDate) -> UserProfile? {
        read({ r -> UserProfile? in
            guard let p = try r.profile(of: id, today: today, recentEvents: 20) else { return nil }
            let u = p.user
            let member = Member(id: u.id, employer: u.employer, timezone: u.timezone, eligibleFrom: LocalDate(iso: u.eligibleFrom) ?? today,
                                eligibleUntil: u.eligibleUntil.flatMap(LocalDate.init(iso:)), partnerMemberIDs: u.partnerIDs)
            // The calendar shows five weeks: the last 200 events cover them for any plausible user.
            let days = try r.events(of: id, limit: 200).compactMap { $0.localDay.flatMap(LocalDate.init(iso:)) }
            // Evidence days come from the achievements themselves: once a reward's limit is reached the
            // engine keeps no progress for it, so its standing has no used days left to show. Only
            // achievements recent enough to touch the calendar are looked up.
            let since = (days.max() ?? today).adding(days: -7 * CalendarView.weeks - 366)
            var evidence = Set<LocalDate>()
            for a in p.achievements where (LocalDate(iso: a.completedOn) ?? today) >= since {
                for e in try r.evidence(of: a.id) { if let d = LocalDate(iso: e.day) { evidence.insert(d) } }
            }
            return UserProfile(
                member: member, employerName: p.employerName,
                standings: p.standings.map {
                    RewardProgress(reward: $0.reward, program: $0.program, incentive: $0.incentive, awards: $0.awards, limit: $0.limit,
                                   done: $0.limitReached ? $0.needed : min($0.done ?? 0, $0.needed), needed: $0.needed,
                                   text: $0.progress)
                },
                loggedDays: Set(days),
                evidenceDays: evidence,
                achievements: p.achievements.reversed().map(Self.achievement),
                recentEvents: p.recentEvents.compactMap(Self.event),
                lastActiveDay: days.max())
        }, otherwise: nil)
    }

    public func achievements(_ q: AchievementQuery) -> AchievementPage {
        let order: IncentivesStore.AchievementQuery.Order
        switch q.sort {
        case .recorded: order = .recorded
        case .user: order = .user
        case .completedOn: order = .completed
        case .program: order = .program
        case .reward: order = .reward
        }
        let sq = IncentivesStore.AchievementQuery(user: q.user, employer: q.employer, program: q.program, incentive: q.incentive,
                                                  since: q.from?.iso, until: q.through?.iso, order: order, descending: q.descending,
                                                  limit: q.limit, offset: q.offset)
        return read({ r in
            AchievementPage(rows: try r.achievements(sq).map(Self.achievement), total: try r.achievementCount(sq))
        }, otherwise: AchievementPage(rows: [], total: 0))
    }

    public func evidence(of record: AchievementRecord) -> [EventRecord] {
        read({ try $0.evidence(of: record.achievement.id) }, otherwise: []).compactMap { $0.event.flatMap(Self.event) }
    }

    public func changes(since cursor: LiveCursor, limit: Int) -> LiveChanges {
        liveLock.lock(); defer { liveLock.unlock() }
        guard let counts = try? live.counts() else {
            return LiveChanges(events: [], achievements: [], cursor: cursor, totalEvents: 0, totalAchievements: 0)
        }
        var from = cursor
        if from == .start {
            from = LiveCursor(event: max(Int(counts.lastEventSeq) - limit, 0), achievement: max(Int(counts.lastAchievementSeq) - limit, 0))
        }
        // More than `limit` since the last look (a fast ingest): jump to the newest `limit` and count the rest,
        // instead of climbing `limit` rows a poll behind the ingest.
        let skippedEvents = max(0, Int(counts.lastEventSeq) - from.event - limit)
        let skippedAchievements = max(0, Int(counts.lastAchievementSeq) - from.achievement - limit)
        let skipped = cursor == .start ? 0 : skippedEvents + skippedAchievements
        from = LiveCursor(event: from.event + skippedEvents, achievement: from.achievement + skippedAchievements)
        guard let c = try? live.changes(sinceEvent: Int64(from.event), sinceAchievement: Int64(from.achievement), limit: limit) else {
            return LiveChanges(events: [], achievements: [], cursor: from, totalEvents: counts.events, totalAchievements: counts.achievements)
        }
        if !c.achievements.isEmpty, cursor != .start {
            let fresh = computeOverview(live)
            cacheLock.lock(); overview = fresh; cacheLock.unlock()
        }
        return LiveChanges(events: c.events.compactMap(Self.event), achievements: c.achievements.map(Self.achievement),
                           cursor: LiveCursor(event: Int(c.lastEventSeq), achievement: Int(c.lastAchievementSeq)),
                           totalEvents: max(counts.events, Int(c.lastEventSeq)), totalAchievements: counts.achievements, skipped: skipped)
    }

    public func deliveries() -> [PartnerDeliveries] {
        read({ r in
            let queue = StoreDeliveryQueue(db: r.db)
            let counts = Dictionary(uniqueKeysWithValues: try queue.counts().map { ($0.partner, $0) })
            let failures = try queue.recentFailures(limit: 200)
            return catalog.partners.map { p in
                let c = counts[p.id]
                let mine = failures.filter { $0.partner == p.id }.map { f in
                    let a = try? r.achievement(id: f.achievementID)
                    return DeliveryRecord(id: f.id, partner: f.partner, achievementID: f.achievementID, user: a?.user ?? "?",
                                          reward: a?.reward ?? "?", status: .failed, attempts: f.attempts, lastError: f.lastError)
                }
                return PartnerDeliveries(partnerID: p.id, partnerName: p.name, pending: c?.pending ?? 0, delivered: c?.delivered ?? 0,
                                         failed: c?.failed ?? 0, lastError: mine.first?.lastError, failures: mine)
            }
        }, otherwise: [])
    }

    public func retryDelivery(id: String) -> Result<Void, ConsoleDataError> {
        uiLock.lock(); defer { uiLock.unlock() }
        do {
            if writer == nil { writer = StoreDeliveryQueue(db: try Database(path: path, mode: .readWrite(create: false))) }
            return try writer!.retry(id, at: Date().timeIntervalSince1970) ? .success(()) : .failure(ConsoleDataError("\(id) has not failed"))
        } catch {
            return .failure(ConsoleDataError("\(error)"))
        }
    }

    // MARK: - From the store's records

    static func event(_ e: IncentivesStore.EventRecord) -> EventRecord? {
        guard let type = EventType(rawValue: e.type), case .success(let at) = Instant.parseRFC3339(e.at),
              let day = e.localDay.flatMap(LocalDate.init(iso:)) else { return nil }
        return EventRecord(sequence: Int(e.seq), event: Event(id: e.id, type: type, user: e.user, at: at, category: e.category), localDay: day)
    }

    private struct EvidenceList: Decodable { let evidence: [String] }

    static func achievement(_ a: IncentivesStore.AchievementRecord) -> AchievementRecord {
        let evidence = (try? JSONDecoder().decode(EvidenceList.self, from: Data(a.jsonLine.utf8)))?.evidence ?? []
        let at = (try? Instant.parseRFC3339(a.achievedAt).get()) ?? Instant(seconds: 0)
        let day = LocalDate(iso: a.completedOn) ?? LocalDate(dayNumber: 0)
        return AchievementRecord(sequence: Int(a.seq), achievement: Achievement(
            user: a.user, employer: a.employer, program: a.program, incentive: a.incentive, reward: a.reward,
            completedOn: day, achievedAt: at, evidence: evidence, evidenceDays: [], ordinal: a.ordinal))
    }
}
