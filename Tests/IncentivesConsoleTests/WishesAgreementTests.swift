import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesStore
import IncentivesPostgres
import Testing
import IncentivesSQL

/// The three read models the people who tried the console asked for (issue 20's wishes) mean the same from the
/// in-memory data, from SQLite and from PostgreSQL, on one generated world (every kind, late events, duplicates,
/// eligibility ends, two partners): users found by state (with paging), the why-not summary of every reward of
/// every user, and where each award stands in the delivery outbox.
@Suite("wishes: the same answers in memory, on SQLite and on PostgreSQL", .timeLimit(.minutes(10)))
struct WishesAgreementTests {
    let memory: InMemoryConsoleData
    let sqlite: ReaderConsoleData
    let postgres: ReaderConsoleData
    let sqlitePath: String
    let postgresURL: String
    let server: PostgresServer
    let dir = TempDir()

    init() throws {
        let binary = try Binary.located()
        server = try PostgresServer.shared()
        let g = Generated.make(in: dir, users: 40, events: 3_000, seed: 20)
        sqlitePath = dir.path("w.sqlite")
        postgresURL = try server.database("wishes")
        for db in [sqlitePath, postgresURL] {
            for args in [["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster],
                         ["ingest", "--db", db, "--events", g.inputs.events]] {
                let r = try runProcess(binary, args)
                try #require(r.status == 0 || r.status == 65, "\(args[0]) \(db): \(r.stderr)")
            }
        }
        memory = try InMemoryConsoleData(catalogPath: g.inputs.catalog, rosterPath: g.inputs.roster, eventsPath: g.inputs.events)
        let path = sqlitePath, url = postgresURL
        sqlite = try ReaderConsoleData(sourceName: path, open: { try StoreReader(path: path) }, retry: StoreDeliveryRetry(path: path))
        postgres = try ReaderConsoleData(sourceName: url, open: { try PGStoreReader(url: url) }, retry: PGDeliveryRetry(url: url))
    }

    static let filters: [UserStateFilter] = [.loggedWithoutAward(days: 1), .loggedWithoutAward(days: 5), .loggedWithoutAward(days: 40),
                                             .nearAward(days: 1), .nearAward(days: 2)]
    static let days = ["2026-03-05", "2026-04-20", "2026-12-31"].map { LocalDate(iso: $0)! }

    @Test func usersByStateAreTheSameFromEverySource() throws {
        var found: [UserStateFilter: Int] = [:]
        for state in Self.filters {
            for today in Self.days {
                for q in [UserQuery(), UserQuery(employer: "acme"), UserQuery(limit: 3, offset: 2), UserQuery(afterID: "u2", limit: 4)] {
                    let m = memory.users(q, in: state, today: today)
                    for (name, store) in [("sqlite", sqlite), ("postgres", postgres)] {
                        let s = store.users(q, in: state, today: today)
                        #expect(s.rows.map(\.id) == m.rows.map(\.id), "\(name) \(state) \(today.iso) \(q)")
                        #expect(s.total == m.total, "\(name) \(state) \(today.iso) \(q)")
                    }
                    if q == UserQuery() { found[state] = max(found[state] ?? 0, m.total) }
                }
            }
        }
        // The world has users of each kind, so the comparison above compares something.
        let everyone = memory.users(UserQuery()).total
        for state in Self.filters where state != .loggedWithoutAward(days: 40) {
            #expect((found[state] ?? 0) > 0 && (found[state] ?? 0) < everyone, "\(state): \(found[state] ?? 0) of \(everyone)")
        }
        // What the filters mean, checked against each user's own page.
        let today = Self.days[1]
        for m in memory.users(UserQuery(), in: .loggedWithoutAward(days: 5), today: today).rows {
            let page = try #require(memory.userPage(id: m.id, today: today))
            #expect(page.achievements.isEmpty && page.loggedDays.count >= 5, "\(m.id)")
        }
        for m in memory.users(UserQuery(), in: .nearAward(days: 1), today: today).rows {
            let page = try #require(memory.userPage(id: m.id, today: today))
            #expect(page.standings.contains { s in !s.limitReached && (s.done ?? 0) > 0 && s.needed - (s.done ?? 0) == 1 }, "\(m.id)")
        }
    }

    @Test func whyNotSummariesAreTheSameFromEverySource() throws {
        let today = Self.days[1]
        var broken = 0, late = 0, outside = 0
        for m in memory.users(UserQuery()).rows {
            let x = try #require(memory.explanation(of: m.id, today: today))
            let expected = WhyNotSummary.all(x)
            for (name, store) in [("sqlite", sqlite), ("postgres", postgres)] {
                let y = try #require(store.explanation(of: m.id, today: today), "\(name) \(m.id)")
                #expect(WhyNotSummary.all(y) == expected, "\(name) \(m.id)")
            }
            broken += expected.reduce(0) { $0 + $1.breaks.count }
            late += expected.reduce(0) { $0 + $1.late.count }
            outside += expected.reduce(0) { $0 + $1.outside.count }
        }
        #expect(broken > 0 && late > 0 && outside > 0, "broken \(broken), late \(late), outside \(outside)")
    }

    @Test func deliveriesOnTheUserPageAreTheOutboxRows() throws {
        let today = Self.days[2]
        // Mark a few rows sent, retrying and failed, the same in the three places.
        let rows = memory.users(UserQuery()).rows.flatMap { memory.userPage(id: $0.id, today: today)?.deliveries ?? [] }
        try #require(rows.count >= 6, "the world has awards that partners ship")
        let marks: [(AchievementDelivery, DeliveryStatus, Int, String?)] = [
            (rows[0], .delivered, 1, nil), (rows[1], .failed, 8, "HTTP 422 from the partner"), (rows[2], .pending, 2, "HTTP 503 \u{1b}[31mred"),
        ]
        let db = try Database(path: sqlitePath, mode: .readWrite(create: false))
        for (d, status, attempts, error) in marks {
            let storeID = d.achievementID + ":" + d.partner
            memory.setDelivery(id: d.deliveryID, status: status, attempts: attempts, error: error)
            try db.run("UPDATE deliveries SET status = ?, attempts = ?, last_error = ?, delivered_at = ? WHERE id = ?",
                       .text(status.rawValue), .int(Int64(attempts)), SQLValue.optional(error), status == .delivered ? .double(1_800_000_000) : .null, .text(storeID))
            let quoted = error.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL"
            let r = try server.sql(PostgresServer.name(of: postgresURL), """
                UPDATE deliveries SET status = '\(status.rawValue)', attempts = \(attempts), last_error = \(quoted),
                delivered_at = \(status == .delivered ? "1800000000" : "NULL") WHERE id = '\(storeID)'
                """)
            try #require(r.status == 0, "\(r.stderr)")
        }
        func shape(_ d: [AchievementDelivery]) -> [String] {
            d.map { "\($0.achievementID) \($0.partner) \($0.state) \($0.attempts) \($0.lastError ?? "-")" }
        }
        var states: Set<String> = []
        for m in memory.users(UserQuery()).rows {
            let expected = try #require(memory.userPage(id: m.id, today: today)).deliveries
            for (name, store) in [("sqlite", sqlite), ("postgres", postgres)] {
                let got = try #require(store.userPage(id: m.id, today: today), "\(name) \(m.id)").deliveries
                #expect(shape(got) == shape(expected), "\(name) \(m.id)")
                // The store knows the times; memory never sends.
                for d in got where d.status == .pending { #expect(d.nextAttemptAt != nil, "\(name) \(d.deliveryID)") }
                for d in got where d.status == .delivered { #expect(d.deliveredAt == 1_800_000_000, "\(name) \(d.deliveryID)") }
            }
            states.formUnion(expected.map(\.state))
        }
        #expect(states == ["sent", "failed", "retrying", "pending"])
    }
}
