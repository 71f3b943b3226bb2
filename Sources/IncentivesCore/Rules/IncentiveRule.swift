/// How an incentive turns qualifying events into awards. One type per `kind` in the catalog.
///
/// To add a kind (say "N events in a calendar month"): write one type conforming to `IncentiveRule`
/// (its parameters are decoded from the incentive's JSON object, with errors that carry the JSON path),
/// give it a `RuleProgress` class, and list the type in `RuleKinds.all`. The engine, the store, the
/// console and the input decoder need no change.
public protocol IncentiveRule: Sendable, Decodable {
    /// The catalog's `kind` string.
    static var kind: String { get }
    /// A short phrase for people: "5 days in a row", "4 days within 7".
    var summary: String { get }
    /// Parameters as name/value pairs, for tables and exports (`days=5`).
    var parameters: [(String, Int)] { get }
    /// Fresh progress for one user and one reward. `span` is the range of local days that can count
    /// (program ∩ eligibility); nil when no day can.
    func makeProgress(span: ClosedRange<LocalDate>?) -> any RuleProgress
    /// Progress restored from `RuleProgress.encode(into:)`.
    func decodeProgress(span: ClosedRange<LocalDate>?, from reader: inout ByteReader) throws -> any RuleProgress
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
}

public struct ProgressStatus: Sendable, Equatable {
    public let done: Int
    public let needed: Int
    /// The latest local day that counted, if any.
    public let lastDay: LocalDate?

    public init(done: Int, needed: Int, lastDay: LocalDate?) {
        self.done = done
        self.needed = needed
        self.lastDay = lastDay
    }
}

/// Every kind the catalog may name. Adding a kind adds one line here.
public enum RuleKinds {
    public static let all: [any IncentiveRule.Type] = [
        SingleEventRule.self,
        StreakRule.self,
        DaysInWindowRule.self,
    ]

    public static func type(named kind: String) -> (any IncentiveRule.Type)? {
        all.first { $0.kind == kind }
    }
}
