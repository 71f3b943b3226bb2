/// Everything the engine remembers about one user: per reward slot of their employer, how many
/// times they earned it and their progress toward the next award.
final class MemberProgress {
    var awards: [Int]
    var progress: [(any RuleProgress)?]

    init(slots: Int) {
        awards = Array(repeating: 0, count: slots)
        progress = Array(repeating: nil, count: slots)
    }
}

/// One reward of one program of one employer, flattened in catalog order: the order in which
/// one event's achievements are recorded (CONTRACT §3).
public struct RewardSlot: Sendable {
    public let employer: Employer
    public let program: Program
    public let reward: Reward
    public let rewardIndex: Int
    public let incentive: Incentive

    /// A name for this slot that survives catalog edits that keep it: saved progress is keyed by it.
    public var key: String { "\(employer.id)\u{1f}\(program.id)\u{1f}\(rewardIndex)\u{1f}\(incentive.id)" }

    /// The local days on which this member can earn this reward, or nil when there are none.
    public func span(for member: Member) -> ClosedRange<LocalDate>? {
        let lo = max(program.starts, member.eligibleFrom)
        let hi = member.eligibleUntil.map { min(program.ends, $0) } ?? program.ends
        return lo <= hi ? lo...hi : nil
    }
}

/// A user's standing on one reward, for people (`incentives user`, the console).
public struct RewardStanding: Sendable {
    public let slot: RewardSlot
    public let awards: Int
    public let status: ProgressStatus?
    public let countedDays: [LocalDate]
    public let usedDays: [LocalDate]

    public var limitReached: Bool { awards >= slot.reward.limit }
}
