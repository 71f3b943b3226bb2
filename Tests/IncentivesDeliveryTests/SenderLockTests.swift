import Foundation
import IncentivesCore
import IncentivesDelivery
import IncentivesStore
import Testing

/// The real `incentives deliver` on a real SQLite database: one sender at a time (issue 21, item 14), and
/// `--timeout` bounding a partner that trickles its answer (item 4).
@Suite(.serialized) struct SenderLockTests {
    static let secretText = "sender-lock-secret-0123456789abcdef"

    /// A database made by the real `init` and `ingest`, whose one webhook partner is `receiver`, with `n` achievements.
    struct Setup {
        let temp: TempDir
        let db: String
        let ids: [String]
        var environment: [String: String] {
            var env = ProcessInfo.processInfo.environment
            env["SENDER_LOCK_SECRET"] = SenderLockTests.secretText
            return env
        }
    }

    static func setUp(_ receiver: LoopbackReceiver, achievements n: Int = 3) throws -> Setup {
        let temp = TempDir(prefix: "sender")
        let catalog = temp.write("catalog.json", """
        {"incentives": [{"id": "report-birth", "kind": "single", "event": "birth_reported"}],
         "employers": [{"id": "acme", "programs": [{"id": "acme-2026", "starts": "2026-01-01", "ends": "2026-12-31",
           "rewards": [{"incentive": "report-birth", "reward": "$50 gift card"}]}]}],
         "partners": [{"id": "pillowco", "employers": ["acme"], "webhook": {"url": "\(receiver.url.absoluteString)", "secretEnv": "SENDER_LOCK_SECRET"}}]}
        """)
        var roster = "", events = ""
        for i in 1...n {
            roster += #"{"id": "u-\#(i)", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n"
            events += #"{"id": "e-\#(i)", "type": "birth_reported", "user": "u-\#(i)", "at": "2026-06-10T09:12:00Z"}"# + "\n"
        }
        let db = temp.path("incentives.sqlite")
        for args in [["init", "--db", db, "--catalog", catalog, "--roster", temp.write("roster.jsonl", roster)],
                     ["ingest", "--db", db, "--events", temp.write("events.jsonl", events)]] {
            let out = try Binary.run(args)
            try #require(out.status == 0, "incentives \(args[0]): \(out.stderr)")
        }
        let ids = try Database(path: db, mode: .readOnly).rows("SELECT id FROM deliveries ORDER BY id") { $0.text(0) }
        try #require(ids.count == n)
        return Setup(temp: temp, db: db, ids: ids)
    }

    @Test("a second deliver on the same SQLite file exits 75 and sends nothing; the first sends each row once")
    func secondSenderRefused() throws {
        // The first request is taken and its answer held, so the first sender is mid-run when the second starts.
        let receiver = try LoopbackReceiver(secret: PartnerSecret(Self.secretText), script: [.acceptThenHang(seconds: 3)])
        defer { receiver.stop() }
        let setup = try Self.setUp(receiver)
        let args = ["deliver", "--db", setup.db, "--concurrency", "1", "--timeout", "10"]
        let first = try Binary.launch(args, environment: setup.environment)
        #expect(receiver.waitForRequests(1, timeout: 30), "the first sender reached the receiver")

        let second = try Binary.run(args, environment: setup.environment)
        #expect(second.status == 75, "\(second.stderr)")
        #expect(second.stderr.contains("another 'incentives deliver' is sending from this database"), "\(second.stderr)")
        #expect(receiver.requestCount == 1, "the second sender sent nothing")
        let status = try Binary.run(["deliver", "--db", setup.db, "--status"])
        #expect(status.status == 0, "--status sends nothing and needs no lock: \(status.stderr)")

        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(Set(receiver.accepted) == Set(setup.ids))
        #expect(receiver.requestCount == 3 && receiver.duplicates == 0, "each row sent once: \(receiver.requestCount) requests")

        // The lock goes with the process: a third run finds nothing due and exits 0.
        let third = try Binary.run(args, environment: setup.environment)
        #expect(third.status == 0, "\(third.stderr)")
    }

    @Test("deliver --timeout 2 against a partner trickling one header every half second: each attempt ends at 2 s")
    func trickleThroughTheCommand() throws {
        let receiver = try LoopbackReceiver(secret: PartnerSecret(Self.secretText), fallback: .trickleHeaders(200, count: 600, every: 0.5))
        defer { receiver.stop() }
        let setup = try Self.setUp(receiver, achievements: 2)
        let started = Date()
        let out = try Binary.run(["deliver", "--db", setup.db, "--concurrency", "2", "--timeout", "2", "--max-attempts", "2"],
                                 environment: setup.environment)
        let seconds = Date().timeIntervalSince(started)
        #expect(out.status == 69, "every delivery failed: \(out.stderr)")
        #expect(seconds < 10, "two attempts of 2 s each and a short backoff took \(seconds) s")
        let rows = try Database(path: setup.db, mode: .readOnly).rows("SELECT status, attempts, last_error FROM deliveries") {
            "\($0.text(0)) \($0.int(1)) \($0.text(2))"
        }
        #expect(rows == ["failed 2 gave up after 2 attempts: timed out after 2s", "failed 2 gave up after 2 attempts: timed out after 2s"])
    }
}
