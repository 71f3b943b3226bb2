import Foundation
import IncentivesCore
@testable import IncentivesDelivery
import Testing

/// Partners that answer slowly, without end, or with gigabytes (issue 21, item 4): `--timeout` bounds the whole
/// exchange, an answer's body is read only to a small cap, and each delivery is marked as its own exchange ends.
@Suite(.serialized) struct SlowPartnerTests {
    func request(_ receiver: LoopbackReceiver, _ n: Int = 1) -> WebhookRequest {
        WebhookRequest(payload: DeliveryPayload(Fixtures.achievement(n), partner: "pillowco", secret: Fixtures.secret),
                       url: receiver.url, secret: Fixtures.secret, timestamp: Int(Date().timeIntervalSince1970))
    }

    /// One exchange; its outcome and how long it took.
    func exchange(_ reply: LoopbackReceiver.Reply, timeout: Double) throws -> (AttemptOutcome, Double, LoopbackReceiver) {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, script: [reply])
        let started = Date()
        let outcome = try #require(WebhookClient(timeout: timeout).send([request(receiver)], concurrency: 1).first)
        return (outcome, Date().timeIntervalSince(started), receiver)
    }

    @Test("a status line and then one header a second ends at the timeout, as silence does")
    func headersThatTrickle() throws {
        let (outcome, seconds, receiver) = try exchange(.trickleHeaders(200, count: 60, every: 0.5), timeout: 2)
        defer { receiver.stop() }
        #expect(outcome == .transient(reason: "timed out after 2s", retryAfter: nil))
        #expect(seconds < 3.5, "the exchange took \(seconds) s with --timeout 2")
    }

    @Test("an error whose chunked body trickles ends by the timeout, and its status stands")
    func errorBodyThatTrickles() throws {
        let (outcome, seconds, receiver) = try exchange(.trickleChunked(503, count: 60, every: 0.5), timeout: 2)
        defer { receiver.stop() }
        guard case .transient(let reason, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(reason.hasPrefix("HTTP 503"), "\(reason)")
        #expect(seconds < 3.5, "the exchange took \(seconds) s with --timeout 2")
    }

    @Test("a 2xx whose chunked body trickles is accepted at its status: the body is never read")
    func acceptedBodyThatTrickles() throws {
        let (outcome, seconds, receiver) = try exchange(.trickleChunked(200, count: 60, every: 0.5), timeout: 5)
        defer { receiver.stop() }
        #expect(outcome == .accepted(status: 200))
        #expect(seconds < 1.5, "the exchange took \(seconds) s")
    }

    @Test("a 3 GB chunked answer is read to a few kilobytes and the connection closed", arguments: [200, 500])
    func gigabytesChunked(status: Int) throws {
        let (outcome, seconds, receiver) = try exchange(.hugeChunked(status, megabytes: 3_000), timeout: 10)
        defer { receiver.stop() }
        if status == 200 {
            #expect(outcome == .accepted(status: 200))
        } else {
            guard case .transient(let reason, _) = outcome else { Issue.record("\(outcome)"); return }
            #expect(reason.hasPrefix("HTTP 500: xxxx") && reason.utf8.count <= 220, "\(reason)")
        }
        #expect(seconds < 3, "the exchange took \(seconds) s")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(receiver.hugeBodyBytesSent < 32 << 20, "the partner pushed \(receiver.hugeBodyBytesSent) bytes before the close")
    }

    @Test("the deliverer records an attempt for a trickling partner within the timeout, and retries it")
    func delivererRecordsTheTimeout() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, script: [.trickleHeaders(200, count: 60, every: 0.5)])
        defer { receiver.stop() }
        let queue = Fixtures.queue([Fixtures.achievement(1)])
        let started = Date()
        let report = try Fixtures.deliverer(queue, receiver: receiver, timeout: 1).drain()
        #expect(report.delivered == 1)
        #expect(Date().timeIntervalSince(started) < 3)
        let row = try #require(queue.rows.first)
        #expect(row.status == .delivered && row.attempts == 2, "\(row)")
    }

    @Test("a fast partner's delivery is marked when its answer comes, not when a slow partner's batch ends")
    func eachDeliveryIsMarkedAsItEnds() throws {
        let slow = try LoopbackReceiver(secret: Fixtures.secret, fallback: .stall(seconds: 10))
        defer { slow.stop() }
        let fast = try LoopbackReceiver(secret: Fixtures.secret)
        defer { fast.stop() }
        let a = Fixtures.achievement(1, user: "u-1")
        let b = Fixtures.achievement(2, user: "u-2")
        let inner = InMemoryDeliveryQueue()
        inner.enqueue(a, partners: [Fixtures.partner("slowco")], at: 0)
        inner.enqueue(b, partners: [Fixtures.partner("fastco")], at: 0)
        let queue = MarkTimes(inner)
        let started = Date().timeIntervalSince1970
        let d = Deliverer(queue: queue,
                          targets: [.init(partner: "slowco", url: slow.url, secret: Fixtures.secret),
                                    .init(partner: "fastco", url: fast.url, secret: Fixtures.secret)],
                          client: WebhookClient(timeout: 2), policy: RetryPolicy(maxAttempts: 1), concurrency: 2)
        let report = try d.pass()
        #expect(report.delivered == 1 && report.failed == 1)
        let fastMark = try #require(queue.marks[b.deliveryID(partner: "fastco")])
        let slowMark = try #require(queue.marks[a.deliveryID(partner: "slowco")])
        #expect(fastMark - started < 1, "the fast partner's delivery was marked \(fastMark - started) s in")
        #expect(slowMark - started >= 1.9, "the slow one at its timeout, \(slowMark - started) s in")
    }
}

/// An outbox that notes when each delivery was marked.
final class MarkTimes: DeliveryQueue {
    let inner: InMemoryDeliveryQueue
    private(set) var marks: [String: Double] = [:]
    init(_ inner: InMemoryDeliveryQueue) { self.inner = inner }

    private func note(_ ids: [String]) { for id in ids { marks[id] = Date().timeIntervalSince1970 } }
    func due(partners: [String], at now: Double, limit: Int) throws -> [PendingDelivery] { try inner.due(partners: partners, at: now, limit: limit) }
    func nextAttempt(partners: [String]) throws -> Double? { try inner.nextAttempt(partners: partners) }
    func markDelivered(_ ids: [String], at now: Double) throws { note(ids); try inner.markDelivered(ids, at: now) }
    func recordFailedAttempt(_ id: String, error: String, next: Double, at now: Double) throws {
        note([id]); try inner.recordFailedAttempt(id, error: error, next: next, at: now)
    }
    func markFailed(_ id: String, error: String, at now: Double) throws { note([id]); try inner.markFailed(id, error: error, at: now) }
    func retry(_ id: String, at now: Double) throws -> Bool { try inner.retry(id, at: now) }
    func retryFailed(partner: String?, at now: Double) throws -> Int { try inner.retryFailed(partner: partner, at: now) }
    func counts() throws -> [PartnerDeliveryCounts] { try inner.counts() }
    func recentFailures(limit: Int) throws -> [FailedDelivery] { try inner.recentFailures(limit: limit) }
    func exportRows(partner: String, since: LocalDate?, until: LocalDate?) throws -> [ExportRow] {
        try inner.exportRows(partner: partner, since: since, until: until)
    }
}

/// The client's TLS (our own since the client left URLSession): a partner's certificate is verified against the
/// trusted certificates and the URL's host, and the timeout bounds an HTTPS exchange as it does a plain one.
@Suite struct WebhookTLSTests {
    /// A self-signed certificate (and its key) for `subjectAltName`, made by the openssl command.
    static func certificate(_ dir: TempDir, altName: String) throws -> (certificate: String, key: String) {
        let cert = dir.path("cert.pem"), key = dir.path("key.pem")
        let openssl = try #require(["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) },
                                   "the openssl command (Debian package openssl) makes the test's certificate")
        let out = try runProcess(openssl, ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                                           "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=incentives-test",
                                           "-addext", "subjectAltName=\(altName)"])
        try #require(out.status == 0, "openssl req: \(out.stderr)")
        return (cert, key)
    }

    func send(_ receiver: LoopbackReceiver, trusting: String?, timeout: Double = 5) throws -> AttemptOutcome {
        let r = WebhookRequest(payload: DeliveryPayload(Fixtures.achievement(1), partner: "pillowco", secret: Fixtures.secret),
                               url: receiver.url, secret: Fixtures.secret, timestamp: Int(Date().timeIntervalSince1970))
        return try #require(WebhookClient(timeout: timeout, trusting: trusting).send([r], concurrency: 1).first)
    }

    @Test("a delivery over https to a trusted certificate arrives signed")
    func trusted() throws {
        let dir = TempDir(prefix: "tls")
        let tls = try Self.certificate(dir, altName: "IP:127.0.0.1")
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, tls: tls)
        defer { receiver.stop() }
        #expect(receiver.url.scheme == "https")
        #expect(try send(receiver, trusting: tls.certificate) == .accepted(status: 200))
        #expect(receiver.requests.map(\.verdict) == [.valid])
    }

    @Test("a certificate the system does not trust is refused before anything is sent")
    func untrusted() throws {
        let dir = TempDir(prefix: "tls")
        let tls = try Self.certificate(dir, altName: "IP:127.0.0.1")
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, tls: tls)
        defer { receiver.stop() }
        let outcome = try send(receiver, trusting: nil)
        guard case .transient(let reason, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(reason.hasPrefix("TLS handshake failed: certificate not trusted"), "\(reason)")
        #expect(receiver.requestCount == 0)
    }

    @Test("a trusted certificate for another name is refused")
    func otherName() throws {
        let dir = TempDir(prefix: "tls")
        let tls = try Self.certificate(dir, altName: "DNS:hooks.elsewhere.example")
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, tls: tls)
        defer { receiver.stop() }
        let outcome = try send(receiver, trusting: tls.certificate)
        guard case .transient(let reason, _) = outcome else { Issue.record("\(outcome)"); return }
        #expect(reason.hasPrefix("TLS handshake failed: certificate not trusted"), "\(reason)")
        #expect(receiver.requestCount == 0)
    }

    @Test("over https too, a head that trickles ends at the timeout")
    func trickleOverTLS() throws {
        let dir = TempDir(prefix: "tls")
        let tls = try Self.certificate(dir, altName: "IP:127.0.0.1")
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, script: [.trickleHeaders(200, count: 60, every: 0.5)], tls: tls)
        defer { receiver.stop() }
        let started = Date()
        #expect(try send(receiver, trusting: tls.certificate, timeout: 2) == .transient(reason: "timed out after 2s", retryAfter: nil))
        #expect(Date().timeIntervalSince(started) < 3.5)
    }
}
