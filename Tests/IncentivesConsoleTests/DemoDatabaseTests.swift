import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesStore
import Testing

/// The demo database (created on first run from Assets/demo) has deliveries in several states, so the Deliveries
/// screen has something to show: delivered, failed with an error, pending.
@Suite(.timeLimit(.minutes(10)))
struct DemoDatabaseTests {
    @Test func theDemoDatabaseHasDeliveredFailedAndPendingDeliveries() throws {
        let dir = TempDir(prefix: "demo-db")
        let db = dir.path("demo.sqlite")
        // `incentives` alone creates the database from the demo files.
        var env = ProcessInfo.processInfo.environment
        env["INCENTIVES_DB"] = db
        let r = try Binary.run([], environment: env)
        // (Then it opens the console, which needs a terminal: 69 here.)
        #expect(r.status == 0 || r.status == 69, "\(r.stderr)")
        #expect(r.stderr.contains("created the demo database"))

        let reader = try StoreReader(path: db)
        let partners = try reader.deliveries(failureLimit: 200)
        #expect(!partners.isEmpty)
        let webhooks = try Self.webhookPartners()
        for p in partners {
            if webhooks.contains(p.partnerID) {
                #expect(p.delivered > 0 && p.failed > 0 && p.pending > 0, "\(p.partnerID): \(p.delivered) delivered, \(p.failed) failed, \(p.pending) pending")
            } else {
                // A file-drop partner's rows are exported (delivered) or wait for the next export: nothing fails.
                #expect(p.delivered > 0 && p.failed == 0 && p.pending > 0, "\(p.partnerID): \(p.delivered) delivered, \(p.failed) failed, \(p.pending) pending")
            }
            #expect(p.failures.allSatisfy { !($0.lastError ?? "").isEmpty }, "each failure says why")
        }

        // And the screen shows them.
        TerminalEnvironment.prepareLocale()
        let data = try ReaderConsoleData(sourceName: db, open: { try StoreReader(path: db) }, retry: StoreDeliveryRetry(path: db))
        var s = AppState(data: data, clock: Fixture.clock, screen: .deliveries)
        let text = Fixture.text(s, 120, 40)
        #expect(!text.contains("None: nothing to retry."))
        #expect(text.contains("HTTP"))
        s.press(.right)
        #expect(s.deliveries.onFailures)
    }

    /// Issue 20, item 12: the demo's events are fixed (they end on 2026-11-24), so weeks later the console showed
    /// every streak as broken. `console --today DATE` takes DATE as today (progress and the simulator), the time of
    /// day running on; the first run says which date to give.
    @Test func theConsoleCanTakeADayAsTodayForTheDemo() throws {
        let clock = ConsoleClock.on(LocalDate(iso: "2026-11-25")!, clock: .fixed(Instant(seconds: 1_796_000_000 + 3_600 * 5 + 7)))
        #expect(clock.today == LocalDate(iso: "2026-11-25"))
        #expect(clock.label.hasPrefix("2026-11-25 "))
        #expect(clock.now().seconds % 86_400 == (1_796_000_000 + 3_600 * 5 + 7) % 86_400, "the time of day runs on")

        let demo = Binary.packageRoot + "/Assets/demo"
        TerminalEnvironment.prepareLocale()
        let data = try InMemoryConsoleData(catalogPath: demo + "/catalog.json", rosterPath: demo + "/roster.jsonl", eventsPath: demo + "/events.jsonl")
        let s = AppState(data: data, clock: clock, screen: .simulator)
        #expect(s.simulator.day == LocalDate(iso: "2026-11-25"), "the simulator starts on that day")
        // Progress as of the day after the last event: the runs and windows in progress then still count; weeks
        // later they have lapsed.
        let users = data.searchUsers(prefix: "u-00", limit: 300)
        func progress(_ today: LocalDate) -> Int {
            users.compactMap { data.userPage(id: $0.id, today: today) }.flatMap(\.standings).filter { !$0.limitReached }.map { $0.bar.0 }.reduce(0, +)
        }
        let asOfDemo = progress(clock.today), weeksLater = progress(LocalDate(iso: "2026-12-20")!)
        #expect(asOfDemo > weeksLater, "\(asOfDemo) days of progress as of 2026-11-25, \(weeksLater) as of 2026-12-20")

        let dir = TempDir(prefix: "demo-db")
        var env = ProcessInfo.processInfo.environment
        env["INCENTIVES_DB"] = dir.path("demo.sqlite")
        let first = try Binary.run([], environment: env)
        #expect(first.stderr.contains("its events end on 2026-11-24: 'incentives console --today 2026-11-25' shows it as it stood then"), "\(first.stderr)")
        let bad = try Binary.run(["console", "--today", "yesterday"], environment: env)
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("--today must be a date YYYY-MM-DD, got yesterday"), "\(bad.stderr)")
    }

    /// The demo's webhook partners, from its catalog.
    static func webhookPartners() throws -> Set<String> {
        let catalog = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Binary.packageRoot + "/Assets/demo/catalog.json"))) as? [String: Any])
        let partners = try #require(catalog["partners"] as? [[String: Any]])
        return Set(partners.filter { $0["webhook"] != nil }.compactMap { $0["id"] as? String })
    }

    /// What the real sender writes as the reason of an attempt it will retry (`WebhookClient`, `HTTPExchange`).
    static func isTransientReason(_ r: String) -> Bool {
        r.wholeMatch(of: /timed out after \d+(\.\d+)?s/) != nil || r.hasPrefix("connection failed: ")
            || r.hasPrefix("TLS handshake failed: ") || r.hasPrefix("no HTTP response") || r.hasPrefix("not sent: ")
            || r.wholeMatch(of: /HTTP (408|429|5\d\d)(: .*)?/) != nil
    }

    /// Issue 20, item 6: every delivery row of the demo is a state the real sender (`deliver`, RetryPolicy with
    /// README's 8 attempts) or `export` can leave — a file-drop partner never shows an HTTP error or a refused
    /// connection, "gave up after N attempts" sits beside N tries, a 503 is retried, a 4xx other than 408/429 is not.
    @Test func everyDemoDeliveryIsAStateTheSenderCanProduce() throws {
        let dir = TempDir(prefix: "demo-db")
        let db = dir.path("demo.sqlite")
        var env = ProcessInfo.processInfo.environment
        env["INCENTIVES_DB"] = db
        let r = try Binary.run([], environment: env)
        #expect(r.stderr.contains("created the demo database"), "\(r.stderr)")
        let webhooks = try Self.webhookPartners()
        let maxAttempts = 8
        let rows = try Database(path: db, mode: .readOnly).rows("SELECT id, partner, status, attempts, last_error FROM deliveries") {
            (id: $0.text(0), partner: $0.text(1), status: $0.text(2), attempts: $0.int(3), error: $0.optionalText(4))
        }
        try #require(rows.count > 100)
        var seen: Set<String> = []
        for row in rows {
            let what = "\(row.id): \(row.status), \(row.attempts) tries, \(row.error ?? "no error")"
            guard webhooks.contains(row.partner) else {
                // `export` marks the rows it wrote delivered (one attempt); the others wait, untouched.
                #expect((row.status == "pending" && row.attempts == 0 || row.status == "delivered" && row.attempts == 1) && row.error == nil, "\(what)")
                continue
            }
            switch row.status {
            case "delivered":
                #expect(row.attempts >= 1, "\(what)")
                if let e = row.error {
                    #expect(row.attempts >= 2 && Self.isTransientReason(e), "an error kept from an earlier, retried attempt: \(what)")
                    seen.insert("retried, then delivered")
                }
            case "pending":
                #expect(row.attempts < maxAttempts, "\(what)")
                if row.attempts == 0 {
                    #expect(row.error == nil, "\(what)")
                } else {
                    #expect(row.error.map(Self.isTransientReason) == true, "\(what)")
                    seen.insert("waiting for a retry")
                }
            case "failed":
                let e = try #require(row.error, "\(what)")
                if let m = e.wholeMatch(of: /HTTP (\d{3}), not retried: .+/) {
                    let status = Int(m.1)!
                    #expect(!(200..<300).contains(status) && ![408, 429].contains(status) && !(500..<600).contains(status), "\(what)")
                    #expect(row.attempts >= 1, "\(what)")
                    seen.insert("refused")
                } else if let m = e.firstMatch(of: /^gave up after (\d+) attempts: (.+)$/) {
                    #expect(Int(m.1) == row.attempts && row.attempts == maxAttempts, "the tries and the message agree: \(what)")
                    #expect(Self.isTransientReason(String(m.2)), "\(what)")
                    seen.insert("gave up")
                } else {
                    Issue.record("not a failure the sender writes: \(what)")
                }
            default:
                Issue.record("unknown status: \(what)")
            }
        }
        #expect(seen == ["retried, then delivered", "waiting for a retry", "refused", "gave up"], "the demo shows every kind: \(seen)")
    }
}
