/// How an incentive turns qualifying events into awards. One type per `kind` in the catalog.
///
/// A kind describes itself completely, so that nothing outside its own file names it or one of its
/// parameters: the catalog decoder, the engine, the store, the tables, the console and the generator
/// only ever go through these requirements. To add a kind (say "N days in a calendar quarter"): write one
/// type conforming to `IncentiveRule` with its `RuleProgress`, and list the type in `RuleKinds.all`.
public protocol IncentiveRule: Sendable, Decodable {
    // MARK: What it is

    /// The catalog's `kind` string.
    static var kind: String { get }
    /// Typical, valid settings of this kind: the tests that run every kind, and help texts, use them.
    static var examples: [Self] { get }
    /// The parameters in their outward form, for tables and exports (`days=5`). Decoding reads the same
    /// names from the incentive's JSON object (`init(from:)`, which ends with `validated(from:)`).
    var parameters: [RuleParameter] { get }
    /// Whether the parameters make sense together. The error names the parameter at fault, so the
    /// catalog's refusal carries its JSON path (`incentives[2].days: ...`).
    func validate() throws(RuleParameterError)

    // MARK: For people

    /// What it asks, in a few words: "5 days in a row", "4 of any 7 days".
    var summary: String { get }
    /// How qualifying days belong together toward one award, for the why-not summary (`WhyNotSummary`): runs
    /// that a long enough gap breaks, calendar periods, or nothing (one event earns).
    var dayGrouping: DayGrouping { get }
    /// A status of this kind's progress in words: "day 3 of 5", "2 of 3 days in March".
    func describe(_ status: ProgressStatus) -> String
    /// The fewest local days, from `day` on, on which one qualifying event each earns an award starting
    /// from no progress (the simulator plays them).
    func daysThatEarn(from day: LocalDate) -> [LocalDate]
    /// What would earn the next award as of `today`, for people: "log tomorrow, Wed 4 Mar, to finish 5 in a
    /// row"; "the run broke on Sun 1 Mar: no log that day". `progress` is nil when nothing counts yet; `span`
    /// the days that can count (program ∩ eligibility). The default names `daysThatEarn`.
    func nextStep(_ progress: (any RuleProgress)?, today: LocalDate, span: ClosedRange<LocalDate>) -> String

    // MARK: Evaluation

    /// Fresh progress for one user and one reward. `span` is the range of local days that can count
    /// (program ∩ eligibility); nil when no day can.
    func makeProgress(span: ClosedRange<LocalDate>?) -> any RuleProgress
    /// Progress restored from `RuleProgress.encode(into:)`. Bytes that this kind with these parameters
    /// and this span could not have written throw.
    func decodeProgress(span: ClosedRange<LocalDate>?, from reader: inout ByteReader) throws -> any RuleProgress
}

extension IncentiveRule {
    /// This rule once `validate()` accepts it; otherwise a decoding error at the parameter's key, which
    /// the catalog decoder turns into `incentives[2].days: must be ...`. A kind's `init(from:)` ends with it.
    public func validated(from decoder: any Decoder) throws -> Self {
        do {
            try validate()
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [ParameterKey(error.parameter)],
                                                    debugDescription: error.reason))
        }
        return self
    }

    public func nextStep(_ progress: (any RuleProgress)?, today: LocalDate, span: ClosedRange<LocalDate>) -> String {
        let days = daysThatEarn(from: max(today, span.lowerBound))
        guard let first = days.first, let last = days.last else { return "nothing more to do" }
        return days.count == 1 ? "log on \(DayFormat.short(first))" : "log on \(days.count) days, e.g. \(DayFormat.short(first)) to \(DayFormat.short(last))"
    }

    /// The status of a user with no progress yet: nothing done toward the first award, as of `today`.
    public func freshStatus(today: LocalDate?) -> ProgressStatus {
        makeProgress(span: nil).status(today: today)
    }
}

/// A parameter's key in the incentive's JSON object, for error paths.
private struct ParameterKey: CodingKey {
    let stringValue: String
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// One qualifying event as a rule sees it: its id and the user's local day it falls on.
public struct QualifyingEvent: Sendable {
    public let id: String
    public let day: LocalDate

    public init(id: String, day: LocalDate) {
        self.id = id
        self.day = day
    }
}

/// One piece of evidence for an award.
public enum EvidenceItem: Sendable, Equatable {
    /// The first arriving qualifying event of this local day (the engine knows which one it was),
    /// as the day-counting kinds need (CONTRACT §3).
    case firstEventOn(LocalDate)
    /// This very event.
    case event(QualifyingEvent)
}

extension QualifyingEvent: Equatable {
    public static func == (a: QualifyingEvent, b: QualifyingEvent) -> Bool { a.id == b.id && a.day == b.day }
}

/// The evidence of one award, in day order.
public typealias Evidence = [EvidenceItem]

/// A user's progress toward one reward. Mutable and owned by the engine (one per user and reward).
public protocol RuleProgress: AnyObject {
    /// Counts one qualifying event, in arrival order. Returns the evidence when it earns an award;
    /// the progress then no longer counts that evidence toward later awards of the same reward.
    /// Rules that count days return `.firstEventOn(day)`: the engine keeps each day's first events
    /// once per user rather than once per reward.
    func record(_ event: QualifyingEvent) -> Evidence?
    /// How far along the next award is, for people: `done` of `needed`, as of `today` (nil: the latest day seen).
    func status(today: LocalDate?) -> ProgressStatus
    /// Days that counted so far, and those already used as evidence (for calendars).
    var countedDays: [LocalDate] { get }
    var usedDays: [LocalDate] { get }
    func encode(into writer: inout ByteWriter)
    /// How this progress holds `day` now, before an event on it is counted (for explanations: "counted",
    /// "day-already-counted", ...). The default reads `countedDays` and `usedDays`; a kind whose days can
    /// stop counting for another reason (an earned period) says so itself.
    func regard(_ day: LocalDate) -> DayRegard
}

extension RuleProgress {
    public func regard(_ day: LocalDate) -> DayRegard {
        if usedDays.contains(day) { return .used }
        return countedDays.contains(day) ? .counted : .notCounted
    }
}

/// How a rule's progress holds one local day.
public enum DayRegard: Sendable, Equatable {
    /// Not counted yet: an event on it adds a day.
    case notCounted
    /// Counted toward the next award: another event on it adds nothing.
    case counted
    /// Evidence of an earlier award of this reward: it never counts again for it.
    case used
    /// In a stretch (a calendar period) that already earned its one award: it cannot count.
    case stretchEarned(ClosedRange<LocalDate>)
}

public struct ProgressStatus: Sendable, Equatable {
    public let done: Int
    public let needed: Int
    /// The latest local day that counted, if any.
    public let lastDay: LocalDate?
    /// The days `done` was counted in, for a kind that counts within a stretch people name (a calendar
    /// week or month); nil for the others.
    public let within: ClosedRange<LocalDate>?

    public init(done: Int, needed: Int, lastDay: LocalDate?, within: ClosedRange<LocalDate>? = nil) {
        self.done = done
        self.needed = needed
        self.lastDay = lastDay
        self.within = within
    }
}

/// Every kind the catalog may name. Adding a kind adds one line here.
public enum RuleKinds {
    public static let all: [any IncentiveRule.Type] = [
        SingleEventRule.self,
        StreakRule.self,
        DaysInWindowRule.self,
        DaysInPeriodRule.self,
    ]

    public static func type(named kind: String) -> (any IncentiveRule.Type)? {
        all.first { $0.kind == kind }
    }
}
