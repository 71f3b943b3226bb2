import Foundation
import IncentivesCore
@testable import IncentivesDelivery
import XCTest

/// The sender against a real HTTP receiver on 127.0.0.1.
final class WebhookDeliveryTests: XCTestCase {
    func testEveryDeliveryArrivesSignedMinimisedAndIsMarkedDelivered() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret)
        defer { receiver.stop() }
        let achievements = (1...5).map { Fixtures.achievement($0, user: "u-\($0)") }
        let queue = Fixtures.queue(achievements)
        let report = try Fixtures.deliverer(queue, receiver: receiver).drain()

        XCTAssertEqual(report.delivered, 5)
        XCTAssertEqual(receiver.requests.count, 5)
        XCTAssertTrue(receiver.requests.allSatisfy { $0.verdict == .valid }, "\(receiver.requests.map(\.verdict))")
        XCTAssertEqual(Set(receiver.accepted), Set(achievements.map { $0.deliveryID(partner: "pillowco") }))
        for r in receiver.requests {
            let payload = try XCTUnwrap(Fixtures.minimised(r.body), String(decoding: r.body, as: UTF8.self))
            XCTAssertEqual(payload["deliveryId"], r.deliveryID, "the header and the body name the same delivery")
            XCTAssertFalse(String(decoding: r.body, as: UTF8.self).contains("u-"), "the internal user id never leaves")
        }
        XCTAssertTrue(queue.rows.allSatisfy { $0.status == .delivered })
        XCTAssertEqual(try queue.counts(), [PartnerDeliveryCounts(partner: "pillowco", pending: 0, delivered: 5, failed: 0)])
    }

    /// A partner answering with 300 MB: the sender reads its status, headers and the first 4 KiB of the body (the
    /// start of the error page is quoted), and closes the connection; it never reads, let alone holds, the rest.
    func testAHugeAnswerIsReadOnlyAsFarAsTheMessageNeeds() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret,
                                            script: [.hugeBody(500, megabytes: 300, text: "boom: the partner's error page")])
        defer { receiver.stop() }
        let a = Fixtures.achievement(1)
        let queue = Fixtures.queue([a])
        let started = Date()
        let outcome = WebhookClient(timeout: 10).send([WebhookRequest(payload: DeliveryPayload(a, partner: "pillowco", secret: Fixtures.secret),
                                                                       url: receiver.url, secret: Fixtures.secret, timestamp: Int(Date().timeIntervalSince1970))],
                                                      concurrency: 1)
        guard case .transient(let reason, _) = outcome.first else { return XCTFail("\(outcome)") }
        XCTAssertTrue(reason.hasPrefix("HTTP 500: boom: the partner's error pagexxx"), reason)
        XCTAssertLessThanOrEqual(reason.utf8.count, 220, "the message keeps a short prefix")
        // The connection closes as soon as the prefix is in; what the kernel had in flight by then passes unread, never
        // the whole answer, and none of it is kept. (Waited for, not slept: the receiver notes what it sent once the
        // connection has ended.)
        XCTAssertTrue(waitUntil(timeout: 60) { receiver.hugeBodyBytesSent > 0 }, "the connection ended")
        XCTAssertLessThan(receiver.hugeBodyBytesSent, 32 << 20, "bytes the partner could push before the close")
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        XCTAssertLessThan(usage.ru_maxrss, 250 << 10, "peak memory of the test process, in KB: the answer was never held")
        _ = (queue, started)
    }

    func testServerErrorThenTimeoutThenSuccessGivesExactlyOneAcceptedDelivery() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret,
                                            script: [.status(500), .stall(seconds: 6), .status(200)])
        defer { receiver.stop() }
        let a = Fixtures.achievement(1)
        let queue = Fixtures.queue([a])
        var log: [String] = []
        let d = Deliverer(queue: queue, targets: [.init(partner: "pillowco", url: receiver.url, secret: Fixtures.secret)],
                          client: WebhookClient(timeout: 2), policy: Fixtures.quickPolicy,
                          log: { line in log.append(String(line.split(separator: "(", maxSplits: 1)[1].split(separator: ")")[0])) })
        let report = try d.drain()

        XCTAssertEqual(report.delivered, 1)
        XCTAssertEqual(receiver.requests.count, 3)
        XCTAssertEqual(receiver.accepted, [a.deliveryID(partner: "pillowco")])
        XCTAssertEqual(receiver.duplicates, 0)
        XCTAssertEqual(Set(receiver.requests.compactMap(\.deliveryID)), [a.deliveryID(partner: "pillowco")],
                       "every attempt carries the same delivery id")
        let row = try XCTUnwrap(queue.row(a.deliveryID(partner: "pillowco")))
        XCTAssertEqual(row.status, .delivered)
        XCTAssertEqual(row.attempts, 3)
        XCTAssertEqual(log, ["HTTP 500: status 500", "timed out after 2s"])
    }

    func testClientErrorIsNotRetriedAndCanBeRetriedByHand() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, script: [.status(400)])
        defer { receiver.stop() }
        let a = Fixtures.achievement(1)
        let id = a.deliveryID(partner: "pillowco")
        let queue = Fixtures.queue([a])
        let deliverer = Fixtures.deliverer(queue, receiver: receiver)
        let report = try deliverer.drain()

        XCTAssertEqual(report.failed, 1)
        XCTAssertEqual(receiver.requests.count, 1, "a 400 is never retried")
        XCTAssertEqual(queue.row(id)?.status, .failed)
        XCTAssertTrue(queue.row(id)?.lastError?.contains("HTTP 400") ?? false, queue.row(id)?.lastError ?? "")
        let failures = try queue.recentFailures(limit: 10)
        XCTAssertEqual(failures.map(\.id), [id])

        XCTAssertTrue(try queue.retry(id, at: Date().timeIntervalSince1970))
        XCTAssertFalse(try queue.retry(id, at: 0), "only a failed delivery can be retried")
        try deliverer.drain()
        XCTAssertEqual(queue.row(id)?.status, .delivered)
        XCTAssertEqual(receiver.accepted, [id])
    }

    func testARedirectIsNotFollowedAndFailsTheDelivery() throws {
        let elsewhere = try LoopbackReceiver(secret: Fixtures.secret)
        defer { elsewhere.stop() }
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, script: [.status(307, headers: ["Location": elsewhere.url.absoluteString])])
        defer { receiver.stop() }
        let queue = Fixtures.queue([Fixtures.achievement(1)])
        try Fixtures.deliverer(queue, receiver: receiver).drain()
        XCTAssertEqual(receiver.requestCount, 1)
        XCTAssertEqual(elsewhere.requestCount, 0, "the signed payload never goes to another URL")
        XCTAssertEqual(queue.rows.first?.status, .failed)
        XCTAssertTrue(queue.rows.first?.lastError?.hasPrefix("HTTP 307, not retried") ?? false, queue.rows.first?.lastError ?? "")
    }

    func testPersistentServerErrorsEndFailedWithTheReasonAfterTheLastAttempt() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, fallback: .status(503))
        defer { receiver.stop() }
        let queue = Fixtures.queue([Fixtures.achievement(1)])
        let report = try Fixtures.deliverer(queue, receiver: receiver).drain()

        XCTAssertEqual(report.failed, 1)
        XCTAssertEqual(receiver.requests.count, Fixtures.quickPolicy.maxAttempts)
        let row = try XCTUnwrap(queue.rows.first)
        XCTAssertEqual(row.status, .failed)
        XCTAssertEqual(row.attempts, Fixtures.quickPolicy.maxAttempts)
        XCTAssertEqual(row.lastError, "gave up after 4 attempts: HTTP 503: status 503")
    }

    func testTooManyRequestsWaitsForRetryAfter() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, script: [.status(429, headers: ["Retry-After": "1"])])
        defer { receiver.stop() }
        let queue = Fixtures.queue([Fixtures.achievement(1)])
        // The deliverer's clock stands still until the test moves it: no second of real time can pass unnoticed
        // between the passes (it starts at the real time: the client dates a Retry-After from it).
        let before = Date().timeIntervalSince1970
        let clock = ManualClock(before)
        let deliverer = Fixtures.deliverer(queue, receiver: receiver, clock: { clock.now })
        let first = try deliverer.pass()
        XCTAssertEqual(first.retrying, 1)
        let row = try XCTUnwrap(queue.rows.first)
        XCTAssertEqual(row.status, .pending)
        XCTAssertGreaterThanOrEqual(row.nextAttemptAt, before + 1, "Retry-After: 1 outranks a 10 ms backoff")
        clock.now = row.nextAttemptAt - 0.01
        XCTAssertEqual(try deliverer.pass().attempts, 0, "nothing is due before Retry-After has passed")
        clock.now = row.nextAttemptAt
        XCTAssertEqual(try deliverer.pass().delivered, 1)
        XCTAssertEqual(queue.rows.first?.status, .delivered)
        XCTAssertEqual(receiver.requests.count, 2)
    }

    func testReceiverRefusesAWrongSignatureAndTheDeliveryIsNotRetried() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret)
        defer { receiver.stop() }
        let queue = Fixtures.queue([Fixtures.achievement(1)])
        try Fixtures.deliverer(queue, receiver: receiver, secret: Fixtures.otherSecret).drain()

        XCTAssertEqual(receiver.requests.map(\.verdict), [.mismatch])
        XCTAssertEqual(receiver.accepted, [])
        XCTAssertEqual(queue.rows.first?.status, .failed)
        XCTAssertTrue(queue.rows.first?.lastError?.hasPrefix("HTTP 401") ?? false)
    }

    func testARefusedConnectionIsRetriedThenFails() throws {
        // Port 1 on loopback: nothing listens there.
        let queue = Fixtures.queue([Fixtures.achievement(1)])
        let d = Deliverer(queue: queue, targets: [.init(partner: "pillowco", url: URL(string: "http://127.0.0.1:1/")!, secret: Fixtures.secret)],
                          client: WebhookClient(timeout: 1), policy: RetryPolicy(maxAttempts: 2, base: 0.01, cap: 0.01))
        let report = try d.drain()
        XCTAssertEqual(report.failed, 1)
        XCTAssertEqual(queue.rows.first?.attempts, 2)
        XCTAssertTrue(queue.rows.first?.lastError?.contains("connection failed") ?? false, queue.rows.first?.lastError ?? "")
    }

    func testWatchPicksUpAchievementsRecordedWhileItRuns() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret)
        defer { receiver.stop() }
        let queue = Fixtures.queue([Fixtures.achievement(1)])
        let d = Fixtures.deliverer(queue, receiver: receiver)
        var polls = 0
        try d.watch(poll: 0.01) {
            polls += 1
            // A new achievement arrives after the first pass, as an ingest beside `deliver --watch` would add it.
            if polls == 2 { queue.enqueue(Fixtures.achievement(2, user: "u-2"), partners: [Fixtures.partner()], at: 0) }
            return receiver.accepted.count == 2 || polls > 500
        }
        XCTAssertEqual(receiver.accepted, [1, 2].map { Fixtures.achievement($0).deliveryID(partner: "pillowco") })
        XCTAssertTrue(queue.rows.allSatisfy { $0.status == .delivered })
    }

    func testConcurrentSendingDeliversEachOnce() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret)
        defer { receiver.stop() }
        let achievements = (1...60).map { Fixtures.achievement($0 % 9 + 1, user: "u-\($0)") }
            .enumerated().map { i, a in
                DeliverableAchievement(id: "ach-\(i)", user: a.user, employer: a.employer, program: a.program, reward: a.reward,
                                       completedOn: a.completedOn)
            }
        let queue = Fixtures.queue(achievements)
        let d = Deliverer(queue: queue, targets: [.init(partner: "pillowco", url: receiver.url, secret: Fixtures.secret)],
                          client: WebhookClient(timeout: 5), policy: Fixtures.quickPolicy, concurrency: 16, batchSize: 25)
        let report = try d.drain()
        XCTAssertEqual(report.delivered, 60)
        XCTAssertEqual(receiver.accepted.count, 60)
        XCTAssertEqual(receiver.duplicates, 0)
    }
}

/// A clock a test moves by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double
    init(_ start: Double) { value = start }
    var now: Double {
        get { lock.lock(); defer { lock.unlock() }; return value }
        set { lock.lock(); value = newValue; lock.unlock() }
    }
}
