import IncentivesCore

/// The ingest's source port (ARCHITECTURE: `EventSource`): event lines in their source's order, handed over in
/// batches of validated events or rejections, each line labelled for its reject and each batch ending at a
/// position the store commits in the same transaction as the batch (the offsets-in-the-database pattern: the
/// store, not the source, remembers how far an ingest got, so a restart resumes exactly after its last commit).
///
/// Two sources: a file or standard input (`EventStream`: the position is the line and byte offset reached) and a
/// live NATS JetStream stream (`IncentivesStream.NATSEventSource`: the position is the stream sequence, which
/// stands in the line number's place, in both `line` and `offset`).
public protocol EventSource {
    /// How the source is named in rejects and messages: never with credentials.
    var displayName: String { get }
    /// Put before a line's number in a reject: "" for a file (`FILE:LINE: REASON`), "seq " for a stream
    /// (`nats://HOST:PORT/STREAM:seq N: REASON`).
    var lineLabel: String { get }
    /// Whether the ingest commits each batch as it comes (a live stream: a batch is what arrived within the
    /// flush interval, so that a trickle of events is committed promptly) rather than gathering lines up to its
    /// batch size (a file).
    var commitsEachBatch: Bool { get }
    /// What tells this source from another under the same name, recorded with the position (a stream's
    /// creation time: a stream deleted and made again restarts its sequences, and resuming at the old position
    /// would skip its first messages). nil: nothing to check (a file has its own identity, `FileIdentity`).
    var identity: String? { get }
    /// Calls `body` with the items after `position`, in order, a batch at a time, until the source ends (a
    /// file's end; a stream's idle timeout or a stop request) or `body` returns false. `progress` gets the
    /// position reached now and then (bytes for a file).
    func forEachBatch(after position: SourcePosition, progress: ((Int64) -> Void)?, _ body: ([EventStream.Item]) throws -> Bool) throws
}

/// Where a source stands: the last line taken and the offset after it (a file), or the last stream sequence
/// taken, in both (a stream).
public struct SourcePosition: Sendable, Equatable {
    public var line: Int
    public var offset: Int64

    public init(line: Int, offset: Int64) {
        self.line = line
        self.offset = offset
    }
}

extension EventStream.Item {
    /// An item from a source other than a file: `line` labels its reject, `nextOffset` is the position reached
    /// once it is taken.
    public init(line: Int, nextOffset: Int64, event: Result<Event, Rejection>) {
        self.init(line: line, offset: nextOffset, nextOffset: nextOffset, event: event)
    }
}

/// The file source: the reader thread parses while the ingest takes the previous batch (`forEachBatchPipelined`).
extension EventStream: EventSource {
    public var lineLabel: String { "" }
    public var commitsEachBatch: Bool { false }
    public var identity: String? { nil }

    public func forEachBatch(after position: SourcePosition, progress: ((Int64) -> Void)?, _ body: ([EventStream.Item]) throws -> Bool) throws {
        var from = self
        from.startLine = position.line
        from.startOffset = position.offset
        try from.forEachBatchPipelined(prepare: { $0 }, progress: progress, body)
    }
}
