/// Where one award stands with one partner: the "where is my pillow?" answer on the user page and in
/// `incentives user`. Read from the delivery outbox of either store (one row per award and partner), or made up
/// in memory where nothing is ever sent.
public struct AchievementDelivery: Sendable, Equatable {
    public let deliveryID: String
    public let achievementID: String
    public let partner: String
    public let status: DeliveryStatus
    /// Attempts made so far (a retry from the console starts again at 0; the last error is kept).
    public let attempts: Int
    public let lastError: String?
    /// Unix seconds: when a pending delivery is next tried. nil for a delivered or failed one (never tried again
    /// unless someone retries it).
    public let nextAttemptAt: Double?
    /// Unix seconds: when the partner accepted it.
    public let deliveredAt: Double?

    public init(deliveryID: String, achievementID: String, partner: String, status: DeliveryStatus, attempts: Int,
                lastError: String?, nextAttemptAt: Double?, deliveredAt: Double?) {
        self.deliveryID = deliveryID
        self.achievementID = achievementID
        self.partner = partner
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.nextAttemptAt = status == .pending ? nextAttemptAt : nil
        self.deliveredAt = status == .delivered ? deliveredAt : nil
    }

    /// One word for a narrow column: `sent`, `pending`, `retrying` (pending after a failed attempt), `failed`.
    public var state: String {
        switch status {
        case .delivered: return "sent"
        case .failed: return "failed"
        case .pending: return attempts > 0 || lastError != nil ? "retrying" : "pending"
        }
    }

    /// The whole answer for people: "sent to giftly 2026-11-25T10:12:00Z", "failed at giftly after 8 attempts:
    /// HTTP 422 from the partner", "retrying at giftly: 2 attempts, next 2026-11-25T10:15:00Z; last error: HTTP 503".
    /// The partner's answer is data: the screen or table that shows this sanitises it like any other text.
    public var sentence: String {
        let tries = "\(attempts) attempt\(attempts == 1 ? "" : "s")"
        switch status {
        case .delivered:
            return "sent to \(partner)" + (deliveredAt.map { " " + Self.instantText($0) } ?? "")
                + (attempts > 1 ? " after \(tries)" : "")
        case .failed:
            return "failed at \(partner) after \(tries)" + (lastError.map { ": " + $0 } ?? "") + " (retry: incentives deliver --retry \(deliveryID))"
        case .pending:
            var parts = [state == "retrying" ? "retrying at \(partner): \(tries)" : "pending at \(partner): not sent yet"]
            if let next = nextAttemptAt { parts[0] += ", next " + Self.instantText(next) }
            if let lastError { parts.append("last error: " + lastError) }
            return parts.joined(separator: "; ")
        }
    }

    /// Unix seconds as RFC 3339 UTC, to the second; a value no instant has (the store's numbers are data) as it is.
    public static func instantText(_ seconds: Double) -> String {
        guard seconds.isFinite, let whole = Int64(exactly: seconds.rounded(.down)), Instant.storable.contains(whole) else { return "\(seconds)" }
        return Instant(seconds: whole).rfc3339
    }
}

/// A store that can say where each of a user's awards stands in the delivery outbox. Both stores implement it in
/// an extension of their reader (`StoreReader+UserDeliveries`, `PGStoreReader+UserDeliveries`).
public protocol UserDeliveryReading: AnyObject {
    /// Every outbox row of the user's awards: in the awards' recording order, then by partner id.
    func deliveries(ofUser id: String) throws -> [AchievementDelivery]
}
