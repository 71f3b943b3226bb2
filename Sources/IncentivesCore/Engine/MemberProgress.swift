/// Everything the engine remembers about one user: per reward slot of their employer, how many
/// times they earned it and their progress toward the next award; and once for all slots, the first
/// event of each (local day, type, category), from which day-counting evidence is named.
final class MemberProgress {
    struct SlotState {
        var awards: Int
        var rule: (any RuleProgress)?
    }

    /// The first event of one (day, type, category). Sorted by day; within a day, in arrival order.
    struct DayFirst {
        var day: Int32
        var type: EventType
        /// A `CategoryCodes` code; -1 for none.
        var category: Int32
        var id: String
    }

    var slots: ContiguousArray<SlotState>
    var dayLog: ContiguousArray<DayFirst> = []

    init(slots: Int) {
        self.slots = ContiguousArray(repeating: SlotState(awards: 0, rule: nil), count: slots)
    }

    /// Remembers `id` if it is the first event of its day, type and category.
    func noteFirst(day: Int32, type: EventType, category: Int32, id: String) {
        var i = dayLog.count
        while i > 0, dayLog[i - 1].day > day { i -= 1 }
        var j = i
        while j > 0, dayLog[j - 1].day == day {
            if dayLog[j - 1].type == type && dayLog[j - 1].category == category { return }
            j -= 1
        }
        dayLog.insert(DayFirst(day: day, type: type, category: category, id: id), at: i)
    }

    /// The first arriving event of `day` that `admits` accepts.
    func firstEvent(on day: Int32, where admits: (EventType, Int32) -> Bool) -> String? {
        var i = dayLog.count
        while i > 0, dayLog[i - 1].day >= day { i -= 1 }
        while i < dayLog.count, dayLog[i].day == day {
            if admits(dayLog[i].type, dayLog[i].category) { return dayLog[i].id }
            i += 1
        }
        return nil
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
