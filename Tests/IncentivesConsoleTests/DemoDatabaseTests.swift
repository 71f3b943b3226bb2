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
}
