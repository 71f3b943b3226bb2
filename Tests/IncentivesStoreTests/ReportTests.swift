import Foundation
import Testing
import IncentivesCore
import IncentivesInput
@testable import IncentivesStore

/// `incentives report` (issue 25): its numbers equal what an independent computation finds — eligibility from the
/// roster file, activity from the stored events (direct SQL) with local days from Foundation's calendar and the
/// contract's §2 written out again here, awards from `replay`'s lines, award counts again by direct SQL — on
/// SQLite and PostgreSQL, by month and by ISO week, over the whole span and narrowed.
@Suite("incentives report", .timeLimit(.minutes(10)))
struct ReportTests {
    let binary: String

    init() throws { binary = try Binary.located() }

    func run(_ args: [String]) throws -> ProcessOutput { try runProcess(binary, args) }

    // MARK: - The world: the generated points world with costs on some rewards and tiers

    /// Program, then reward name or "tier:ID" → the cost the catalog below gives it.
    static let prices: [String: (units: Int64, currency: String)] = [
        "acme-2026|Pillow": (250_000, "USD"), "acme-2026|Coffee": (31_250, "USD"), "acme-2026|tier:bronze": (250_000, "EUR"),
        "globex-q1|Socks": (1_000, "USD"), "globex-q1|tier:t20": (75_000, "GBP"),
    ]

    static func costedCatalog() -> String {
        let replacements = [
            (#""reward": "Pillow", "limit": 2, "points": 30}"#, #""reward": "Pillow", "limit": 2, "points": 30, "cost": {"amount": "25.00", "currency": "USD"}}"#),
            (#""reward": "Coffee", "limit": 6, "points": 10}"#, #""reward": "Coffee", "limit": 6, "points": 10, "cost": {"amount": "3.125", "currency": "USD"}}"#),
            (#""reward": "$25 credit"}"#, #""reward": "$25 credit", "cost": {"amount": "25", "currency": "EUR"}}"#),
            (#""reward": "Socks", "limit": 4, "points": 10}"#, #""reward": "Socks", "limit": 4, "points": 10, "cost": {"amount": "0.10", "currency": "USD"}}"#),
            (#""reward": "Globex mug"}"#, #""reward": "Globex mug", "cost": {"amount": "7.50", "currency": "GBP"}}"#),
        ]
        var text = Generated.pointsCatalog
        for (from, to) in replacements {
            precondition(text.contains(from), "the generated catalog changed: \(from)")
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text
    }

    struct RosterEntry { let id: String; let employer: String?; let zone: String; let from: LocalDate; let until: LocalDate? }
    struct StoredEvent { let user: String; let type: String; let category: String?; let at: Date }
    struct Award { let employer: String; let program: String; let user: String; let completedOn: LocalDate; let key: String }

    /// Everything the oracle needs, read without the report's code.
    struct World {
        let inputs: Inputs
        let catalog: Catalog
        let roster: [RosterEntry]
        let events: [StoredEvent]
        let awards: [Award]
    }

    static func json(_ line: Substring) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    /// Generates the world, stores it in SQLite (`db`), reads the roster file, the stored events (SQL) and replay's awards.
    func world(_ tmp: TempDir, db: String) throws -> World {
        let g = Generated.make(in: tmp, users: 90, events: 7_000, seed: 11, points: true)
        let inputs = Inputs(catalog: tmp.write("costed.json", Self.costedCatalog()), roster: g.inputs.roster, events: g.inputs.events)
        #expect(try run(["init", "--db", db, "--catalog", inputs.catalog, "--roster", inputs.roster]).status == 0)
        #expect(try run(["ingest", "--db", db, "--events", inputs.events]).status == 65)
        let catalog = try CatalogDecoder.load(path: inputs.catalog)

        var roster: [RosterEntry] = []
        for line in try String(contentsOfFile: inputs.roster, encoding: .utf8).split(separator: "\n") {
            let o = try Self.json(line)
            roster.append(RosterEntry(id: o["id"] as! String, employer: o["employer"] as? String, zone: o["timezone"] as! String,
                                      from: try #require(LocalDate(iso: o["eligibleFrom"] as! String)),
                                      until: (o["eligibleUntil"] as? String).flatMap { LocalDate(iso: $0) }))
        }
        let reader = try StoreReader(path: db)
        let events = try reader.db.rows(
            "SELECT k.id, e.type, e.category, e.at_s, e.at_nanos FROM events e JOIN user_keys k ON k.key = e.user_key ORDER BY e.seq") {
            StoredEvent(user: $0.text(0), type: $0.text(1), category: $0.optionalText(2),
                        at: Date(timeIntervalSince1970: Double($0.int64(3)) + Double($0.int64(4)) / 1e9))
        }
        let replay = try run(["replay", "--catalog", inputs.catalog, "--roster", inputs.roster, "--events", inputs.events])
        #expect(replay.status == 65)
        let awards = try replay.stdout.split(separator: "\n").map { line in
            let o = try Self.json(line)
            let program = o["program"] as! String
            let key = (o["tier"] as? String).map { "\(program)|tier:\($0)" } ?? "\(program)|\(o["reward"] as! String)"
            return Award(employer: o["employer"] as! String, program: program, user: o["user"] as! String,
                         completedOn: try #require(LocalDate(iso: o["completedOn"] as! String)), key: key)
        }
        #expect(awards.count > 200 && awards.contains { $0.key.contains("tier:") }, "the world has awards and tiers")
        return World(inputs: inputs, catalog: catalog, roster: roster, events: events, awards: awards)
    }

    // MARK: - The oracle

    /// A period's name for a day, from Foundation's calendars (not `ReportGrouping`).
    static func periodName(_ day: LocalDate, week: Bool) -> String {
        var utc = Calendar(identifier: week ? .iso8601 : .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(day.dayNumber) * 86_400)
        if week {
            let c = utc.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
            return String(format: "%04d-W%02d", c.yearForWeekOfYear!, c.weekOfYear!)
        }
        let c = utc.dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d", c.year!, c.month!)
    }

    static func localDay(_ at: Date, zone: String) -> LocalDate {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: zone)!
        let c = cal.dateComponents([.year, .month, .day], from: at)
        return LocalDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// The report's JSON lines as issue 25 defines them, computed day by day.
    static func expected(_ w: World, employer: String, program: String? = nil, week: Bool, from: LocalDate? = nil, to: LocalDate? = nil) -> [String] {
        let e = w.catalog.employer(employer)!
        let members = w.roster.filter { $0.employer == employer }
        let byID = Dictionary(uniqueKeysWithValues: members.map { ($0.id, $0) })
        var lines: [String] = []
        for p in e.programs where program == nil || p.id == program {
            let first = max(p.starts, from ?? p.starts), last = min(p.ends, to ?? p.ends)
            guard first <= last else { continue }
            // The periods in order, each with its days.
            var periods: [(name: String, days: [LocalDate])] = []
            var d = first
            while d <= last {
                let name = periodName(d, week: week)
                if periods.last?.name == name { periods[periods.count - 1].days.append(d) } else { periods.append((name, [d])) }
                d = d.adding(days: 1)
            }
            for (name, days) in periods {
                let a = days.first!, b = days.last!
                let eligible = members.filter { m in m.from <= b && (m.until.map { $0 >= a } ?? true) }.count
                var active = Set<String>()
                for ev in w.events {
                    guard let m = byID[ev.user] else { continue }
                    let day = localDay(ev.at, zone: m.zone)
                    guard day >= a, day <= b, day >= m.from, m.until.map({ day <= $0 }) ?? true else { continue }
                    let counts = p.rewards.contains { r in
                        let inc = w.catalog.incentive(r.incentive)!
                        guard inc.event.rawValue == ev.type else { return false }
                        guard let cats = inc.categories else { return true }
                        return ev.category.map { cats.contains($0) } ?? false
                    }
                    if counts { active.insert(ev.user) }
                }
                let awards = w.awards.filter { $0.employer == employer && $0.program == p.id && $0.completedOn >= a && $0.completedOn <= b }
                var cost: [String: Int64] = [:]
                for x in awards { if let price = prices[x.key] { cost[price.currency, default: 0] += price.units } }
                let costJSON = cost.keys.sorted().map { "\"\($0)\":\"\(Money.format(cost[$0]!))\"" }.joined(separator: ",")
                lines.append("{\"employer\":\"\(employer)\",\"program\":\"\(p.id)\",\"period\":\"\(name)\",\"eligible\":\(eligible),"
                             + "\"active\":\(active.count),\"awarded\":\(Set(awards.map(\.user)).count),\"awards\":\(awards.count),\"cost\":{\(costJSON)}}")
            }
        }
        return lines
    }

    /// The cases compared: both employers, by month and by week, the whole span and narrowed, one program.
    static let cases: [(employer: String, program: String?, week: Bool, from: String?, to: String?)] = [
        ("acme", nil, false, nil, nil), ("acme", nil, true, nil, nil), ("globex", nil, false, nil, nil), ("globex", nil, true, nil, nil),
        ("acme", nil, false, "2026-02-10", "2026-04-20"), ("acme", "acme-spring", true, "2026-03-04", "2026-05-06"),
        ("globex", "globex-q1", false, "2026-03-31", "2026-03-31"), ("acme", nil, false, "2027-01-01", nil),
    ]

    func compareEveryCase(_ w: World, db: String) throws {
        for c in Self.cases {
            var args = ["report", "--db", db, "--employer", c.employer, "--format", "jsonl"]
            if let p = c.program { args += ["--program", p] }
            if c.week { args += ["--by", "week"] }
            if let f = c.from { args += ["--from", f] }
            if let t = c.to { args += ["--to", t] }
            let r = try run(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            let want = Self.expected(w, employer: c.employer, program: c.program, week: c.week,
                                     from: c.from.flatMap { LocalDate(iso: $0) }, to: c.to.flatMap { LocalDate(iso: $0) })
            #expect(!want.isEmpty || c.from == "2027-01-01", "the case has rows: \(args)")
            #expect(r.stdout.split(separator: "\n").map(String.init) == want, "\(args)")
        }
    }

    /// Awards and distinct users awarded per program and month, by direct SQL, equal the report's.
    func compareAwardCounts(_ report: String, sql: (String) throws -> [String]) throws {
        var checked = 0
        for line in report.split(separator: "\n") {
            let o = try Self.json(line)
            let program = o["program"] as! String, period = o["period"] as! String
            let rows = try sql("SELECT count(*) || ',' || count(DISTINCT %USER%) FROM achievements WHERE employer = 'acme' AND program = '\(program)' "
                               + "AND substr(completed_on, 1, 7) = '\(period)'")
            #expect(rows == ["\(o["awards"] as! Int),\(o["awarded"] as! Int)"], "\(line)")
            checked += o["awards"] as! Int
        }
        #expect(checked > 100, "the months compared hold awards")
    }

    // MARK: - SQLite and PostgreSQL

    @Test func sqliteReportEqualsTheOracleAndDirectSQL() throws {
        let tmp = TempDir()
        let db = tmp.path("db.sqlite")
        let w = try world(tmp, db: db)
        #expect(Self.expected(w, employer: "acme", week: false).contains { $0.contains("\"EUR\"") && $0.contains("\"USD\"") }, "costs in two currencies")
        try compareEveryCase(w, db: db)
        let month = try run(["report", "--db", db, "--employer", "acme", "--format", "jsonl"])
        let reader = try StoreReader(path: db)
        try compareAwardCounts(month.stdout) { sql in
            try reader.db.rows(sql.replacingOccurrences(of: "%USER%", with: "user")) { $0.text(0) }
        }
    }

    @Test func postgresReportEqualsTheOracleAndDirectSQL() throws {
        let server = try PostgresServer.shared()
        let tmp = TempDir()
        let w = try world(tmp, db: tmp.path("db.sqlite"))
        let db = try server.database()
        #expect(try run(["init", "--db", db, "--catalog", w.inputs.catalog, "--roster", w.inputs.roster]).status == 0)
        #expect(try run(["ingest", "--db", db, "--events", w.inputs.events, "--workers", "2", "--work-batch", "40"]).status == 65)
        try compareEveryCase(w, db: db)
        let month = try run(["report", "--db", db, "--employer", "acme", "--format", "jsonl"])
        try compareAwardCounts(month.stdout) { sql in
            let r = try server.sql(PostgresServer.name(of: db), sql.replacingOccurrences(of: "%USER%", with: "user_id"))
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout.split(separator: "\n").map(String.init)
        }
        // Billing on PostgreSQL lists what SQLite lists.
        let sqliteBilling = try run(["report", "--db", tmp.path("db.sqlite"), "--employer", "acme", "--billing", "--month", "2026-03", "--format", "jsonl"])
        let pgBilling = try run(["report", "--db", db, "--employer", "acme", "--billing", "--month", "2026-03", "--format", "jsonl"])
        #expect(pgBilling.status == 0 && sqliteBilling.status == 0)
        #expect(pgBilling.stdout == sqliteBilling.stdout)
    }

    @Test func billingListsEachAwardOfTheMonthAndTotals() throws {
        let tmp = TempDir()
        let db = tmp.path("db.sqlite")
        let w = try world(tmp, db: db)
        let r = try run(["report", "--db", db, "--employer", "acme", "--billing", "--month", "2026-03", "--format", "jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        let awards = w.awards.filter { $0.employer == "acme" && $0.completedOn.iso.hasPrefix("2026-03") }
        #expect(lines.count == awards.count + 1)
        let reader = try StoreReader(path: db)
        #expect(lines.count - 1 == (try reader.db.integer("SELECT count(*) FROM achievements WHERE employer = 'acme' AND completed_on LIKE '2026-03-%'")))
        var cost: [String: Int64] = [:]
        for x in awards { if let price = Self.prices[x.key] { cost[price.currency, default: 0] += price.units } }
        let total = "{\"employer\":\"acme\",\"total\":true,\"awards\":\(awards.count),\"cost\":{"
            + cost.keys.sorted().map { "\"\($0)\":\"\(Money.format(cost[$0]!))\"" }.joined(separator: ",") + "}}"
        #expect(lines.last.map(String.init) == total)
        // Each line: a stored award with its cost and partners (pillowco serves Pillow; cards every acme reward).
        let pillow = try #require(lines.first { $0.contains(#""reward":"Pillow""#) })
        #expect(pillow.contains(#""cost":{"amount":"25.00","currency":"USD"}"#) && pillow.contains(#""partners":["pillowco","cards"]"#), "\(pillow)")
        let bronze = try #require(lines.first { $0.contains(#""tier":"bronze""#) })
        #expect(bronze.contains(#""cost":{"amount":"25.00","currency":"EUR"}"#), "\(bronze)")
        let silver = lines.first { $0.contains(#""tier":"silver""#) }
        #expect(silver.map { $0.contains(#""cost":null"#) } ?? true)
        // The table and CSV carry the same totals.
        let table = try run(["report", "--db", db, "--employer", "acme", "--billing", "--month", "2026-03"])
        let last = try #require(table.stdout.split(separator: "\n").last).split(separator: " ")
        #expect(last.first == "awards" && last.dropFirst().first.map(String.init) == String(awards.count), "\(table.stdout.suffix(300))")
    }

    // MARK: - Funnel

    /// The funnel on the generated points world: every eligible user stands on exactly one step; the last step
    /// holds the users whose awards reached the reward's limit in replay; "awarded" is replay's distinct users; the
    /// median days from first qualifying event to first award is the oracle's; the ladder counts users by the
    /// highest tier replay gave them; and PostgreSQL says the same, with and without --to.
    @Test func funnelAgreesWithReplayAndAcrossStores() throws {
        let server = try PostgresServer.shared()
        let tmp = TempDir()
        let db = tmp.path("db.sqlite")
        let w = try world(tmp, db: db)
        let pg = try server.database()
        #expect(try run(["init", "--db", pg, "--catalog", w.inputs.catalog, "--roster", w.inputs.roster]).status == 0)
        #expect(try run(["ingest", "--db", pg, "--events", w.inputs.events]).status == 65)
        for employer in ["acme", "globex"] {
            let r = try run(["report", "--db", db, "--employer", employer, "--funnel", "--format", "jsonl"])
            #expect(r.status == 0, "\(r.stderr)")
            let lines = r.stdout.split(separator: "\n")
            let e = w.catalog.employer(employer)!
            let members = w.roster.filter { $0.employer == employer }
            let rewardLines = lines.filter { $0.contains("\"steps\"") }
            #expect(rewardLines.count == e.programs.reduce(0) { $0 + $1.rewards.count })
            var checkedMedians = 0
            for line in rewardLines {
                let o = try Self.json(line)
                let p = e.programs.first { $0.id == o["program"] as! String }!
                let reward = p.rewards.first { $0.incentive == o["incentive"] as! String && $0.reward == o["reward"] as! String }!
                let eligible = members.filter { m in m.from <= p.ends && (m.until.map { $0 >= p.starts } ?? true) }
                let steps = o["steps"] as! [Int]
                #expect(steps.reduce(0, +) == eligible.count, "\(line)")
                let awards = w.awards.filter { $0.employer == employer && $0.program == p.id && $0.key == "\(p.id)|\(reward.reward)" }
                    .filter { a in !a.key.contains("tier:") }
                // Reward names are unique within a generated program, so the key names one reward.
                var perUser: [String: [LocalDate]] = [:]
                for a in awards { perUser[a.user, default: []].append(a.completedOn) }
                #expect(o["awarded"] as! Int == perUser.count, "\(line)")
                #expect(steps.last == perUser.values.filter { $0.count >= reward.limit }.count, "\(line)")
                // The median: first qualifying local day (Foundation's calendar over the stored events) to first award.
                let incentive = w.catalog.incentive(reward.incentive)!
                var days: [Int] = []
                for (user, completed) in perUser {
                    let m = members.first { $0.id == user }!
                    let qualifying = w.events.filter { ev in
                        guard ev.user == user, ev.type == incentive.event.rawValue else { return false }
                        if let cats = incentive.categories, !(ev.category.map { cats.contains($0) } ?? false) { return false }
                        let d = Self.localDay(ev.at, zone: m.zone)
                        return d >= p.starts && d <= p.ends && d >= m.from && (m.until.map { d <= $0 } ?? true)
                    }.map { Self.localDay($0.at, zone: m.zone) }
                    if let first = qualifying.min() { days.append(completed.min()!.days(since: first)) }
                }
                days.sort()
                let median: Double? = days.isEmpty ? nil
                    : days.count % 2 == 1 ? Double(days[days.count / 2]) : Double(days[days.count / 2 - 1] + days[days.count / 2]) / 2
                #expect((o["medianDays"] as? Double) == median, "\(line): \(days)")
                if median != nil { checkedMedians += 1 }
            }
            #expect(checkedMedians >= 3)
            for line in lines.filter({ $0.contains("\"tiers\"") }) {
                let o = try Self.json(line)
                let p = e.programs.first { $0.id == o["program"] as! String }!
                let counts = o["tiers"] as! [String: Int]
                let eligible = members.filter { m in m.from <= p.ends && (m.until.map { $0 >= p.starts } ?? true) }
                #expect(counts.values.reduce(0, +) == eligible.count, "\(line)")
                var highest: [String: Int] = [:]
                for a in w.awards where a.program == p.id && a.key.contains("|tier:") {
                    let rank = p.tiers.firstIndex { "\(p.id)|tier:\($0.id)" == a.key }!
                    highest[a.user] = max(highest[a.user] ?? -1, rank)
                }
                for (rank, tier) in p.tiers.enumerated() {
                    #expect(counts[tier.id] == highest.values.filter { $0 == rank }.count, "\(tier.id): \(line)")
                }
                #expect(counts["none"] == eligible.count - highest.count, "\(line)")
            }
            for extra in [[String](), ["--to", "2026-03-15"]] {
                let a = try run(["report", "--db", db, "--employer", employer, "--funnel", "--format", "jsonl"] + extra)
                let b = try run(["report", "--db", pg, "--employer", employer, "--funnel", "--format", "jsonl"] + extra)
                #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
                #expect(a.stdout == b.stdout, "SQLite and PostgreSQL agree \(extra)")
            }
        }
        // --to judges on that day: fewer awards than the whole history, steps still one per eligible user.
        let early = try run(["report", "--db", db, "--employer", "acme", "--funnel", "--to", "2026-02-01", "--format", "jsonl"])
        let all = try run(["report", "--db", db, "--employer", "acme", "--funnel", "--format", "jsonl"])
        func awarded(_ out: String) throws -> Int { try out.split(separator: "\n").filter { $0.contains("\"steps\"") }.map { try Self.json($0)["awarded"] as! Int }.reduce(0, +) }
        #expect(try awarded(early.stdout) < awarded(all.stdout))
        #expect(try awarded(early.stdout) > 0)
    }

    // MARK: - Refusals

    @Test(arguments: [
        (["--employer", "acmee"], 66, #"no employer "acmee" in the catalog; did you mean acme?"#),
        (["--employer", "acme", "--program", "acme-2025"], 66, #"no program "acme-2025" of employer "acme" in the catalog; did you mean acme-2026?"#),
        (["--employer", "acme", "--program", "globex-q1"], 66, #"no program "globex-q1" of employer "acme""#),
        (["--employer", "acme", "--from", "2026-02-30"], 64, "--from must be a date YYYY-MM-DD, got 2026-02-30"),
        (["--employer", "acme", "--to", "March"], 64, "--to must be a date YYYY-MM-DD, got March"),
        (["--employer", "acme", "--from", "2026-05-01", "--to", "2026-04-30"], 64, "--to 2026-04-30 is before --from 2026-05-01"),
        (["--employer", "acme", "--by", "wek"], 64, "--by must be one of month, week; got wek; did you mean week?"),
        (["--employer", "acme", "--billing", "--month", "2026-13"], 64, "--month must be a month YYYY-MM, got 2026-13"),
        (["--employer", "acme", "--billing", "--month", "2026-3"], 64, "--month must be a month YYYY-MM, got 2026-3"),
        (["--employer", "acme", "--billing"], 64, "missing --month"),
        (["--employer", "acme", "--billing", "--month", "2026-03", "--from", "2026-03-01"], 64, "--billing covers one --month"),
        (["--employer", "acme", "--month", "2026-03"], 64, "--month goes with --billing"),
        (["--program", "acme-2026"], 64, "missing --employer"),
        (["--employer", "acme", "--format", "xml"], 64, "--format must be one of table, jsonl, csv"),
        (["--employer", "acme", "--funnel", "--billing", "--month", "2026-03"], 64, "--billing and --funnel are two reports"),
        (["--employer", "acme", "--funnel", "--from", "2026-03-01"], 64, "--funnel stands users on one day (--to)"),
    ] as [([String], Int32, String)])
    func refusals(args: [String], status: Int32, message: String) throws {
        let tmp = TempDir()
        let db = tmp.path("db.sqlite")
        let g = Generated.make(in: tmp, users: 10, events: 100, seed: 1, points: true)
        #expect(try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        let r = try run(["report", "--db", db] + args)
        #expect(r.status == status, "\(args): \(r.stderr)")
        #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func aMissingDatabaseIsMissingInput() throws {
        let tmp = TempDir()
        let r = try run(["report", "--db", tmp.path("none.sqlite"), "--employer", "acme"])
        #expect(r.status == 66, "\(r.stderr)")
    }

    // MARK: - Preview

    /// `preview` prices each row under each catalog: its achievements times that catalog's cost of the reward or tier.
    @Test func previewSaysWhatAProposalWouldHaveCost() throws {
        let tmp = TempDir()
        let db = tmp.path("db.sqlite")
        let w = try world(tmp, db: db)
        let text = Self.costedCatalog()
            .replacingOccurrences(of: #""points": 30, "cost": {"amount": "25.00", "currency": "USD"}"#, with: #""points": 30, "cost": {"amount": "30.00", "currency": "USD"}"#)
            .replacingOccurrences(of: #""reward": "$50 credit"}"#, with: #""reward": "$50 credit", "cost": {"amount": "10", "currency": "EUR"}}"#)
        #expect(text.contains(#""amount": "30.00""#) && text.contains(#""amount": "10", "currency": "EUR""#))
        let r = try run(["preview", "--db", db, "--catalog", tmp.write("proposed.json", text), "--employer", "acme", "--format", "jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = try r.stdout.split(separator: "\n").map(Self.json)
        let pillow = try #require(rows.first { $0["program"] as? String == "acme-2026" && $0["reward"] as? String == "Pillow" })
        let (now, then) = (pillow["current"] as! Int, pillow["proposed"] as! Int)
        #expect(now == w.awards.filter { $0.key == "acme-2026|Pillow" }.count && now > 0)
        #expect(pillow["currentCost"] as? [String: String] == ["USD": Money.format(Int64(now) * 250_000)])
        #expect(pillow["proposedCost"] as? [String: String] == ["USD": Money.format(Int64(then) * 300_000)])
        let silver = try #require(rows.first { $0["incentive"] as? String == "tier:silver" })
        #expect(silver["currentCost"] as? [String: String] == [:])
        #expect(silver["proposedCost"] as? [String: String] == ((silver["proposed"] as! Int) > 0 ? ["EUR": Money.format(Int64(silver["proposed"] as! Int) * 100_000)] : [:]))
        let tea = try #require(rows.first { $0["reward"] as? String == "Tea" })
        #expect(tea["currentCost"] as? [String: String] == [:] && tea["proposedCost"] as? [String: String] == [:], "no cost in either catalog")
    }

    // MARK: - A program from 0001 to 9999

    /// Every period of the span: 119,988 months or 521,723 ISO weeks, from 0001-01 / 0001-W01 to 9999-12 / 9999-W52,
    /// each with the eligible users counted (by binary search: a count per user and period would not end).
    @Test func aProgramOfTheWholeCalendarReportsEveryPeriod() throws {
        let tmp = TempDir()
        let catalog = """
        {"incentives": [{"id": "log", "name": "Log", "kind": "single", "event": "health_data_logged"}],
         "employers": [{"id": "acme", "programs": [{"id": "forever", "starts": "0001-01-01", "ends": "9999-12-31",
           "rewards": [{"incentive": "log", "reward": "R"}]}]}]}
        """
        var roster = ""
        for u in 0..<300 {
            let until = u % 3 == 0 ? #", "eligibleUntil": "2026-06-30""# : ""
            roster += #"{"id": "u\#(u)", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-0\#(1 + u % 6)-01"\#(until)}"# + "\n"
        }
        let db = tmp.path("db.sqlite")
        let made = try run(["init", "--db", db, "--catalog", tmp.write("catalog.json", catalog), "--roster", tmp.write("roster.jsonl", roster)])
        #expect(made.status == 0, "\(made.stderr)")
        let started = Date()
        let months = try run(["report", "--db", db, "--employer", "acme", "--format", "jsonl"])
        let weeks = try run(["report", "--db", db, "--employer", "acme", "--by", "week", "--format", "csv"])
        #expect(Date().timeIntervalSince(started) < 120, "both in well under two minutes, even in a debug build")
        let m = months.stdout.split(separator: "\n"), w = weeks.stdout.split(separator: "\n")
        #expect(months.status == 0 && weeks.status == 0)
        #expect(m.count == 9999 * 12)
        #expect(m.first?.contains(#""period":"0001-01","eligible":0,"#) == true && m.last?.contains(#""period":"9999-12","eligible":200,"#) == true)
        #expect(m.contains { $0.contains(#""period":"2026-06","eligible":300,"#) }, "all 300 in June 2026")
        #expect(m.contains { $0.contains(#""period":"2026-07","eligible":200,"#) }, "a third left at the end of June")
        #expect(w.count == 521_723 + 1, "the header and every ISO week")
        #expect(w.dropFirst().first?.hasPrefix("acme,forever,0001-W01,0,") == true)
        #expect(w.last?.hasPrefix("acme,forever,9999-W52,200,") == true)
    }

    // MARK: - Hostile names

    /// Names that are formulas to a spreadsheet, and control characters, in the table and the CSV.
    @Test func hostileNamesStayEscapedInTheTableAndInertInCSV() throws {
        let tmp = TempDir()
        let catalog = """
        {"incentives": [{"id": "log", "name": "Log", "kind": "single", "event": "health_data_logged"}],
         "employers": [{"id": "=acme", "name": "Acme", "programs": [
           {"id": "=HYPERLINK(\\"http://x.example\\",\\"p\\")", "starts": "2026-01-01", "ends": "2026-01-31",
            "rewards": [{"incentive": "log", "reward": "-2+3\\u001b[31m", "cost": {"amount": "5", "currency": "USD"}}]},
           {"id": "@sum\\u202e\\u001b]0;pwned\\u0007", "starts": "2026-01-01", "ends": "2026-01-31",
            "rewards": [{"incentive": "log", "reward": "+1"}]}]}]}
        """
        let inputs = Inputs(catalog: tmp.write("catalog.json", catalog),
                            roster: tmp.write("roster.jsonl", #"{"id": "+u1", "employer": "=acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n"),
                            events: tmp.write("events.jsonl", #"{"id": "e1", "type": "health_data_logged", "user": "+u1", "at": "2026-01-05T10:00:00Z", "category": "mood"}"# + "\n"))
        let db = tmp.path("db.sqlite")
        #expect(try run(["init", "--db", db, "--catalog", inputs.catalog, "--roster", inputs.roster]).status == 0)
        #expect(try run(["ingest", "--db", db, "--events", inputs.events]).status == 0)

        let csv = try run(["report", "--db", db, "--employer", "=acme", "--format", "csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.stdout.split(separator: "\n").map(String.init)
        #expect(rows.first == "employer,program,period,eligible,active,awarded,awards,cost USD")
        #expect(rows.dropFirst().first == #""'=acme","'=HYPERLINK(""http://x.example"",""p"")",2026-01,1,1,1,1,5.00"#)
        #expect(rows.dropFirst(2).first == "\"'=acme\",\"'@sum\u{202E}\u{1B}]0;pwned\u{07}\",2026-01,1,1,1,1,0.00")
        for row in rows.dropFirst() {
            for cell in row.split(separator: ",") {
                let text = cell.hasPrefix("\"") ? cell.dropFirst() : cell
                #expect(!["=", "+", "-", "@"].contains(text.first.map(String.init) ?? ""), "a live formula cell: \(row)")
            }
        }
        let billing = try run(["report", "--db", db, "--employer", "=acme", "--billing", "--month", "2026-01", "--format", "csv"])
        #expect(billing.status == 0)
        #expect(billing.stdout.contains(",\"'+u1\","), "\(billing.stdout)")
        #expect(billing.stdout.contains("\"'-2+3\u{1B}[31m\""), "\(billing.stdout)")

        for args in [["--employer", "=acme"], ["--employer", "=acme", "--billing", "--month", "2026-01"]] {
            let table = try run(["report", "--db", db] + args)
            #expect(table.status == 0)
            #expect(!table.stdout.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{202E}" || $0 == "\u{07}" }, "raw control characters:\n\(table.stdout)")
            #expect(table.stdout.contains(#"@sum\u{202E}\u{1B}]0;pwned\u{07}"#) || table.stdout.contains("-2+3\\u{1B}[31m"), "\(table.stdout)")
        }
    }
}
