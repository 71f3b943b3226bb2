import CMemoryHints

/// Everything the engine remembers about one user: per reward slot of their employer, how many
/// times they earned it and their progress toward the next award; and once for all slots, the first
/// event of each (local day, type, category), from which day-counting evidence is named.
///
/// Both lists live in buffers this object owns rather than in Swift arrays: an array keeps its length
/// in its own storage, one more memory access that must finish before the end of the list can even be
/// found. Here address and length sit in this object, so the engine can prefetch a user's state a few
/// events ahead in stages (`prefetchState`): this object, then its lists, then the slots' rules.
final class MemberProgress {
    struct SlotState {
        var awards: Int
        var rule: (any RuleProgress)?
    }

    /// The first event of one (day, type, category). Sorted by day; within a day, in arrival order.
    ///
    /// The day log is most of a user's state (a few entries a day for the whole program), so an entry is packed
    /// into 24 bytes rather than 32: the type and the category share one word.
    struct DayFirst {
        var id: String
        var day: Int32
        /// The type's index (top 4 bits) and the `CategoryCodes` code + 1 (low 28 bits; 0 for none). Codes stay
        /// far below 2²⁸: each is a distinct category string the engine holds in memory.
        private var kind: UInt32

        init(day: Int32, type: EventType, category: Int32, id: String) {
            self.id = id
            self.day = day
            kind = DayFirst.kind(type, category)
        }

        @inline(__always)
        static func kind(_ type: EventType, _ category: Int32) -> UInt32 {
            UInt32(type.index) << 28 | (UInt32(truncatingIfNeeded: category &+ 1) & 0x0FFF_FFFF)
        }

        var type: EventType { EventType(index: Int(kind >> 28)) }
        /// A `CategoryCodes` code; -1 for none.
        var category: Int32 { Int32(kind & 0x0FFF_FFFF) - 1 }

        func isOf(_ type: EventType, _ category: Int32) -> Bool { kind == DayFirst.kind(type, category) }
    }

    /// One state per reward slot of the user's employer, in catalog order.
    let slots: UnsafeMutableBufferPointer<SlotState>
    /// Points per program id, for programs whose rewards carry points (empty for most users: no cost to them).
    var ledgers: [String: PointsLedger] = [:]
    private var log: UnsafeMutablePointer<DayFirst>
    private var logCount = 0
    private var logCapacity: Int

    init(slots: Int) {
        self.slots = .allocate(capacity: slots)
        self.slots.initialize(repeating: SlotState(awards: 0, rule: nil))
        logCapacity = 16
        log = .allocate(capacity: logCapacity)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
        log.deinitialize(count: logCount)
        log.deallocate()
    }

    /// The first events by day, oldest day first.
    var dayLog: UnsafeBufferPointer<DayFirst> { UnsafeBufferPointer(start: log, count: logCount) }

    /// Adds an entry at the end (restoring saved progress, which is already in order).
    func appendToLog(_ entry: DayFirst) {
        reserveLog(logCount + 1)
        (log + logCount).initialize(to: entry)
        logCount += 1
    }

    func reserveLog(_ capacity: Int) {
        guard capacity > logCapacity else { return }
        let bigger = UnsafeMutablePointer<DayFirst>.allocate(capacity: max(capacity, logCapacity * 2))
        bigger.moveInitialize(from: log, count: logCount)
        log.deallocate()
        log = bigger
        logCapacity = max(capacity, logCapacity * 2)
    }

    /// Remembers `id` if it is the first event of its day, type and category.
    func noteFirst(day: Int32, type: EventType, category: Int32, id: String) {
        var i = logCount
        while i > 0, log[i - 1].day > day { i -= 1 }
        var j = i
        while j > 0, log[j - 1].day == day {
            if log[j - 1].isOf(type, category) { return }
            j -= 1
        }
        reserveLog(logCount + 1)
        // Late events insert before later days; moveInitialize handles the overlapping shift.
        (log + i + 1).moveInitialize(from: log + i, count: logCount - i)
        (log + i).initialize(to: DayFirst(day: day, type: type, category: category, id: id))
        logCount += 1
    }

    /// The first arriving event of `day` that `admits` accepts.
    func firstEvent(on day: Int32, where admits: (EventType, Int32) -> Bool) -> String? {
        var i = logCount
        while i > 0, log[i - 1].day >= day { i -= 1 }
        while i < logCount, log[i].day == day {
            if admits(log[i].type, log[i].category) { return log[i].id }
            i += 1
        }
        return nil
    }

    // MARK: - Prefetching (hints only: nothing here changes state)

    /// Stage 2, once this object is in cache: the end of the day log (where an event's day is looked up
    /// and most often added) and the slot states.
    @inline(__always)
    func prefetchLists() {
        incentives_prefetch_for_write(log + max(0, logCount - 1))
        incentives_prefetch_for_write(slots.baseAddress)
    }

    /// Stage 3, once the slot states are in cache: each slot's rule progress. Reads each reference as a
    /// plain word: a class-bound existential begins with its object pointer (0 when nil), and copying the
    /// existential would retain it, which waits on the very memory being prefetched.
    @inline(__always)
    func prefetchRules() {
        guard let base = slots.baseAddress, let offset = MemoryLayout<SlotState>.offset(of: \.rule) else { return }
        let raw = UnsafeRawPointer(base)
        for i in 0..<slots.count {
            let word = raw.load(fromByteOffset: i * MemoryLayout<SlotState>.stride + offset, as: UInt.self)
            if word != 0 { incentives_prefetch_for_write(UnsafeRawPointer(bitPattern: word)) }
        }
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
    /// Saved progress is keyed by this (format 3): the employer, the program, the reward's name and what its
    /// incentive asks (`Incentive.definition`), so that it survives any catalog edit that keeps the reward's
    /// meaning (a limit, the program's dates, the order of rewards, names) and is left behind by one that
    /// changes it (5 days → 7 days). Computed when asked (saving and restoring progress): an engine built for one
    /// look-up makes every employer's slots and needs none of their keys.
    public var definitionKey: String {
        employer.id + "\u{1e}" + program.id + "\u{1e}" + reward.reward + "\u{1e}" + incentive.definition
    }

    public init(employer: Employer, program: Program, reward: Reward, rewardIndex: Int, incentive: Incentive) {
        self.employer = employer
        self.program = program
        self.reward = reward
        self.rewardIndex = rewardIndex
        self.incentive = incentive
    }

    /// The key of saved progress formats 1 and 2 (by position): read, never written.
    var key: String { "\(employer.id)\u{1f}\(program.id)\u{1f}\(rewardIndex)\u{1f}\(incentive.id)" }

    /// The local days on which this member can earn this reward, or nil when there are none.
    public func span(for member: Member) -> ClosedRange<LocalDate>? {
        let lo = max(program.starts, member.eligibleFrom, reward.countsFrom ?? program.starts)
        let hi = member.eligibleUntil.map { min(program.ends, $0) } ?? program.ends
        return lo <= hi ? lo...hi : nil
    }
}

/// A user's standing on one reward, for people (`incentives user`, the console).
public struct RewardStanding: Sendable {
    public let slot: RewardSlot
    public let awards: Int
    /// The progress toward the next award; nil when there is none (nothing counted yet, or the limit reached).
    public let status: ProgressStatus?
    /// What people see: `status`, or for a user with no progress, nothing done toward the first award.
    public let outlook: ProgressStatus
    public let countedDays: [LocalDate]
    public let usedDays: [LocalDate]

    public var limitReached: Bool { awards >= slot.reward.limit }

    /// The standing in words, by the rule: "day 3 of 5", "2 of 3 days in March".
    public var progressText: String { slot.incentive.rule.describe(outlook) }
}
