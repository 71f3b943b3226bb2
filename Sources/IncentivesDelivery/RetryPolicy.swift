import IncentivesCore
import Foundation

/// What one attempt to hand a delivery to a partner came to.
public enum AttemptOutcome: Sendable, Equatable {
    /// A 2xx: the partner has it. Only this marks a delivery delivered.
    case accepted(status: Int)
    /// A 4xx other than 408 and 429 (or a redirect): sending the same request again cannot help.
    case rejected(status: Int, reason: String)
    /// A timeout, a refused connection, a 5xx, a 408 or a 429: worth trying again, after `retryAfter`
    /// seconds when the partner said so.
    case transient(reason: String, retryAfter: Double?)
}

/// When to try again, as a pure function of the attempt count, the outcome and a random number, so
/// tests can pin every decision.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts in all, the first included; after the last one the delivery is marked failed.
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry, in seconds; it doubles with every attempt.
    public var base: Double
    /// No backoff grows past this.
    public var cap: Double
    /// A partner's Retry-After is honoured up to this; a larger one is a misconfiguration, not a plan.
    public var maxRetryAfter: Double

    public init(maxAttempts: Int = 8, base: Double = 1, cap: Double = 300, maxRetryAfter: Double = 3600) {
        self.maxAttempts = max(1, maxAttempts)
        self.base = base
        self.cap = cap
        self.maxRetryAfter = maxRetryAfter
    }

    public enum Decision: Sendable, Equatable {
        case delivered
        case retry(at: Double, reason: String)
        case fail(reason: String)
    }

    /// The ceiling of the wait after the `attempt`-th attempt (1-based): min(cap, base·2^(attempt-1)).
    public func ceiling(afterAttempt attempt: Int) -> Double {
        let exponent = Double(min(max(attempt - 1, 0), 62))
        return min(cap, base * pow(2, exponent))
    }

    /// Full jitter: a uniform wait in [0, ceiling). Spreading retries stops every sender that saw the same
    /// outage from hitting the recovering partner in the same second.
    public func backoff(afterAttempt attempt: Int, random: Double) -> Double {
        ceiling(afterAttempt: attempt) * min(max(random, 0), 1)
    }

    /// `attempt` is the number of attempts made, this one included; `random` is uniform in [0, 1).
    public func decide(_ outcome: AttemptOutcome, attempt: Int, now: Double, random: Double) -> Decision {
        switch outcome {
        case .accepted:
            return .delivered
        case .rejected(let status, let reason):
            return .fail(reason: "HTTP \(status), not retried: \(reason)")
        case .transient(let reason, let retryAfter):
            guard attempt < maxAttempts else { return .fail(reason: "gave up after \(attempt) attempts: \(reason)") }
            var wait = backoff(afterAttempt: attempt, random: random)
            if let retryAfter { wait = max(wait, min(max(retryAfter, 0), maxRetryAfter)) }
            return .retry(at: now + wait, reason: reason)
        }
    }
}

/// Reads a Retry-After header: delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
public enum RetryAfter {
    public static func seconds(_ header: String?, now: Date) -> Double? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        // delay-seconds is digits only (RFC 9110): `Int(_:)` would also take "+5" or "-0".
        if text.utf8.allSatisfy({ (48...57).contains($0) }) { return Int(text).map(Double.init) }
        // An HTTP-date is printable ASCII. Anything else never reaches DateFormatter, which traps on some of it
        // (corelibs Foundation: "Incorrect range CFRange" for "Sun Nov \u{742}…"; found by FuzzWebhookResponse):
        // a partner's header must not be able to crash the deliverer.
        guard text.utf8.allSatisfy({ (0x20..<0x7F).contains($0) }) else { return nil }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        // IMF-fixdate first; the two obsolete forms are still allowed for recipients.
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            f.dateFormat = format
            if let date = f.date(from: text) { return max(0, date.timeIntervalSince(now)) }
        }
        return nil
    }
}
