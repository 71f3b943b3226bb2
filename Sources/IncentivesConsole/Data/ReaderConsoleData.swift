import Foundation
import IncentivesCore

/// Console data read from a store through `StoreReading` (for SQLite, read-only connections: the console
/// never blocks an ingest and an ingest never blocks the console). Two readers, because a reader is
/// single-threaded: one for the UI thread's pages, one for the live poller. Retrying a delivery is the
/// only write, through `DeliveryRetrying`.
public final class ReaderConsoleData: ConsoleData, @unchecked Sendable { // each reader is used under its own lock
    public let sourceName: String
    public let catalog: Catalog
    private let ui: any StoreReading
    private let live: any StoreReading
    private let retrier: any DeliveryRetrying
    private let uiLock = NSLock()
    private let liveLock = NSLock()
    private let cacheLock = NSLock()
    private var overview: [EmployerOverview]?

    /// Told of commits (PostgreSQL's NOTIFY); nil: the live thread polls. Used on the live thread only.
    private let signal: (any ChangeSignal)?

    /// `open` is called twice, for the two readers. `signal`, when the store has one, replaces the live thread's timer.
    public init(sourceName: String, open: () throws -> any StoreReading, retry: any DeliveryRetrying,
                signal: (any ChangeSignal)? = nil) throws {
        self.signal = signal
        ui = try open()
        live = try open()
        retrier = retry
        catalog = ui.catalog
        self.sourceName = sourceName
    }

    private func read<T>(_ body: (any StoreReading) throws -> T, otherwise fallback: T) -> T {
        uiLock.lock(); defer { uiLock.unlock() }
        // A read that fails (the file vanished, a locked schema change) shows as empty rather than
        // ending the console; the next key asks again.
        return (try? body(ui)) ?? fallback
    }

    /// The overview counts every achievement (a scan that grows with them; README, Benchmarks), so it is computed
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

    private func computeOverview(_ reader: any StoreReading) -> [EmployerOverview] {
        let rows = (try? reader.programs(employer: nil)) ?? []
        var earned: [String: Int] = [:]
        // Per program, those eligible on at least one day of it (`Program.enrolls`); per employer, the headcount.
        var enrolled: [String: Int] = [:]
        var users: [String: Int] = [:]
        for r in rows {
            earned[r.program.id + "\u{1f}" + String(r.rewardIndex)] = r.achievements
            enrolled[r.employer.id + "\u{1f}" + r.program.id] = r.enrolled
            users[r.employer.id] = r.employerUsers
        }
        return catalog.employers.map { e in
            EmployerOverview(employer: e, users: users[e.id] ?? 0, programs: e.programs.map { p in
                ProgramOverview(program: p, enrolled: enrolled[e.id + "\u{1f}" + p.id] ?? 0, rewards: p.rewards.enumerated().compactMap { i, r in
                    catalog.incentive(r.incentive).map {
                        RewardOverview(reward: r, incentive: $0, achievements: earned[p.id + "\u{1f}" + String(i)] ?? 0)
                    }
                })
            })
        }
    }

    public func catalogVersions() -> [CatalogVersion] {
        read({ try $0.catalogVersions() }, otherwise: [])
    }

    public func preview(_ proposed: Catalog) -> Result<[CatalogPreview.Row], ConsoleDataError> {
        uiLock.lock(); defer { uiLock.unlock() }
        do {
            let total = try ui.counts().events
            guard total > 0 else { return .failure(ConsoleDataError("no events are stored yet: nothing to preview")) }
            let preview = try CatalogPreview(current: catalog, proposed: proposed, roster: Roster(members: try ui.members()))
            var batch: [Event] = []
            try ui.forEachEvent(afterSeq: 0) { _, event in
                batch.append(event)
                if batch.count == 50_000 { preview.take(batch); batch.removeAll(keepingCapacity: true) }
            }
            preview.take(batch)
            return .success(preview.rows)
        } catch {
            return .failure(ConsoleDataError("\(error)"))
        }
    }

    public func participation(employer: String, program: String) -> Result<[ParticipationRow], ConsoleDataError> {
        uiLock.lock(); defer { uiLock.unlock() }
        guard let reader = ui as? any ReportReading else { return .failure(ConsoleDataError("this store has no reports")) }
        guard let e = catalog.employer(employer) else { return .failure(ConsoleDataError("no employer \(employer)")) }
        do {
            return .success(try reader.participation(employer: e, program: program, by: .month, from: nil, to: nil))
        } catch {
            return .failure(ConsoleDataError("\(error)"))
        }
    }

    public func employerReport(employer: String, program: String, asOf: LocalDate) -> Result<EmployerReport, ConsoleDataError> {
        uiLock.lock(); defer { uiLock.unlock() }
        guard let reader = ui as? any ReportReading else { return .failure(ConsoleDataError("this store has no reports")) }
        guard let e = catalog.employer(employer) else { return .failure(ConsoleDataError("no employer \(employer)")) }
        do {
            let (rows, funnel) = try reader.participationAndFunnel(employer: e, program: program, by: .month, asOf: asOf)
            return .success(EmployerReport(rows: rows, funnel: funnel))
        } catch {
            return .failure(ConsoleDataError("\(error)"))
        }
    }

    public func users(_ query: UserQuery) -> UserList {
        read({ UserList(rows: try $0.users(query), total: try $0.userCount(query)) }, otherwise: UserList(rows: [], total: 0))
    }

    public func users(_ query: UserQuery, in state: UserStateFilter, today: LocalDate) -> UserList {
        read({ try $0.users(query, in: state, today: today) }, otherwise: UserList(rows: [], total: 0))
    }

    /// The source is the database's path (the console opens a reader on it).
    public var databasePath: String? { sourceName }

    public func userPage(id: String, today: LocalDate) -> UserPage? {
        read({ r -> UserPage? in
            guard let p = try r.profile(of: id, today: today, recentEvents: 20, achievementLimit: 100) else { return nil }
            // The calendar shows five weeks: the last 200 events cover them for any plausible user.
            let days = try r.events(of: id, limit: 200, beforeSeq: nil).compactMap(\.localDay)
            // Evidence days come from the achievements themselves: once a reward's limit is reached the
            // engine keeps no progress for it, so its standing has no used days left to show.
            var page = UserPage(
                member: p.member, employerName: p.employerName, standings: p.standings,
                loggedDays: Set(days),
                evidenceDays: Set(p.achievements.flatMap(\.achievement.evidenceDays)),
                achievements: p.achievements.reversed(),
                recentEvents: p.recentEvents,
                lastActiveDay: days.max(),
                points: p.points)
            page.deliveries = try (r as? any UserDeliveryReading)?.deliveries(ofUser: id) ?? []
            return page
        }, otherwise: nil)
    }

    public func explanation(of user: String, today: LocalDate) -> Explanation? {
        read({ try $0.explain(user: user, today: today, program: nil) }, otherwise: nil)
    }

    public func achievements(_ q: AchievementQuery) -> AchievementPage {
        read({ r in
            AchievementPage(rows: try r.achievements(q), total: try r.achievementCount(q))
        }, otherwise: AchievementPage(rows: [], total: 0))
    }

    public func evidence(of record: AchievementRecord) -> [EventRecord] {
        read({ try $0.evidence(of: record.id) }, otherwise: []).compactMap(\.event)
    }

    public func changes(since cursor: LiveCursor, limit: Int) -> LiveChanges {
        liveLock.lock(); defer { liveLock.unlock() }
        guard let counts = try? live.counts() else {
            return LiveChanges(events: [], achievements: [], cursor: cursor, totalEvents: 0, totalAchievements: 0, failed: true)
        }
        var from = cursor
        if from == .start {
            from = LiveCursor(event: max(Int(counts.lastEventSeq).subtractingSaturated(limit), 0),
                              achievement: max(Int(counts.lastAchievementSeq).subtractingSaturated(limit), 0))
        }
        // More than `limit` since the last look (a fast ingest): jump to the newest `limit` and count the rest,
        // instead of climbing `limit` rows a poll behind the ingest. (Saturating: the numbers are the database's.)
        let skippedEvents = max(0, Int(counts.lastEventSeq).subtractingSaturated(from.event).subtractingSaturated(limit))
        let skippedAchievements = max(0, Int(counts.lastAchievementSeq).subtractingSaturated(from.achievement).subtractingSaturated(limit))
        let skipped = cursor == .start ? 0 : skippedEvents.addingSaturated(skippedAchievements)
        from = LiveCursor(event: from.event.addingSaturated(skippedEvents), achievement: from.achievement.addingSaturated(skippedAchievements))
        guard let c = try? live.changes(sinceEvent: Int64(from.event), sinceAchievement: Int64(from.achievement), sinceReject: 0, limit: limit) else {
            return LiveChanges(events: [], achievements: [], cursor: cursor, totalEvents: counts.events, totalAchievements: counts.achievements, failed: true)
        }
        if !c.achievements.isEmpty, cursor != .start {
            let fresh = computeOverview(live)
            cacheLock.lock(); overview = fresh; cacheLock.unlock()
        }
        return LiveChanges(events: c.events.filter { $0.localDay != nil }, achievements: c.achievements,
                           cursor: LiveCursor(event: Int(c.lastEventSeq), achievement: Int(c.lastAchievementSeq)),
                           totalEvents: max(counts.events, Int(c.lastEventSeq)), totalAchievements: counts.achievements, skipped: skipped)
    }

    public func waitForChanges(upTo seconds: Double) -> Bool {
        guard let signal else {
            if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
            return true
        }
        return signal.anythingNew(waitingUpTo: seconds)
    }

    public func deliveries() -> [PartnerDeliveries] {
        read({ try $0.deliveries(failureLimit: 200) }, otherwise: [])
    }

    public func retryDelivery(id: String) -> Result<Void, ConsoleDataError> {
        uiLock.lock(); defer { uiLock.unlock() }
        do {
            return try retrier.retry(delivery: id, at: Date().timeIntervalSince1970) ? .success(()) : .failure(ConsoleDataError("\(id) has not failed"))
        } catch {
            return .failure(ConsoleDataError("\(error)"))
        }
    }
}
