/// An accepted event as a store holds it: its place in the log, the user's local day, and where it came from.
/// One type for every reader (the SQLite store, the console's in-memory data, the coming PostgreSQL store).
public struct EventRecord: Sendable, Equatable {
    /// Arrival order across all ingests (1, 2, 3...).
    public let seq: Int64
    public let event: Event
    /// The local day in the user's zone (nil when the user is no longer on the roster).
    public let localDay: LocalDate?
    /// The events file as it was named when ingested, and the line (nil and 0 when not from a file).
    public let file: String?
    public let line: Int

    public init(seq: Int64, event: Event, localDay: LocalDate?, file: String? = nil, line: Int = 0) {
        self.seq = seq
        self.event = event
        self.localDay = localDay
        self.file = file
        self.line = line
    }

    public var id: String { event.id }
    public var user: String { event.user }
    public var at: Instant { event.at }
}
