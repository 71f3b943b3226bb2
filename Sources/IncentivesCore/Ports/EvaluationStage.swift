/// The evaluation stage of a store whose ingest only admits (PostgreSQL's inbox): workers that evaluate the stored
/// events a user partition at a time through the one intake. How a worker runs, and what it did.

public struct EvaluationOptions: Sendable {
    /// Events of one partition per transaction.
    public var batch = 50_000
    /// Stop once every partition is evaluated and no ingest is writing (else wait for new events).
    public var untilDrained = false
    /// The longest wait between looks at the inbox while there is nothing to do. A notification of a change —
    /// events committed, an ingest ending, a worker joining or leaving — ends it sooner; the limit only bounds how
    /// late a change nobody announced is seen (a worker killed, an ingest that died).
    public var idle: Double = 1

    public init() {}
}

/// What a worker has done so far.
public struct EvaluationReport: Sendable {
    public var events = 0
    public var achievements = 0
    public var batches = 0
    /// The partitions it holds now.
    public var partitions: [Int] = []
    /// How many times it took a partition (a takeover from a dead worker included).
    public var taken = 0

    public init() {}
}
