import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
@testable import IncentivesDelivery
import XCTest

final class RetryPolicyTests: XCTestCase {
    let policy = RetryPolicy(maxAttempts: 5, base: 2, cap: 30, maxRetryAfter: 600)

    func testCeilingDoublesUpToTheCap() {
        XCTAssertEqual((1...6).map { policy.ceiling(afterAttempt: $0) }, [2, 4, 8, 16, 30, 30])
        XCTAssertEqual(policy.ceiling(afterAttempt: 10_000), 30, "no overflow for absurd attempt counts")
    }

    func testFullJitterSpansZeroToTheCeiling() {
        XCTAssertEqual(policy.backoff(afterAttempt: 3, random: 0), 0)
        XCTAssertEqual(policy.backoff(afterAttempt: 3, random: 0.5), 4)
        XCTAssertEqual(policy.backoff(afterAttempt: 3, random: 0.999), 8 * 0.999, accuracy: 1e-9)
    }

    func testSuccessIsDelivered() {
        XCTAssertEqual(policy.decide(.accepted(status: 204), attempt: 1, now: 100, random: 0.5), .delivered)
    }

    func testTransientFailuresAreRetriedWithJitteredBackoff() {
        XCTAssertEqual(policy.decide(.transient(reason: "HTTP 500", retryAfter: nil), attempt: 2, now: 100, random: 0.25),
                       .retry(at: 101, reason: "HTTP 500"))
    }

    func testRetryAfterIsHonouredWhenLongerThanTheBackoffAndBounded() {
        XCTAssertEqual(policy.decide(.transient(reason: "HTTP 429", retryAfter: 20), attempt: 1, now: 100, random: 0.5),
                       .retry(at: 120, reason: "HTTP 429"))
        XCTAssertEqual(policy.decide(.transient(reason: "HTTP 429", retryAfter: 0), attempt: 3, now: 100, random: 0.5),
                       .retry(at: 104, reason: "HTTP 429"))
        XCTAssertEqual(policy.decide(.transient(reason: "HTTP 503", retryAfter: 86_400), attempt: 1, now: 0, random: 0),
                       .retry(at: 600, reason: "HTTP 503"))
    }

    func testClientErrorsFailAtOnce() {
        XCTAssertEqual(policy.decide(.rejected(status: 400, reason: "bad member"), attempt: 1, now: 0, random: 0),
                       .fail(reason: "HTTP 400, not retried: bad member"))
    }

    func testTheLastAttemptFailsWithTheReason() {
        XCTAssertEqual(policy.decide(.transient(reason: "timed out after 10s", retryAfter: nil), attempt: 5, now: 0, random: 0),
                       .fail(reason: "gave up after 5 attempts: timed out after 10s"))
    }

    func testRetryAfterParsesSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 784_111_777)  // Sun, 06 Nov 1994 08:49:37 GMT
        XCTAssertEqual(RetryAfter.seconds("120", now: now), 120)
        XCTAssertEqual(RetryAfter.seconds("Sun, 06 Nov 1994 08:51:37 GMT", now: now), 120)
        XCTAssertEqual(RetryAfter.seconds("Sun, 06 Nov 1994 08:40:00 GMT", now: now), 0, "a date in the past means now")
        XCTAssertNil(RetryAfter.seconds("-5", now: now))
        XCTAssertNil(RetryAfter.seconds("soon", now: now))
        XCTAssertNil(RetryAfter.seconds(nil, now: now))
    }

    func testHTTPStatusesMapToTheRightOutcome() {
        func outcome(_ status: Int, _ headers: [String: String] = [:]) -> AttemptOutcome {
            let r = HTTPURLResponse(url: URL(string: "http://127.0.0.1/")!, statusCode: status, httpVersion: "HTTP/1.1", headerFields: headers)
            return WebhookClient.outcome(data: Data("x".utf8), response: r, error: nil, timeout: 1)
        }
        XCTAssertEqual(outcome(200), .accepted(status: 200))
        XCTAssertEqual(outcome(500), .transient(reason: "HTTP 500: x", retryAfter: nil))
        XCTAssertEqual(outcome(429, ["Retry-After": "7"]), .transient(reason: "HTTP 429: x", retryAfter: 7))
        XCTAssertEqual(outcome(503, ["Retry-After": "3"]), .transient(reason: "HTTP 503: x", retryAfter: 3))
        XCTAssertEqual(outcome(404), .rejected(status: 404, reason: "x"))
        XCTAssertEqual(outcome(302), .rejected(status: 302, reason: "x"))
    }

    /// Found by Tests/Fuzz/ (FuzzWebhookResponse): this Retry-After made DateFormatter trap ("Incorrect range CFRange"),
    /// taking the deliverer down with it. A header that is not printable ASCII is no HTTP-date: ignored.
    func testARetryAfterThatIsNotAnHTTPDateCannotCrashTheDeliverer() {
        let header = String(decoding: [0x53, 0x75, 0x6e, 0x20, 0x4e, 0x6f, 0x76, 0x20, 0xdd, 0x82, 0xf1, 0xfd, 0x3d] as [UInt8], as: UTF8.self)
        XCTAssertNil(RetryAfter.seconds(header, now: Date()))
        XCTAssertNil(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT\u{301}", now: Date()))
        XCTAssertEqual(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:37 GMT", now: Date(timeIntervalSince1970: 0)).map { $0 > 0 }, true)
        let r = HTTPURLResponse(url: URL(string: "http://127.0.0.1/")!, statusCode: 503, httpVersion: "HTTP/1.1", headerFields: ["Retry-After": header])
        XCTAssertEqual(WebhookClient.outcome(data: Data(), response: r, error: nil, timeout: 1), .transient(reason: "HTTP 503", retryAfter: nil))
    }

    /// Found by Tests/Fuzz/ (FuzzWebhookResponse): a CRLF body kept its "\r" in the one-line reason.
    func testAReasonIsOneLineWhateverTheBodysLineBreaks() {
        func outcome(_ status: Int, _ body: [UInt8]) -> AttemptOutcome {
            let r = HTTPURLResponse(url: URL(string: "http://127.0.0.1/")!, statusCode: status, httpVersion: "HTTP/1.1", headerFields: [:])
            return WebhookClient.outcome(data: Data(body), response: r, error: nil, timeout: 1)
        }
        XCTAssertEqual(outcome(503, Array("maintenance\r\nback soon".utf8)), .transient(reason: "HTTP 503: maintenance back soon", retryAfter: nil))
        XCTAssertEqual(outcome(400, Array("a\rb\nc\u{2028}d\u{0B}e\u{85}f".utf8)), .rejected(status: 400, reason: "a b c d e f"))
    }
}
