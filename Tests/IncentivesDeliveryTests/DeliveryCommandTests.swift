import Foundation
import IncentivesCore
import IncentivesDelivery
import IncentivesStore
import XCTest

/// The real `incentives deliver` and `export` binaries on a real database (made by `init` and `ingest`).
/// Above all: killed with SIGKILL after the partner has a delivery and before the sender could mark it, the
/// next run sends it again with the same delivery id, and the receiver, de-duplicating on that id, ends up
/// with each achievement exactly once.
final class DeliveryCommandTests: XCTestCase {
    static let secretText = "crash-test-secret-0123456789abcdef"

    struct Setup {
        /// Holds the files and the database; removed with the setup.
        let temp: TempDir
        var dir: URL { temp.url }
        let db: String
        let args: [String]
        let deliveryIDs: [String]
    }

    /// A database (made by the real `init` and `ingest`) whose catalog's one webhook partner is the receiver,
    /// holding three achievements.
    func setUp(receiver: LoopbackReceiver) throws -> Setup {
        let temp = TempDir(prefix: "crash")
        let dir = temp.url
        let catalog = """
        {"incentives": [{"id": "report-birth", "kind": "single", "event": "birth_reported"}],
         "employers": [{"id": "acme", "programs": [{"id": "acme-2026", "starts": "2026-01-01", "ends": "2026-12-31",
           "rewards": [{"incentive": "report-birth", "reward": "$50 gift card"}]}]}],
         "partners": [{"id": "pillowco", "employers": ["acme"], "webhook": {"url": "\(receiver.url.absoluteString)", "secretEnv": "CRASH_TEST_SECRET"}}]}
        """
        var roster = "", events = ""
        var ids: [String] = []
        for n in 1...3 {
            roster += #"{"id": "u-\#(n)", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n"
            events += #"{"id": "e-\#(n)", "type": "birth_reported", "user": "u-\#(n)", "at": "2026-06-1\#(n)T09:12:00Z"}"# + "\n"
            let a = Achievement(user: "u-\(n)", employer: "acme", program: "acme-2026", incentive: "report-birth", reward: "$50 gift card",
                                completedOn: LocalDate(iso: "2026-06-1\(n)")!, achievedAt: Instant(seconds: 0), evidence: [], evidenceDays: [], ordinal: 1)
            ids.append(a.id + ":pillowco")
        }
        let file = { (name: String) in dir.appendingPathComponent(name).path }
        try Data(catalog.utf8).write(to: URL(fileURLWithPath: file("catalog.json")))
        try Data(roster.utf8).write(to: URL(fileURLWithPath: file("roster.jsonl")))
        try Data(events.utf8).write(to: URL(fileURLWithPath: file("events.jsonl")))
        let db = file("incentives.sqlite")
        for args in [["init", "--db", db, "--catalog", file("catalog.json"), "--roster", file("roster.jsonl")],
                     ["ingest", "--db", db, "--events", file("events.jsonl")]] {
            let p = try launch(args)
            p.waitUntilExit()
            XCTAssertEqual(p.terminationStatus, 0, "incentives \(args[0])")
        }
        let args = ["deliver", "--db", db, "--concurrency", "1", "--timeout", "5", "--max-attempts", "3"]
        return Setup(temp: temp, db: db, args: args, deliveryIDs: ids)
    }

    /// Each delivery's status, read from the database.
    func statuses(_ setup: Setup) throws -> [String: String] {
        let db = try Database(path: setup.db, mode: .readOnly)
        return Dictionary(uniqueKeysWithValues: try db.rows("SELECT id, status FROM deliveries") { ($0.text(0), $0.text(1)) })
    }

    func launch(_ args: [String], secret: String? = secretText, stdout: Pipe? = nil) throws -> Process {
        _ = try Binary.located() // not built: the test fails (Binary.NotBuilt), it does not skip
        var env = ProcessInfo.processInfo.environment
        env["CRASH_TEST_SECRET"] = secret
        return try Binary.launch(args, environment: env, stdout: stdout)
    }

    /// Runs to the end; the exit status and standard output.
    func run(_ args: [String], secret: String? = secretText) throws -> (Int32, String) {
        let pipe = Pipe()
        let p = try launch(args, secret: secret, stdout: pipe)
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self))
    }

    func testKillBetweenSendingAndMarkingLeadsToARedeliveryWithTheSameID() throws {
        // The first request is taken by the partner, whose answer then hangs: the sender is killed waiting.
        let receiver = try LoopbackReceiver(secret: PartnerSecret(Self.secretText), script: [.acceptThenHang(seconds: 30)])
        defer { receiver.stop() }
        let setup = try setUp(receiver: receiver)

        let first = try launch(setup.args)
        XCTAssertTrue(receiver.waitForRequests(1, timeout: 30), "the sender reached the receiver")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationReason, .uncaughtSignal)
        let firstID = try XCTUnwrap(receiver.requests.first?.deliveryID)
        XCTAssertEqual(receiver.accepted, [firstID])
        XCTAssertEqual(try statuses(setup), Dictionary(uniqueKeysWithValues: setup.deliveryIDs.map { ($0, "pending") }),
                       "the partner has one, but the killed sender never marked it")

        let second = try launch(setup.args)
        second.waitUntilExit()
        XCTAssertEqual(second.terminationStatus, 0)
        XCTAssertEqual(Set(receiver.accepted), Set(setup.deliveryIDs), "every achievement reached the partner")
        XCTAssertEqual(receiver.accepted.count, 3, "each exactly once after de-duplication")
        XCTAssertEqual(receiver.duplicates, 1, "the killed delivery came again with the same id")
        XCTAssertEqual(receiver.requests.filter { $0.deliveryID == firstID }.count, 2)
        XCTAssertTrue(receiver.requests.allSatisfy { $0.verdict == .valid })
        XCTAssertEqual(try statuses(setup), Dictionary(uniqueKeysWithValues: setup.deliveryIDs.map { ($0, "delivered") }))
    }

    func testAMissingSecretStopsTheRunBeforeAnythingIsSent() throws {
        let receiver = try LoopbackReceiver(secret: PartnerSecret(Self.secretText))
        defer { receiver.stop() }
        let setup = try setUp(receiver: receiver)
        let p = try launch(setup.args, secret: nil)
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 78)
        XCTAssertEqual(receiver.requestCount, 0)
        XCTAssertEqual(Set(try statuses(setup).values), ["pending"])
    }

    func testARefusedDeliveryExits69ShowsInStatusAndIsRetriedByHand() throws {
        let receiver = try LoopbackReceiver(secret: PartnerSecret(Self.secretText), script: [.status(400)])
        defer { receiver.stop() }
        let setup = try setUp(receiver: receiver)
        let db = ["--db", setup.db]

        XCTAssertEqual(try run(setup.args).0, 69, "some deliveries failed")
        let (status, table) = try run(["deliver", "--status"] + db, secret: nil)
        XCTAssertEqual(status, 0, "--status sends nothing, so it needs no secret")
        let row = table.split(separator: "\n").first { $0.hasPrefix("pillowco ") }?.split(separator: " ")
        XCTAssertEqual(row, ["pillowco", "0", "2", "1"], "pending, delivered, failed: \(table)")
        XCTAssertTrue(table.contains("HTTP 400, not retried"), table)
        XCTAssertEqual(try run(["deliver", "--retry-failed"] + db).0, 0)
        XCTAssertEqual(Set(try statuses(setup).values), ["delivered"])
        XCTAssertEqual(Set(receiver.accepted), Set(setup.deliveryIDs))
        XCTAssertEqual(try run(["deliver", "--retry", "nope"] + db).0, 64)
    }

    func testExportWritesTheSameSignedBytesForTheSameRangeAndMarksRowsDelivered() throws {
        let receiver = try LoopbackReceiver(secret: PartnerSecret(Self.secretText))
        defer { receiver.stop() }
        let setup = try setUp(receiver: receiver)
        let out = setup.dir.appendingPathComponent("drop").path
        let args = ["export", "--db", setup.db, "--partner", "pillowco", "--since", "2026-06-12", "--format", "csv", "--out", out]

        XCTAssertEqual(try run(args, secret: nil).0, 78, "no secret, no file")
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        let (status, printed) = try run(args)
        XCTAssertEqual(status, 0)
        XCTAssertEqual(printed, "\(out)/pillowco_2026-06-12_end.csv\n\(out)/pillowco_2026-06-12_end.manifest.json\n")
        let first = try Data(contentsOf: URL(fileURLWithPath: out + "/pillowco_2026-06-12_end.csv"))
        let manifest = try Data(contentsOf: URL(fileURLWithPath: out + "/pillowco_2026-06-12_end.manifest.json"))
        XCTAssertEqual(try run(args).0, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/pillowco_2026-06-12_end.csv")), first, "same range, same bytes")
        let m = try XCTUnwrap(JSONSerialization.jsonObject(with: manifest) as? [String: Any])
        XCTAssertEqual(m["count"] as? Int, 2)
        XCTAssertEqual(m["sha256"] as? String, Crypto.hex(Crypto.sha256(first)))
        XCTAssertEqual(m["hmac"] as? String, "sha256=" + Crypto.hex(Crypto.hmacSHA256(key: Array(Self.secretText.utf8), message: first)))
        XCTAssertEqual(String(decoding: first, as: UTF8.self).components(separatedBy: "\r\n").count, 4, "header, two rows, final CRLF")
        // A webhook partner's file is a copy for reconciliation: its deliveries stay as they were.
        XCTAssertEqual(Set(try statuses(setup).values), ["pending"])
    }

    func testFileModeSendsReplayOutputWithoutADatabase() throws {
        let receiver = try LoopbackReceiver(secret: PartnerSecret(Self.secretText))
        defer { receiver.stop() }
        let setup = try setUp(receiver: receiver)
        let file = { (name: String) in setup.dir.appendingPathComponent(name).path }
        let (replayed, lines) = try run(["replay", "--catalog", file("catalog.json"), "--roster", file("roster.jsonl"), "--events", file("events.jsonl")])
        XCTAssertEqual(replayed, 0)
        try Data(lines.utf8).write(to: URL(fileURLWithPath: file("achievements.jsonl")))
        let source = ["--catalog", file("catalog.json"), "--roster", file("roster.jsonl"), "--achievements", file("achievements.jsonl")]

        XCTAssertEqual(try run(["deliver"] + source).0, 0)
        XCTAssertEqual(Set(receiver.accepted), Set(setup.deliveryIDs), "the same ids as the database's outbox")
        XCTAssertEqual(try run(["deliver", "--retry-failed"] + source).0, 64, "file mode keeps no state to retry")
        XCTAssertEqual(try run(["deliver", "--db", setup.db] + source).0, 64, "one source at a time")
    }
}
