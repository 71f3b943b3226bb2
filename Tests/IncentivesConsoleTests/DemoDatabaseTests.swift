import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesStore
import Testing

/// The demo database (created on first run from Assets/demo) has deliveries in several states, so the Deliveries
/// screen has something to show: delivered, failed with an error, pending.
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
        for p in partners {
            #expect(p.delivered > 0 && p.failed > 0 && p.pending > 0, "\(p.partnerID): \(p.delivered) delivered, \(p.failed) failed, \(p.pending) pending")
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
}
