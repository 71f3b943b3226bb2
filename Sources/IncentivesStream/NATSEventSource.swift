import CNATS
import Foundation
import IncentivesCore
import IncentivesInput
#if canImport(Glibc)
import Glibc
#endif

/// A JetStream stream as the ingest's `EventSource`: one event JSON object per message, in stream order.
///
/// The position is the stream sequence of the last message taken; the store commits it with each batch and
/// hands it back on the next run, and the source then reads from the message after it. The consumer is an
/// ephemeral *ordered* consumer (no acknowledgements, no redelivery, the library recreates it after a gap or a
/// reconnection) created at that sequence: the server's own bookkeeping never decides where an ingest resumes,
/// the database does. A message at or before the position (a redelivery) is skipped by sequence, so it can
/// never be taken twice.
///
/// Batches end on size (`batchSize` messages) or on time (`flushInterval` after the batch's first message),
/// so that a trickle of events is committed within a fraction of a second. Poison messages (not JSON, bad
/// fields, too long) become rejects labelled with their sequence, like a bad line; they never stop the stream.
/// The source ends when `shouldStop` says so (SIGTERM: after the batch in hand) or, with `idleExit`, once
/// nothing arrived for that long.
public final class NATSEventSource: EventSource {
    public let url: NATSStreamURL
    public let subject: String
    private let connection: NATSConnection
    public var batchSize = 50_000
    /// Seconds from a batch's first message to its hand-over at the latest.
    public var flushInterval = 0.05
    /// Stop once nothing new arrived for this many seconds and every message the server held was taken (nil:
    /// follow the stream until stopped). 0: read what the stream holds, then stop.
    public var idleExit: Double?
    /// Polled between messages (at least every `pollInterval`): true ends the source after the batch in hand.
    public var shouldStop: () -> Bool = { false }
    static let pollInterval = 0.1

    /// Connects and checks that the stream exists: `StreamError` (`unreachable`, `noStream`, `refused`) otherwise.
    public init(url: NATSStreamURL, subject: String = NATSStreamURL.defaultSubject) throws {
        self.url = url
        self.subject = subject
        connection = try NATSConnection(url, name: "incentives ingest")
        identity = "created \(try connection.requireStream())"
    }

    /// The stream's creation time: recorded with the position, so that a stream made again under the same name
    /// (its sequences start over) is not resumed at the old position (`SourceReplacedError`).
    public let identity: String?

    public var displayName: String { url.display }
    public var lineLabel: String { "seq " }
    public var commitsEachBatch: Bool { true }

    public func forEachBatch(after position: SourcePosition, progress: ((Int64) -> Void)?,
                             _ body: ([EventStream.Item]) throws -> Bool) throws {
        let after = UInt64(max(0, position.offset))
        let streamName = strdup(url.stream)
        defer { free(streamName) }
        var sub: OpaquePointer?
        /// Whether every message of the subject the server held was taken (an idle exit waits for it): from the
        /// consumer's pending count when it is made, then from each message's.
        var caughtUp = false
        /// An ephemeral ordered consumer from the message after `seq`.
        func subscribe(after seq: UInt64) throws {
            var code = jsErrCode(0)
            var options = jsSubOptions()
            jsSubOptions_Init(&options)
            options.Stream = UnsafePointer(streamName)
            options.Ordered = true
            if seq > 0 {
                options.Config.DeliverPolicy = js_DeliverByStartSequence
                options.Config.OptStartSeq = seq + 1
            } else {
                options.Config.DeliverPolicy = js_DeliverAll
            }
            let s = js_SubscribeSync(&sub, connection.js, subject, &connection.jsOpts, &options, &code)
            try connection.check(s, "cannot read subject \(subject) of the stream" + (code == JSConsumerFilterNotSubsetErr ? ": the stream does not take it (--subject)" : ""),
                                 kind: code == JSConsumerFilterNotSubsetErr ? .mismatch : .failed)
            _ = natsSubscription_SetPendingLimits(sub, 1_000_000, 1 << 30)
            var info: UnsafeMutablePointer<jsConsumerInfo>?
            // Unknown (no answer): not caught up, and the idle exit waits for the idle time after the messages that come.
            caughtUp = natsSubscription_GetConsumerInfo(&info, sub, &connection.jsOpts, &code) == NATS_OK && info?.pointee.NumPending == 0
            if let info { jsConsumerInfo_Destroy(info) }
        }
        func unsubscribe() {
            guard let s = sub else { return }
            natsSubscription_Unsubscribe(s) // the ephemeral consumer goes with it
            natsSubscription_Destroy(s)
            sub = nil
        }
        try subscribe(after: after)
        defer { unsubscribe() }

        let decoder = EventLineDecoder()
        var items: [EventStream.Item] = []
        items.reserveCapacity(min(batchSize, 8192))
        var last = after
        var batchStarted = 0.0
        var lastArrival = Self.now()

        func handOver() throws -> Bool {
            guard !items.isEmpty else { return true }
            let batch = items
            items.removeAll(keepingCapacity: true)
            progress?(Int64(last))
            return try body(batch)
        }

        while true {
            if shouldStop() { _ = try handOver(); return }
            let now = Self.now()
            let wait: Double
            if items.isEmpty {
                wait = min(Self.pollInterval, idleExit.map { max(0.001, lastArrival + $0 - now) } ?? Self.pollInterval)
            } else {
                wait = max(0.001, min(Self.pollInterval, batchStarted + flushInterval - now))
            }
            var msg: OpaquePointer?
            let s = natsSubscription_NextMsg(&msg, sub, Int64((wait * 1000).rounded(.up)))
            if s == NATS_OK, let msg {
                defer { natsMsg_Destroy(msg) }
                var meta: UnsafeMutablePointer<jsMsgMetaData>?
                try connection.check(natsMsg_GetMetaData(&meta, msg), "a message without its stream sequence")
                let seq = meta!.pointee.Sequence.Stream
                caughtUp = meta!.pointee.NumPending == 0
                jsMsgMetaData_Destroy(meta)
                lastArrival = Self.now()
                guard seq > last else { continue } // taken already: a redelivery never counts twice
                last = seq
                if items.isEmpty { batchStarted = lastArrival }
                let length = Int(natsMsg_GetDataLength(msg))
                let event: Result<Event, Rejection>
                if length > LineReader.maxLineLength {
                    event = .failure(Rejection(.tooLong, field: nil, "message longer than \(LineReader.maxLineLength) bytes"))
                } else {
                    event = decoder.decode(Self.trimmed(UnsafeRawBufferPointer(start: natsMsg_GetData(msg), count: length)))
                }
                items.append(EventStream.Item(line: Int(seq), nextOffset: Int64(seq), event: event))
                if items.count >= batchSize || Self.now() - batchStarted >= flushInterval {
                    if try !handOver() { return }
                }
            } else if s == NATS_SLOW_CONSUMER {
                // The library dropped messages it could not hold: what was taken is handed over, and a new
                // consumer starts after it, so that nothing dropped is lost.
                if try !handOver() { return }
                unsubscribe()
                try subscribe(after: last)
            } else if s == NATS_TIMEOUT || s == NATS_MISSED_HEARTBEAT {
                // Nothing yet (or the library is recreating the ordered consumer: it resumes after `last` itself).
                let now = Self.now()
                if !items.isEmpty && now - batchStarted >= flushInterval {
                    if try !handOver() { return }
                }
                // Idle: nothing for that long, and everything the server held when the ingest came was taken (so
                // that `--idle-exit 0` reads what the stream holds, then stops). Missed a pending count: twice the
                // idle time, at least a second, ends it anyway.
                if items.isEmpty, let idleExit, now - lastArrival >= idleExit, caughtUp || now - lastArrival >= max(2 * idleExit, 1) { return }
            } else {
                _ = try handOver() // what arrived is committed before the error ends the ingest
                try connection.check(s, "reading the stream failed")
            }
        }
    }

    /// The message without a trailing line end (a publisher may send the line with its newline).
    static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var n = bytes.count
        while n > 0, bytes[n - 1] == 0x0A || bytes[n - 1] == 0x0D { n -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[0..<n])
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
