import IncentivesCore
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One signed POST, ready to go.
public struct WebhookRequest: Sendable {
    public let deliveryID: String
    public let url: URL
    public let body: [UInt8]
    public let headers: [String: String]

    /// Builds and signs the request at the moment of sending, so the timestamp is fresh on every attempt
    /// while the delivery id and body stay the same.
    public init(payload: DeliveryPayload, url: URL, secret: PartnerSecret, timestamp: Int) {
        deliveryID = payload.deliveryId
        self.url = url
        body = Array(payload.json.utf8)
        headers = [
            "Content-Type": "application/json",
            "User-Agent": "incentives-delivery/1",
            WebhookSignature.deliveryHeader: payload.deliveryId,
            WebhookSignature.timestampHeader: String(timestamp),
            WebhookSignature.signatureHeader: WebhookSignature.sign(secret: secret, timestamp: timestamp, body: body),
        ]
    }
}

/// What carries signed requests to partners and says what each came to: the network (`WebhookClient`), or a
/// partner simulated from a script (`SimulatedPartner`, the demo's deliveries).
public protocol WebhookTransport: Sendable {
    /// Sends all; `ended` is called on the calling thread with the requests (index and outcome) that have ended
    /// since its last call, as soon as any has: those that end while it runs come together in its next call (a
    /// group the caller can record in one transaction). Outcomes in the order of `requests`.
    func send(_ requests: [WebhookRequest], concurrency: Int, ended: ([(Int, AttemptOutcome)]) throws -> Void) throws -> [AttemptOutcome]
}

/// Sends webhook requests, several at a time, and says what each came to as it ends.
/// It touches no queue: the caller marks each outcome, on its own thread, as it is handed over; a crash between
/// the answer and the mark simply leads to a resend.
///
/// `timeout` bounds the whole exchange (look-up, connect, TLS, request, the answer's status and headers), not
/// the silence between two packets: a partner that trickles its answer a byte a second is cut off at the
/// timeout like one that says nothing. A 2xx's body is not read; any other answer's body is read only up to
/// `answerPrefixBytes` (what an error message needs), then the connection is closed. A partner answering with
/// gigabytes costs a few kilobytes (`HTTPExchange`).
public final class WebhookClient: WebhookTransport {
    public let timeout: Double
    /// How much of an answer's body is kept: enough for the start of an error page.
    public static let answerPrefixBytes = 4096

    private let tls: TLSContext

    /// `trusting`: a PEM file of the only certificates to trust (tests); nil for the system's.
    public init(timeout: Double = 10, trusting certificates: String? = nil) {
        self.timeout = max(0.05, timeout)
        tls = certificates.map { TLSContext(trusting: $0) } ?? .shared
    }

    /// Sends all, at most `concurrency` in flight; `ended` is called on the calling thread with every request
    /// that has ended since its last call (index and outcome), as soon as one has — not when the last one does.
    /// Outcomes in the order of `requests`. If `ended` throws, no further request is started and the error is
    /// passed on.
    public func send(_ requests: [WebhookRequest], concurrency: Int,
                     ended: ([(Int, AttemptOutcome)]) throws -> Void) rethrows -> [AttemptOutcome] {
        guard !requests.isEmpty else { return [] }
        let mailbox = Mailbox(count: requests.count)
        let timeout = self.timeout
        let tls = self.tls
        for _ in 0..<min(max(1, concurrency), requests.count) {
            let worker = Thread {
                // A write to a connection the partner closed raises SIGPIPE (OpenSSL writes with write(2)):
                // blocked on this thread, it becomes EPIPE, and the rest of the process keeps its handling.
                var set = sigset_t()
                sigemptyset(&set)
                sigaddset(&set, SIGPIPE)
                pthread_sigmask(SIG_BLOCK, &set, nil)
                while let i = mailbox.take() {
                    mailbox.post(i, Self.exchange(requests[i], timeout: timeout, tls: tls))
                }
            }
            worker.start()
        }
        var outcomes = [AttemptOutcome?](repeating: nil, count: requests.count)
        do {
            var left = requests.count
            while left > 0 {
                let group = mailbox.next()
                for (i, outcome) in group { outcomes[i] = outcome }
                left -= group.count
                try ended(group)
            }
        } catch {
            mailbox.stop()
            throw error
        }
        return outcomes.map { $0 ?? .transient(reason: "no outcome", retryAfter: nil) }
    }

    /// Sends all and returns their outcomes, in the order of `requests`.
    public func send(_ requests: [WebhookRequest], concurrency: Int) -> [AttemptOutcome] {
        send(requests, concurrency: concurrency, ended: { _ in })
    }

    static func exchange(_ r: WebhookRequest, timeout: Double, tls: TLSContext = .shared) -> AttemptOutcome {
        let headers = r.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        switch HTTPExchange.post(url: r.url, headers: headers, body: r.body, timeout: timeout, bodyCap: answerPrefixBytes, tls: tls) {
        case .failure(.timedOut):
            return .transient(reason: timedOut(timeout), retryAfter: nil)
        case .failure(.failed(let reason)):
            return .transient(reason: reason, retryAfter: nil)
        case .success(let answer):
            return outcome(status: answer.status, retryAfter: answer.header("Retry-After"), body: answer.body)
        }
    }

    #if canImport(FoundationNetworking)
    /// The retry policy's view of an answer given as Foundation's types (the fuzz target's and older tests' form).
    static func outcome(data: Data?, response: URLResponse?, error: (any Error)?, timeout: Double) -> AttemptOutcome {
        if let error {
            if let u = error as? URLError, u.code == .timedOut {
                return .transient(reason: "timed out after \(Self.seconds(timeout))", retryAfter: nil)
            }
            return .transient(reason: "connection failed: \(error.localizedDescription)", retryAfter: nil)
        }
        guard let http = response as? HTTPURLResponse else {
            return .transient(reason: "no HTTP response", retryAfter: nil)
        }
        return outcome(status: http.statusCode, retryAfter: http.value(forHTTPHeaderField: "Retry-After"), body: data.map { Array($0) } ?? [])
    }
    #endif

    /// The retry policy's view of an HTTP answer.
    static func outcome(status: Int, retryAfter: String?, body: [UInt8]) -> AttemptOutcome {
        // One line: every line break becomes a space. Not just "\n": a CRLF body ("maintenance\r\nback soon") left
        // its "\r" behind, and a carriage return in a reason overwrites the start of the line it is printed on.
        let snippet = String(String(decoding: body.prefix(200), as: UTF8.self).map { $0.isNewline ? " " : $0 })
        switch status {
        case 200..<300:
            return .accepted(status: status)
        case 429, 503:
            let after = RetryAfter.seconds(retryAfter, now: Date())
            return .transient(reason: "HTTP \(status)" + (snippet.isEmpty ? "" : ": \(snippet)"), retryAfter: after)
        case 408, 500..<600:
            return .transient(reason: "HTTP \(status)" + (snippet.isEmpty ? "" : ": \(snippet)"), retryAfter: nil)
        default:
            return .rejected(status: status, reason: snippet.isEmpty ? "no body" : snippet)
        }
    }

    /// The reason given when an exchange runs past `timeout` seconds.
    static func timedOut(_ timeout: Double) -> String {
        "timed out after \(seconds(timeout))"
    }

    private static func seconds(_ t: Double) -> String {
        t == t.rounded() ? "\(Int(t))s" : "\(t)s"
    }
}

/// Hands requests to the workers and their outcomes back to the calling thread.
private final class Mailbox: @unchecked Sendable {  // guarded by `condition`
    private let condition = NSCondition()
    private let count: Int
    private var nextIndex = 0
    private var stopped = false
    private var done: [(Int, AttemptOutcome)] = []

    init(count: Int) { self.count = count }

    /// The next request to send, or nil when there is none (or the caller stopped).
    func take() -> Int? {
        condition.lock(); defer { condition.unlock() }
        guard !stopped, nextIndex < count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func post(_ i: Int, _ outcome: AttemptOutcome) {
        condition.lock()
        done.append((i, outcome))
        condition.signal()
        condition.unlock()
    }

    /// Every outcome posted since the last call, waiting for one if there is none.
    func next() -> [(Int, AttemptOutcome)] {
        condition.lock(); defer { condition.unlock() }
        while done.isEmpty { condition.wait() }
        defer { done.removeAll(keepingCapacity: true) }
        return done
    }

    func stop() {
        condition.lock(); stopped = true; condition.unlock()
    }
}
