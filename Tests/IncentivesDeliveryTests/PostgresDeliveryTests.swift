import Foundation
import Testing
import IncentivesDelivery
import TestSupport

/// `incentives deliver` on PostgreSQL, on the tests' private server (`PostgresServer`): two senders at once share
/// the outbox (rows claimed FOR UPDATE SKIP LOCKED), and each delivery reaches the partner exactly once.
@Suite("deliver on PostgreSQL")
struct PostgresDeliveryTests {
    static let secret = "pg-delivery-secret-0123456789abcdef"

    @Test("two senders at once deliver each row once, and every row ends delivered")
    func twoSendersDeliverEachRowOnce() throws {
        let server = try PostgresServer.shared()
        let receiver = try LoopbackReceiver(secret: PartnerSecret(Self.secret), latency: 0.01)
        defer { receiver.stop() }
        let dir = TempDir(prefix: "pg-deliver")
        let users = 40
        let catalog = """
        {"incentives": [{"id": "report-birth", "kind": "single", "event": "birth_reported"}],
         "employers": [{"id": "acme", "programs": [{"id": "acme-2026", "starts": "2026-01-01", "ends": "2026-12-31",
           "rewards": [{"incentive": "report-birth", "reward": "$50 gift card"}]}]}],
         "partners": [{"id": "pillowco", "employers": ["acme"], "webhook": {"url": "\(receiver.url.absoluteString)", "secretEnv": "PG_DELIVERY_SECRET"}}]}
        """
        var roster = "", events = ""
        for n in 1...users {
            roster += #"{"id": "u-\#(n)", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n"
            events += #"{"id": "e-\#(n)", "type": "birth_reported", "user": "u-\#(n)", "at": "2026-06-11T09:12:00Z"}"# + "\n"
        }
        let db = try server.database()
        var env = ProcessInfo.processInfo.environment
        env["PG_DELIVERY_SECRET"] = Self.secret
        let bin = try Binary.located()
        for args in [["init", "--db", db, "--catalog", dir.write("catalog.json", catalog), "--roster", dir.write("roster.jsonl", roster)],
                     ["ingest", "--db", db, "--events", dir.write("events.jsonl", events)]] {
            let r = try runProcess(bin, args, environment: env)
            try #require(r.status == 0, "\(args[0]): \(r.stderr)")
        }
        let senders = try (0..<2).map { _ in
            try Binary.launch(["deliver", "--db", db, "--concurrency", "2", "--timeout", "5", "--max-attempts", "3"], environment: env)
        }
        for s in senders { s.waitUntilExit() }
        #expect(senders.allSatisfy { $0.terminationStatus == 0 })
        #expect(receiver.requestCount == users, "requests \(receiver.requestCount)")
        #expect(receiver.duplicates == 0)
        #expect(Set(receiver.accepted).count == users)
        let delivered = try server.sql(PostgresServer.name(of: db), "SELECT count(*) FROM deliveries WHERE status = 'delivered'").stdout
        #expect(delivered == "\(users)\n")
        let status = try runProcess(bin, ["deliver", "--db", db, "--status"], environment: env)
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("pillowco"))
    }
}
