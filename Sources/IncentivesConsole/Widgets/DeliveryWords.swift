import IncentivesCore

/// How the user page words an award's deliveries (the outbox rows of its partners) in its narrow status column.
enum DeliveryWords {
    /// The worst state among the partners (failed, retrying, pending, sent), "-" when no partner ships the reward.
    static func state(_ deliveries: [AchievementDelivery]) -> String {
        guard !deliveries.isEmpty else { return "-" }
        for word in ["failed", "retrying", "pending"] where deliveries.contains(where: { $0.state == word }) { return word }
        return "sent"
    }

    static func style(_ d: AchievementDelivery) -> Style {
        switch d.status {
        case .delivered: return .good
        case .failed: return .bad
        case .pending: return .warn
        }
    }
}
