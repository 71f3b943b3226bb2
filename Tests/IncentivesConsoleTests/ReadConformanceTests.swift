import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesInput
@testable import IncentivesStore
@testable import IncentivesPostgres
import Testing
@testable import IncentivesSQL

/// One conformance suite for the read side (issue 22): the same look-up, console-data and delivery-queue tests
/// run against SQLite, PostgreSQL (the tests' private server) and the console's in-memory data, on one generated
/// world ingested into each by the built `incentives`. Every implementation is compared with what `replay`
/// decides for the same files (computed here, in process) and with the roster itself, so a difference between
/// readers (such as "enrolled" meaning the employer's headcount in one and "eligible on a day of the program" in
/// another) fails here instead of reaching a screen.
@Suite("read conformance: SQLite, PostgreSQL and in memory", .timeLimit(.minutes(10)))
struct ReadConformanceTests {
    enum Implementation: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case sqlite, postgres, memory
        var testDescription: String { rawValue }
    }

    /// The generated world, its replay, and the three implementations over it: made once for the suite.
    final class ReadWorld: @unchecked Sendable { // immutable once made; the readers are used under ReaderConsoleData's locks
        let dir = TempDir()
        let inputs: Inputs
        let catalog: Catalog
        let roster: [Member]
        /// replay's decisions: accepted events and achievements in arrival order, refused line numbers.
        let accepted: [Event]
        let awards: [Achievement]
        let rejectedLines: [Int]
        let engine: Engine
        let sqlitePath: String
        let postgresURL: String
        let data: [Implementation: any ConsoleData]

        /// Users whose eligibility misses some programs: the case where an employer's headcount and a
        /// program's enrolment differ.
        static let outsiders = [
            #"{"id": "late-acme", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-06-01"}"#,
            #"{"id": "gone-globex", "employer": "globex", "timezone": "Asia/Tokyo", "eligibleFrom": "2025-06-01", "eligibleUntil": "2026-01-10"}"#,
            #"{"id": "next-year", "employer": "acme", "timezone": "Europe/Paris", "eligibleFrom": "2027-02-01"}"#,
            // Ids that LIKE would read as patterns, upper case (sorts before lower) and non-ASCII (after).
            #"{"id": "50%_Off", "employer": "globex", "timezone": "America/Chicago", "eligibleFrom": "2026-01-01"}"#,
            #"{"id": "Ünïcode", "employer": null, "timezone": "Europe/Paris", "eligibleFrom": "2026-01-01"}"#,
        ]

        init() throws {
            let g = Generated.make(in: dir, users: 60, events: 2_000, seed: 22)
            let rosterText = try String(contentsOfFile: g.inputs.roster, encoding: .utf8) + Self.outsiders.joined(separator: "\n") + "\n"
            inputs = Inputs(catalog: g.inputs.catalog, roster: dir.write("roster.jsonl", rosterText), events: g.inputs.events)
            catalog = try CatalogDecoder.load(path: inputs.catalog)
            let decoded = try RosterDecoder.load(path: inputs.roster, catalog: catalog)
            roster = decoded.members
            engine = try Engine(catalog: catalog, roster: decoded)
            let intake = Intake(engine: engine)
            var accepted: [Event] = [], awards: [Achievement] = [], rejectedLines: [Int] = []
            try EventStream(path: inputs.events).forEach { item in
                switch item.event {
                case .success(let e):
                    switch intake.take(e) {
                    case .accepted(let earned): accepted.append(e); awards += earned
                    case .rejected: rejectedLines.append(item.line)
                    case .duplicate: break
                    }
                case .failure(let why):
                    if case .rejected = intake.reject(why, countAsRead: true) { rejectedLines.append(item.line) }
                }
                return true
            }
            (self.accepted, self.awards, self.rejectedLines) = (accepted, awards, rejectedLines)

            let binary = try Binary.located()
            sqlitePath = dir.path("world.sqlite")
            postgresURL = try PostgresServer.shared().database("conformance")
            for db in [sqlitePath, postgresURL] {
                let made = try runProcess(binary, ["init", "--db", db, "--catalog", inputs.catalog, "--roster", inputs.roster])
                guard made.status == 0 else { throw Failure("init \(db): \(made.stderr)") }
                // 65: the generated events include refused lines, as they should.
                let ingest = try runProcess(binary, ["ingest", "--db", db, "--events", inputs.events])
                guard ingest.status == 65 else { throw Failure("ingest \(db) exited \(ingest.status): \(ingest.stderr)") }
            }
            let sqlite = sqlitePath, postgres = postgresURL
            data = [
                .sqlite: try ReaderConsoleData(sourceName: sqlite, open: { try StoreReader(path: sqlite) }, retry: StoreDeliveryRetry(path: sqlite)),
                .postgres: try ReaderConsoleData(sourceName: postgres, open: { try PGStoreReader(url: postgres) }, retry: PGDeliveryRetry(url: postgres)),
                .memory: try InMemoryConsoleData(catalogPath: inputs.catalog, rosterPath: inputs.roster, eventsPath: inputs.events),
            ]
        }

        /// A reader of the SQL store (nil for the in-memory data, which has none).
        func lookups(_ i: Implementation) throws -> (any StoreLookups)? {
            switch i {
            case .sqlite: return try StoreReader(path: sqlitePath)
            case .postgres: return try PGStoreReader(url: postgresURL)
            case .memory: return nil
            }
        }

        /// The same `AchievementQuery` over replay's awards: matches in its order, as ids.
        func expected(_ q: AchievementQuery) -> [String] {
            let records = awards.enumerated().map { AchievementRecord(seq: Int64($0.offset + 1), achievement: $0.element) }
            var rows = records.filter { q.matches($0.achievement) }
            rows.sort(by: q.precedes)
            return Array(rows.dropFirst(q.offset).prefix(q.limit ?? Int.max)).map(\.achievement.id)
        }
    }

    struct Failure: Error, CustomStringConvertible { let description: String; init(_ d: String) { description = d } }

    static let world = Result { try ReadWorld() }

    static func data(_ i: Implementation) throws -> (ReadWorld, any ConsoleData) {
        let w = try world.get()
        return (w, try #require(w.data[i]))
    }

    // MARK: - Console data (all three)

    @Test("a program's enrolment is the employer's users eligible on at least one day of it; users are the headcount",
          arguments: Implementation.allCases)
    func enrolment(_ i: Implementation) throws {
        let (w, data) = try Self.data(i)
        let overview = data.programsOverview()
        #expect(overview.map(\.employer.id) == w.catalog.employers.map(\.id))
        var someoneLeftOut = false
        for e in overview {
            let staff = w.roster.filter { $0.employer == e.employer.id }
            #expect(e.users == staff.count, "\(i) \(e.employer.id) headcount")
            for p in e.programs {
                // Written out here rather than through `Program.enrolls`: eligible from on or before the last day,
                // until (if ever) on or after the first.
                let inProgram = staff.filter { m in
                    m.eligibleFrom.iso <= p.program.ends.iso && (m.eligibleUntil.map { $0.iso >= p.program.starts.iso } ?? true)
                }
                #expect(p.enrolled == inProgram.count, "\(i) \(p.program.id): \(p.enrolled) enrolled, expected \(inProgram.count) of \(staff.count)")
                someoneLeftOut = someoneLeftOut || inProgram.count < staff.count
                for r in p.rewards {
                    let n = w.awards.count { $0.program == p.program.id && $0.incentive == r.incentive.id && $0.reward == r.reward.reward }
                    #expect(r.achievements == n, "\(i) \(p.program.id) \(r.reward.reward)")
                }
            }
        }
        #expect(someoneLeftOut, "the world must have a user on the roster but outside a program, or this test proves nothing")
    }

    @Test("user searches: the same users, in the same order, with the same totals", arguments: Implementation.allCases)
    func userSearches(_ i: Implementation) throws {
        let (w, data) = try Self.data(i)
        let sorted = w.roster.sorted { UserQuery.precedes($0.id, $1.id) }
        let queries = [UserQuery(), UserQuery(idPrefix: "u1"), UserQuery(idContains: "G"), UserQuery(employer: "globex", limit: 5),
                       UserQuery(zone: "PARIS"), UserQuery(idContains: "-", employer: "acme"), UserQuery(afterID: "u3", limit: 7),
                       UserQuery(limit: 10, offset: 55), UserQuery(idContains: "%_"), UserQuery(idContains: "0_o"),
                       UserQuery(idPrefix: "50%"), UserQuery(idPrefix: "5_"), UserQuery(idContains: "ünï"), UserQuery(idContains: "off"),
                       UserQuery(afterID: "Zed", limit: 3)]
        for q in queries {
            let matching = sorted.filter { q.matches($0) }
            let after = q.afterID.map { a in matching.filter { UserQuery.precedes(a, $0.id) } } ?? matching
            let page = data.users(q)
            #expect(page.rows.map(\.id) == Array(after.dropFirst(q.offset).prefix(q.limit ?? Int.max)).map(\.id), "\(i) \(q)")
            #expect(page.total == matching.count, "\(i) \(q)")
        }
        // Spelled out: `%` and `_` are letters here, never patterns; ids sort by their UTF-8 bytes.
        #expect(data.users(UserQuery(idContains: "%_")).rows.map(\.id) == ["50%_Off"], "\(i)")
        #expect(data.users(UserQuery(idPrefix: "5_")).rows.isEmpty, "\(i)")
        #expect(data.users(UserQuery()).rows.first?.id == "50%_Off" && data.users(UserQuery()).rows.last?.id == "Ünïcode", "\(i)")
    }

    @Test("a user's page: standings, achievements, recent events and logged days as replay decides", arguments: Implementation.allCases)
    func userPages(_ i: Implementation) throws {
        let (w, data) = try Self.data(i)
        let today = try #require(LocalDate(iso: "2026-06-30"))
        for member in w.roster where ["u1", "u3", "u9", "u12", "u30", "late-acme", "gone-globex"].contains(member.id) {
            let page = try #require(data.userPage(id: member.id, today: today), "\(i) \(member.id)")
            let zone = try #require(ZoneDirectory().rules(for: member.timezone))
            let mine = w.accepted.filter { $0.user == member.id }
            #expect(page.member.id == member.id)
            #expect(page.employerName == member.employer.flatMap { w.catalog.employer($0)?.name })
            #expect(page.standings == w.engine.standings(of: member.id, today: today).map { StandingRecord($0, zone: member.timezone) },
                    "\(i) \(member.id)")
            #expect(page.achievements.map(\.achievement.id) == w.awards.filter { $0.user == member.id }.reversed().map(\.id), "\(i) \(member.id)")
            #expect(page.recentEvents.map(\.event.id) == mine.suffix(20).reversed().map(\.id), "\(i) \(member.id)")
            #expect(page.loggedDays == Set(mine.map { zone.localDate(of: $0.at) }), "\(i) \(member.id)")
            #expect(page.points == w.engine.pointsStandings(of: member.id).map(PointsRecord.init), "\(i) \(member.id)")
        }
        #expect(data.userPage(id: "nobody", today: today) == nil)
    }

    @Test("achievement pages and their evidence", arguments: Implementation.allCases)
    func achievementPages(_ i: Implementation) throws {
        let (w, data) = try Self.data(i)
        try #require(w.awards.count > 30, "the world must earn awards")
        let queries = [AchievementQuery(limit: 25), AchievementQuery(order: .newest, limit: 10),
                       AchievementQuery(employer: "globex"), AchievementQuery(user: "u4"),
                       AchievementQuery(userPrefix: "u1", order: .user, limit: 40), AchievementQuery(program: "acme-spring", order: .completed),
                       AchievementQuery(incentive: "streak-3", order: .reward, descending: true, limit: 15, offset: 3),
                       AchievementQuery(since: LocalDate(iso: "2026-03-01"), until: LocalDate(iso: "2026-03-31"))]
        for q in queries {
            let page = data.achievements(q)
            #expect(page.rows.map(\.achievement.id) == w.expected(q), "\(i) \(q)")
            #expect(page.total == w.expected(AchievementQuery(user: q.user, userPrefix: q.userPrefix, employer: q.employer, program: q.program,
                                                              incentive: q.incentive, since: q.since, until: q.until)).count, "\(i) \(q)")
            for r in page.rows {
                #expect(r.achievement == w.awards.first { $0.id == r.achievement.id }, "\(i) \(r.achievement.id)")
            }
        }
        for r in data.achievements(AchievementQuery(limit: 10)).rows {
            #expect(Set(data.evidence(of: r).map(\.event.id)) == Set(r.achievement.evidence), "\(i) \(r.achievement.id)")
        }
    }

    @Test("deliveries: one pending per partner serving each award, nothing sent yet", arguments: Implementation.allCases)
    func deliveries(_ i: Implementation) throws {
        let (w, data) = try Self.data(i)
        let shown = data.deliveries()
        #expect(shown.map(\.partnerID) == w.catalog.partners.map(\.id))
        for p in shown {
            let expected = w.awards.count { a in w.catalog.partners(for: a).contains { $0.id == p.partnerID } }
            #expect(p.pending == expected && p.delivered == 0 && p.failed == 0 && p.failures.isEmpty, "\(i) \(p.partnerID): \(p.pending) of \(expected)")
        }
    }

    /// Events come in arrival order everywhere; awards in the order they became visible, which on PostgreSQL is
    /// the order the evaluation committed them (`recorded`), not replay's: the same awards, each once.
    /// A what-if preview of a proposed catalog over the stored events: the stores hand their events and roster to
    /// the same `CatalogPreview` the in-memory data uses, so every row must be replay's.
    @Test("a proposed catalog's preview over the stored events", arguments: Implementation.allCases)
    func preview(_ i: Implementation) throws {
        let (w, data) = try Self.data(i)
        let proposed = try CatalogDecoder.decode(Data(Generated.pointsCatalog.utf8), file: "proposed.json")
        let expected = try CatalogPreview(current: w.catalog, proposed: proposed, roster: Roster(members: w.roster))
        expected.take(w.accepted)
        let rows = try data.preview(proposed).get()
        #expect(rows == expected.rows, "\(i)")
        #expect(rows.contains { $0.current > 0 }, "the preview must count awards, or it proves nothing")
    }

    @Test("a program's participation and cost per month", arguments: Implementation.allCases)
    func participation(_ i: Implementation) throws {
        let (w, data) = try Self.data(i)
        for (employer, program) in [("acme", "acme-2026"), ("acme", "acme-spring"), ("globex", "globex-q1")] {
            let e = try #require(w.catalog.employer(employer))
            let counter = ParticipationCounter(catalog: w.catalog, employer: e, program: program, by: .month, from: nil, to: nil,
                                               members: w.roster.filter { $0.employer == employer })
            for event in w.accepted { counter.count(event) }
            for a in w.awards where a.employer == employer { counter.count(a) }
            #expect(try data.participation(employer: employer, program: program).get() == counter.rows(), "\(i) \(program)")
        }
    }

    /// The stores name an outbox row `<achievement id>:<partner id>` (the queue's export rows are checked below);
    /// the in-memory data, which keeps its statuses aside, must take and show the same ids.
    @Test("in memory, a delivery is named as the stores name it")
    func inMemoryDeliveryIDs() throws {
        let w = try Self.world.get()
        let data = try InMemoryConsoleData(catalogPath: w.inputs.catalog, rosterPath: w.inputs.roster, eventsPath: w.inputs.events)
        let a = try #require(w.awards.first { !w.catalog.partners(for: $0).isEmpty })
        let partner = w.catalog.partners(for: a)[0]
        data.setDelivery(id: a.id + ":" + partner.id, status: .failed, attempts: 1, error: "HTTP 500")
        let shown = try #require(data.deliveries().first { $0.partnerID == partner.id })
        #expect(shown.failed == 1 && shown.failures.map(\.id) == [a.id + ":" + partner.id])
    }

    @Test("the Live screen counts and lists every accepted event and award", arguments: Implementation.allCases)
    func live(_ i: Implementation) throws {
        let (w, data) = try Self.data(i)
        let first = data.changes(since: .start, limit: 50)
        #expect(!first.failed)
        #expect(first.totalEvents == w.accepted.count && first.totalAchievements == w.awards.count, "\(i)")
        #expect(first.events.map(\.event.id) == w.accepted.suffix(50).map(\.id), "\(i)")
        let all = data.changes(since: LiveCursor(event: 0, achievement: 0), limit: 100_000)
        #expect(all.events.map(\.event.id) == w.accepted.map(\.id), "\(i)")
        #expect(all.achievements.count == w.awards.count && Set(all.achievements.map(\.achievement.id)) == Set(w.awards.map(\.id)), "\(i)")
        #expect(Set(first.achievements.map(\.achievement.id)) == Set(all.achievements.suffix(50).map(\.achievement.id)), "\(i)")
    }

    // MARK: - Look-ups and the delivery queue (the two SQL stores)

    @Test("look-ups: counts, events, rejects", arguments: [Implementation.sqlite, .postgres])
    func lookups(_ i: Implementation) throws {
        let w = try Self.world.get()
        let reader = try #require(try w.lookups(i))
        let counts = try reader.counts()
        #expect(counts.users == w.roster.count && counts.events == w.accepted.count && counts.achievements == w.awards.count, "\(i) \(counts)")
        #expect(counts.rejects == w.rejectedLines.count && counts.pendingDeliveries > 0, "\(i) \(counts)")
        #expect(try reader.rejects(file: nil, code: nil, limit: nil, offset: 0).map(\.line) == w.rejectedLines, "\(i)")
        #expect(try reader.members().map(\.id) == w.roster.map(\.id).sorted { UserQuery.precedes($0, $1) })
        for user in ["u2", "u5", "gone-globex"] {
            let mine = w.accepted.filter { $0.user == user }
            let events = try reader.events(of: user, limit: 5, beforeSeq: nil)
            #expect(events.map(\.event) == mine.suffix(5).reversed(), "\(i) \(user)")
            if let last = events.last {
                #expect(try reader.events(of: user, limit: 1_000, beforeSeq: last.seq).map(\.event.id) == mine.dropLast(5).reversed().map(\.id))
                #expect(try reader.event(id: last.event.id) == last)
            }
        }
        let programs = try reader.programs(employer: "globex")
        #expect(Set(programs.map(\.employer.id)) == ["globex"] && programs.count == 3)
    }

    @Test("the delivery queue's reads: counts, failures and export rows", arguments: [Implementation.sqlite, .postgres])
    func deliveryQueueReads(_ i: Implementation) throws {
        let w = try Self.world.get()
        let queue: any DeliveryQueue = i == .sqlite
            ? StoreDeliveryQueue(db: try Database(path: w.sqlitePath, mode: .readOnly))
            : PGDeliveryQueue(store: try PGStore(url: w.postgresURL, create: false))
        for p in w.catalog.partners {
            let mine = w.awards.filter { a in w.catalog.partners(for: a).contains { $0.id == p.id } }
            #expect(try queue.counts().first { $0.partner == p.id }?.pending == mine.count, "\(i) \(p.id)")
            let rows = try queue.exportRows(partner: p.id, since: nil, until: nil)
            #expect(rows.map(\.achievement.id) == mine.map(\.id), "\(i) \(p.id)")
            #expect(rows.map(\.deliveryID) == mine.map { $0.id + ":" + p.id }, "\(i) \(p.id)")
        }
        #expect(try queue.recentFailures(limit: 10).isEmpty)
    }
}
