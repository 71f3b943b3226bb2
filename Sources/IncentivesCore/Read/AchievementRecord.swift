/// A recorded achievement with its place in the recording order. The achievement itself carries its
/// instants as instants and its evidence as a list, so no reader parses a stored JSON line back.
public struct AchievementRecord: Sendable, Equatable {
    /// Recording order across all ingests.
    public let seq: Int64
    public let achievement: Achievement
    /// The catalog version current when it was earned.
    public let catalogVersion: Int

    public init(seq: Int64, achievement: Achievement, catalogVersion: Int = 1) {
        self.seq = seq
        self.achievement = achievement
        self.catalogVersion = catalogVersion
    }

    public var id: String { achievement.id }
    /// The contract's JSON line, exactly as `replay` prints it.
    public var jsonLine: String { achievement.jsonLine }
}

/// One evidence event of an achievement, with the day it counted for.
public struct EvidenceRecord: Sendable, Equatable {
    public let position: Int
    public let eventID: String
    public let day: LocalDate
    /// The event itself (nil only if it was never stored, which ingest does not allow).
    public let event: EventRecord?

    public init(position: Int, eventID: String, day: LocalDate, event: EventRecord?) {
        self.position = position
        self.eventID = eventID
        self.day = day
        self.event = event
    }
}
