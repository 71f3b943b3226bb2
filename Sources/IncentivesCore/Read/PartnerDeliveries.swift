/// One delivery of one achievement to one partner, as support staff see it.
public struct DeliveryRecord: Sendable, Equatable {
    public let id: String
    public let partner: String
    public let achievementID: String
    public let user: String
    public let reward: String
    public let status: DeliveryStatus
    public let attempts: Int
    public let lastError: String?

    public init(id: String, partner: String, achievementID: String, user: String, reward: String,
                status: DeliveryStatus, attempts: Int, lastError: String?) {
        self.id = id
        self.partner = partner
        self.achievementID = achievementID
        self.user = user
        self.reward = reward
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
    }
}

/// One partner's deliveries: how many wait, arrived, failed, and the failures themselves.
public struct PartnerDeliveries: Sendable {
    public let partnerID: String
    public let partnerName: String
    public let pending: Int
    public let delivered: Int
    public let failed: Int
    public let lastError: String?
    /// The failed ones (newest first), which the console lists and can retry.
    public let failures: [DeliveryRecord]

    public init(partnerID: String, partnerName: String, pending: Int, delivered: Int, failed: Int, lastError: String?, failures: [DeliveryRecord]) {
        self.partnerID = partnerID
        self.partnerName = partnerName
        self.pending = pending
        self.delivered = delivered
        self.failed = failed
        self.lastError = lastError
        self.failures = failures
    }
}
