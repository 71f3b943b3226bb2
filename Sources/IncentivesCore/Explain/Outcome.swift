/// What became of one event for one reward, in the one vocabulary support staff, QA, the CLI and the console
/// share: a stable `code` for scripts and tests, and a `sentence` for people.
///
/// The codes are the contract of `incentives why --format jsonl`: add new ones, never rename one.
/// The cases that carry an award are `indirect`: an explanation holds one outcome per event and reward, and an
/// award inline would make every one of them as large as an award.
public enum Outcome: Sendable, Equatable {
    /// The event earned the reward: the award, with its evidence.
    indirect case earned(Achievement)
    /// The award just earned carried points: the program total now, and the next tier not reached yet (nil when
    /// every tier is reached or the program has none).
    case pointsAdded(points: Int, total: Int, next: Tier?)
    /// The program total reached a tier (CONTRACT §3 "Tiers"): the tier's achievement, with its evidence.
    indirect case tierReached(Achievement)
    /// A new day toward the next award; `standing` is the rule's own words after it ("day 3 of 5").
    case counted(standing: String)
    /// The day already counted for this reward (an earlier event that day): nothing added.
    case dayAlreadyCounted(standing: String)
    /// The day is evidence of an earlier award of this reward (named when the explanation saw it).
    indirect case dayAlreadyUsed(by: Achievement?)
    /// The calendar stretch holding the day already earned its one award.
    indirect case periodAlreadyEarned(within: ClosedRange<LocalDate>, by: Achievement?)
    /// The user has every award of this reward the program allows.
    case limitReached(limit: Int)
    case beforeProgram(starts: LocalDate)
    case afterProgram(ends: LocalDate)
    /// The event's local day is outside the user's eligibility: it counts for no reward.
    case notEligible(from: LocalDate, until: LocalDate?)
    case wrongType(type: EventType, counts: EventType)
    case categoryNotCounted(category: String?, counted: [String])
    /// The user has no employer: events are kept and never earn.
    case noEmployer
    /// The program asked about is not one of the user's employer's.
    case employerNotInProgram(employer: String?, program: String)
    /// Never reached the engine: the same event (id and content) was accepted before.
    case duplicate
    /// Never reached the engine: the id was accepted before with other content.
    case conflict(Rejection)
    /// Never reached the engine: the line was refused.
    case rejected(Rejection)

    public var code: String {
        switch self {
        case .earned: return "earned"
        case .pointsAdded: return "points-added"
        case .tierReached: return "tier-reached"
        case .counted: return "counted"
        case .dayAlreadyCounted: return "day-already-counted"
        case .dayAlreadyUsed: return "day-already-used"
        case .periodAlreadyEarned: return "period-already-earned"
        case .limitReached: return "limit-reached"
        case .beforeProgram: return "before-program"
        case .afterProgram: return "after-program"
        case .notEligible: return "not-eligible"
        case .wrongType: return "wrong-type"
        case .categoryNotCounted: return "category-not-counted"
        case .noEmployer: return "no-employer"
        case .employerNotInProgram: return "employer-not-in-program"
        case .duplicate: return "duplicate"
        case .conflict: return "conflict"
        case .rejected: return "rejected"
        }
    }

    /// Every code, in the order above (for help texts and tests).
    public static let codes = ["earned", "points-added", "tier-reached", "counted", "day-already-counted", "day-already-used", "period-already-earned",
                               "limit-reached", "before-program", "after-program", "not-eligible", "wrong-type",
                               "category-not-counted", "no-employer", "employer-not-in-program", "duplicate", "conflict", "rejected"]

    /// The outcome for people. Dates are the user's local days.
    public var sentence: String {
        switch self {
        case .earned(let a):
            return "earned \(JSONText.quote(a.reward)) (award \(a.ordinal), completed \(Self.dayName(a.completedOn))); evidence "
                + Self.evidence(a)
        case .pointsAdded(let points, let total, let next):
            return "the award added \(points) point\(points == 1 ? "" : "s"): "
                + (next.map { "\(total) of \($0.points) to \($0.id)" } ?? "\(total) in all")
        case .tierReached(let a):
            return "reached tier \(JSONText.quote(a.tier ?? "")): \(JSONText.quote(a.reward)) (completed \(Self.dayName(a.completedOn))); evidence "
                + Self.evidence(a)
        case .counted(let standing):
            return "counted a new day: \(standing)"
        case .dayAlreadyCounted(let standing):
            return "this day already counted (an earlier event that day): nothing added, still \(standing)"
        case .dayAlreadyUsed(let award):
            return "this day is already evidence of an earlier award" + (award.map { " (award \($0.ordinal), completed \(Self.dayName($0.completedOn)))" } ?? "")
                + ": a day counts once per reward"
        case .periodAlreadyEarned(let within, let award):
            return "\(Self.dayName(within.lowerBound))–\(Self.dayName(within.upperBound)) already earned its one award"
                + (award.map { " (award \($0.ordinal), completed \(Self.dayName($0.completedOn)))" } ?? "")
        case .limitReached(let limit):
            return "the limit is reached: \(limit) award\(limit == 1 ? "" : "s") of this reward per user"
        case .beforeProgram(let starts):
            return "before the program starts on \(Self.dayName(starts))"
        case .afterProgram(let ends):
            return "after the program ended on \(Self.dayName(ends))"
        case .notEligible(let from, let until):
            return "outside the user's eligibility (\(Self.dayName(from)) to \(until.map(Self.dayName) ?? "open-ended")): counts for no reward"
        case .wrongType(let type, let counts):
            return "a \(type.rawValue) event does not count: this reward counts \(counts.rawValue)"
        case .categoryNotCounted(let category, let counted):
            return "category \(category.map(JSONText.quote) ?? "(none)") does not count: only " + counted.map(JSONText.quote).joined(separator: ", ") + " do"
        case .noEmployer:
            return "the user has no employer: events are kept and never earn"
        case .employerNotInProgram(let employer, let program):
            return "the user's employer \(employer.map(JSONText.quote) ?? "(none)") does not run program \(JSONText.quote(program))"
        case .duplicate:
            return "the same event was sent again: it changes nothing"
        case .conflict(let why), .rejected(let why):
            return why.description
        }
    }

    /// "Mon 2 Mar 2026".
    public static func dayName(_ d: LocalDate) -> String { "\(DayFormat.short(d)) \(DayFormat.year(d))" }

    /// "e-1 (Mon 2 Mar), e-3 (Tue 3 Mar)".
    static func evidence(_ a: Achievement) -> String {
        zip(a.evidence, a.evidenceDays).map { "\($0) (\(DayFormat.short($1)))" }.joined(separator: ", ")
    }
}
