/// Everything that happened to one user's events, reward by reward, and what each reward needs next.
public struct Explanation: Sendable {
    public let member: Member
    /// The local day "next steps" were judged on.
    public let today: LocalDate
    /// In arrival order: for each event, one line per reward of the user's employer (or one line without a
    /// reward when the event stopped before any: no employer, not eligible, duplicate, refused).
    public var lines: [ExplanationLine]
    /// One per reward of the user's employer (and of a program asked about that the employer does not run).
    public var rewards: [RewardOutlook]
    /// The rewards the lines name, by `ExplanationLine.slotIndex`: the user's employer's in catalog order, then
    /// those of a program asked about that the employer does not run. (An index rather than a copy per line:
    /// a reward carries the catalog's strings, and a year of a user's lines is tens of thousands of them.)
    public let slots: [RewardSlot]

    /// The reward a line is about; nil when it is about every reward.
    public func slot(of line: ExplanationLine) -> RewardSlot? { line.slotIndex.map { slots[$0] } }

    /// The lines and rewards of one program, one reward (its name or its incentive id) and days from `since` on.
    /// Lines without a reward concern every reward and stay.
    public func filtered(program: String? = nil, reward: String? = nil, since: LocalDate? = nil) -> Explanation {
        let filter = ExplanationFilter(program: program, reward: reward, since: since)
        guard !filter.keepsAll else { return self }
        let kept = slots.map(filter.keeps)
        var e = self
        e.lines = lines.filter { filter.keeps($0, slotKept: kept) }
        e.rewards = rewards.filter { filter.keeps($0.slot) }
        return e
    }
}

/// Which lines and rewards of an explanation are shown: one program, one reward (its name or its incentive id),
/// days from `since` on. Line by line, so that a streamed explanation is filtered as it goes.
public struct ExplanationFilter: Sendable {
    public let program: String?
    public let reward: String?
    public let since: LocalDate?

    public init(program: String? = nil, reward: String? = nil, since: LocalDate? = nil) {
        self.program = program
        self.reward = reward
        self.since = since
    }

    public var keepsAll: Bool { program == nil && reward == nil && since == nil }

    /// Lines without a reward concern every reward and stay.
    public func keeps(_ slot: RewardSlot?) -> Bool {
        guard let slot else { return true }
        return (program.map { slot.program.id == $0 } ?? true)
            && (reward.map { slot.reward.reward == $0 || slot.incentive.id == $0 } ?? true)
    }

    /// `slotKept`: `keeps` of each of the explanation's slots, worked out once.
    public func keeps(_ line: ExplanationLine, slotKept: [Bool]) -> Bool {
        guard line.slotIndex.map({ slotKept[$0] }) ?? true else { return false }
        guard let since, let day = line.event.localDay else { return true }
        return day >= since
    }
}

/// One event as the explanation names it: what arrived and where from.
public struct ExplainedEvent: Sendable {
    /// nil for a line refused before its id could be read.
    public let id: String?
    public let type: EventType?
    public let category: String?
    public let at: Instant?
    /// The user's local day of `at`.
    public let localDay: LocalDate?
    /// Where the line came from: the file as it was named and its line number, when known.
    public let file: String?
    public let line: Int?

    public init(id: String?, type: EventType?, category: String?, at: Instant?, localDay: LocalDate?, file: String?, line: Int?) {
        self.id = id
        self.type = type
        self.category = category
        self.at = at
        self.localDay = localDay
        self.file = file
        self.line = line
    }
}

/// One event and one reward (nil: every reward) and what came of it.
public struct ExplanationLine: Sendable {
    public let event: ExplainedEvent
    /// The reward, in `Explanation.slots`; nil for every reward.
    public let slotIndex: Int?
    public let outcome: Outcome
}

/// Where a user stands on one reward and what would earn it next.
public struct RewardOutlook: Sendable {
    public enum State: String, Sendable {
        /// More awards can still be earned.
        case open
        /// Every award the program allows is earned.
        case limitReached = "limit-reached"
        /// No day left that counts: the program or the eligibility is over (or they never overlap).
        case closed
        /// The user's employer does not run the program.
        case notOffered = "employer-not-in-program"
    }

    public let slot: RewardSlot
    public let state: State
    public let awards: Int
    /// The rule's words for the progress toward the next award ("day 2 of 5").
    public let standing: String
    /// The rule's words for what would earn the next award; nil unless open.
    public let next: String?
    /// The last local day that counts (program end or eligibility end, whichever is first).
    public let deadline: LocalDate?
    /// Why the deadline is that day: "program end" or "eligibility end".
    public let deadlineReason: String?

    /// The whole outlook for people.
    public var sentence: String {
        let limit = slot.reward.limit
        var parts: [String] = []
        switch state {
        case .limitReached: return "earned \(awards) of \(limit): limit reached"
        case .notOffered: return "the user's employer does not run this program"
        case .closed:
            parts.append(deadline.map { "closed: the last day that counted was \(Outcome.dayName($0)) (\(deadlineReason ?? ""))" }
                         ?? "closed: the program and the user's eligibility never overlap")
            if awards > 0 { parts.append("earned \(awards) of \(limit)") }
            return parts.joined(separator: "; ")
        case .open:
            parts.append(standing)
            if awards > 0 { parts.append("earned \(awards) of \(limit)") }
            if let next { parts.append(next) }
            if let deadline { parts.append("last day that counts \(Outcome.dayName(deadline)) (\(deadlineReason ?? ""))") }
            return parts.joined(separator: "; ")
        }
    }
}
