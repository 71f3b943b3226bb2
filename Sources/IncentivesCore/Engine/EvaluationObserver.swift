/// Watches one event's way through the engine's gates and rules (`Engine.evaluate`), without changing it.
///
/// The engine has one evaluation: `record` runs it with `SilentObserver` (every call an empty inline function
/// that the optimiser removes), `recordExplaining` with `FindingCollector`. So an explanation is what decided,
/// not a second model of the rules.
protocol EvaluationObserver {
    /// The event stopped at a gate: for every reward (`slot` nil) or for reward `slot` of the employer.
    mutating func stopped(_ gate: GateStop, slot: Int?)
    /// The event passed every gate and is about to be counted by `rule`.
    mutating func willRecord(_ day: LocalDate, in rule: any RuleProgress, slot: Int)
    /// `rule` counted the event and it earned nothing.
    mutating func recorded(_ day: LocalDate, in rule: any RuleProgress, slot: Int)
    mutating func earned(_ achievement: Achievement, slot: Int)
    /// The award slot `slot` just earned added `points`: the program's total now, and the next tier.
    mutating func addedPoints(_ points: Int, total: Int, next: Tier?, slot: Int)
    /// That total reached a tier: its achievement, right after the award that crossed it.
    mutating func reachedTier(_ achievement: Achievement, slot: Int)
}

/// The hot path's observer: sees nothing.
struct SilentObserver: EvaluationObserver {
    @inline(__always) mutating func stopped(_ gate: GateStop, slot: Int?) {}
    @inline(__always) mutating func willRecord(_ day: LocalDate, in rule: any RuleProgress, slot: Int) {}
    @inline(__always) mutating func recorded(_ day: LocalDate, in rule: any RuleProgress, slot: Int) {}
    @inline(__always) mutating func earned(_ achievement: Achievement, slot: Int) {}
    @inline(__always) mutating func addedPoints(_ points: Int, total: Int, next: Tier?, slot: Int) {}
    @inline(__always) mutating func reachedTier(_ achievement: Achievement, slot: Int) {}
}

/// Why an event did not reach a reward's rule: the gates, in the order the engine checks them.
public enum GateStop: Sendable, Equatable {
    case noEmployer
    case notEligible
    case wrongType
    case categoryNotCounted
    case beforeProgram
    case afterProgram
    case limitReached

    init(_ verdict: SlotGate.Verdict) {
        switch verdict {
        case .wrongType: self = .wrongType
        case .categoryNotCounted: self = .categoryNotCounted
        case .beforeProgram: self = .beforeProgram
        case .afterProgram, .admitted: self = .afterProgram
        }
    }
}

/// What became of one event for one reward, as the engine saw it.
public enum SlotFinding: Sendable {
    /// Stopped at a gate; `slot` nil when the gate is the user's own (no employer, not eligible).
    case stopped(GateStop, slot: Int?)
    /// The rule counted a new day and nothing was earned yet: the progress after it.
    case counted(slot: Int, status: ProgressStatus)
    /// The rule had this day already, as `regard` tells (counted, used by an award, or in an earned period);
    /// the progress, unchanged.
    case alreadyHad(slot: Int, regard: DayRegard, status: ProgressStatus)
    case earned(slot: Int, Achievement)
    /// The award slot `slot` earned added points (CONTRACT §1 "Points and tiers").
    case pointsAdded(slot: Int, points: Int, total: Int, next: Tier?)
    /// The points reached a tier.
    case tierReached(slot: Int, Achievement)
}

/// Collects the findings of one event, for `Engine.recordExplaining`.
struct FindingCollector: EvaluationObserver {
    var findings: [SlotFinding] = []
    /// How the rule regarded the day before counting it.
    private var before: DayRegard = .notCounted

    mutating func stopped(_ gate: GateStop, slot: Int?) { findings.append(.stopped(gate, slot: slot)) }

    mutating func willRecord(_ day: LocalDate, in rule: any RuleProgress, slot: Int) { before = rule.regard(day) }

    mutating func recorded(_ day: LocalDate, in rule: any RuleProgress, slot: Int) {
        let status = rule.status(today: day)
        findings.append(before == .notCounted ? .counted(slot: slot, status: status) : .alreadyHad(slot: slot, regard: before, status: status))
    }

    mutating func earned(_ achievement: Achievement, slot: Int) { findings.append(.earned(slot: slot, achievement)) }

    mutating func addedPoints(_ points: Int, total: Int, next: Tier?, slot: Int) {
        findings.append(.pointsAdded(slot: slot, points: points, total: total, next: next))
    }

    mutating func reachedTier(_ achievement: Achievement, slot: Int) { findings.append(.tierReached(slot: slot, achievement)) }
}
