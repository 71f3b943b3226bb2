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

/// Sends webhook requests with URLSession, several at a time, and says what each came to.
/// It touches no queue: the caller marks outcomes afterwards, on its own thread, which is what lets a
/// crash between the two simply lead to a resend.
///
/// A partner's answer is read only when it announces a length of at most `answerPrefixBytes` (what an error
/// message needs); any other answer's body is not read at all and the connection is closed after its headers.
/// A partner answering with hundreds of megabytes costs a few kilobytes.
public final class WebhookClient: Sendable {
    public let timeout: Double
    /// How much of an answer's body is kept: enough for the start of an error page.
    public static let answerPrefixBytes = 4096
    private let session: URLSession
    private let answers: Answers

    public init(timeout: Double = 10) {
        // swift-corelibs-foundation truncates timeouts to whole seconds (0.5 s times out at once), so round up.
        let timeout = max(1, timeout.rounded(.up))
        self.timeout = timeout
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout * 2
        config.httpMaximumConnectionsPerHost = 64
        config.urlCache = nil
        config.httpCookieStorage = nil
        config.httpShouldSetCookies = false
        answers = Answers()
        session = URLSession(configuration: config, delegate: answers, delegateQueue: nil)
    }

    deinit { session.invalidateAndCancel() }

    /// Sends all, at most `concurrency` in flight; outcomes in the order of `requests`.
    public func send(_ requests: [WebhookRequest], concurrency: Int) -> [AttemptOutcome] {
        let results = Outcomes(count: requests.count)
        let group = DispatchGroup()
        let slots = DispatchSemaphore(value: max(1, concurrency))
        let timeout = self.timeout
        for (i, r) in requests.enumerated() {
            slots.wait()
            group.enter()
            var request = URLRequest(url: r.url)
            request.httpMethod = "POST"
            request.httpBody = Data(r.body)
            request.timeoutInterval = timeout
            for (k, v) in r.headers { request.setValue(v, forHTTPHeaderField: k) }
            let task = session.dataTask(with: request)
            answers.expect(task) { data, response, error in
                results.set(i, Self.outcome(data: data, response: response, error: error, timeout: timeout))
                slots.signal()
                group.leave()
            }
            task.resume()
        }
        group.wait()
        return results.all
    }

    /// The retry policy's view of an HTTP exchange.
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
        let status = http.statusCode
        // One line: every line break becomes a space. Not just "\n": a CRLF body ("maintenance\r\nback soon") left
        // its "\r" behind, and a carriage return in a reason overwrites the start of the line it is printed on.
        let snippet = data.map { String(String(decoding: $0.prefix(200), as: UTF8.self).map { $0.isNewline ? " " : $0 }) } ?? ""
        switch status {
        case 200..<300:
            return .accepted(status: status)
        case 429, 503:
            let after = RetryAfter.seconds(http.value(forHTTPHeaderField: "Retry-After"), now: Date())
            return .transient(reason: "HTTP \(status)" + (snippet.isEmpty ? "" : ": \(snippet)"), retryAfter: after)
        case 408, 500..<600:
            return .transient(reason: "HTTP \(status)" + (snippet.isEmpty ? "" : ": \(snippet)"), retryAfter: nil)
        default:
            return .rejected(status: status, reason: snippet.isEmpty ? "no body" : snippet)
        }
    }

    private static func seconds(_ t: Double) -> String {
        t == t.rounded() ? "\(Int(t))s" : "\(t)s"
    }
}

/// The session's delegate: keeps at most `answerPrefixBytes` of each answer, and refuses redirects. A signed delivery goes to the URL in the catalog and nowhere else: a redirect is
/// answered as the 3xx it is (a misconfigured endpoint, not retried) instead of being followed, possibly as a
/// GET, elsewhere.
private final class Answers: NSObject, URLSessionDataDelegate, @unchecked Sendable {  // guarded by `lock`
    typealias Completion = @Sendable (Data?, URLResponse?, (any Error)?) -> Void
    private struct Pending {
        var data = Data()
        var response: URLResponse?
        var cut = false
        let done: Completion
    }
    private let lock = NSLock()
    private var pending: [Int: Pending] = [:]

    func expect(_ task: URLSessionTask, done: @escaping Completion) {
        lock.lock(); pending[task.taskIdentifier] = Pending(done: done); lock.unlock()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void) {
        // Foundation buffers an allowed body whatever the delegate does with it, and does not stop reading when
        // the task is cancelled mid-body: so a body is allowed only when it says it is small. A larger or
        // unannounced one is not read at all; the message says so instead of quoting it.
        let length = response.expectedContentLength
        let small = length >= 0 && length <= Int64(WebhookClient.answerPrefixBytes)
        lock.lock()
        pending[dataTask.taskIdentifier]?.response = response
        if !small {
            pending[dataTask.taskIdentifier]?.cut = true
            pending[dataTask.taskIdentifier]?.data = Data((length >= 0 ? "(an answer of \(length) bytes, not read)" : "(an answer of unannounced length, not read)").utf8)
        }
        lock.unlock()
        completionHandler(small ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        lock.lock()
        var cancel = false
        if var p = pending[dataTask.taskIdentifier], !p.cut {
            p.data.append(data.prefix(WebhookClient.answerPrefixBytes - p.data.count))
            if p.data.count >= WebhookClient.answerPrefixBytes {
                p.cut = true
                cancel = true
            }
            pending[dataTask.taskIdentifier] = p
        }
        lock.unlock()
        // Enough for the message: the rest is not read at all.
        if cancel { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.lock()
        let p = pending.removeValue(forKey: task.taskIdentifier)
        lock.unlock()
        guard let p else { return }
        // A cancellation of ours, after the prefix, is an answer like any other.
        p.done(p.data, p.response ?? task.response, p.cut ? nil : error)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}

/// Results written by URLSession's callback threads.
private final class Outcomes: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var values: [AttemptOutcome?]

    init(count: Int) { values = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ o: AttemptOutcome) {
        lock.lock(); values[i] = o; lock.unlock()
    }

    var all: [AttemptOutcome] {
        lock.lock(); defer { lock.unlock() }
        return values.map { $0 ?? .transient(reason: "no outcome", retryAfter: nil) }
    }
}
