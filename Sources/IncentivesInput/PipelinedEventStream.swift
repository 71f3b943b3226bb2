import Foundation
import IncentivesCore

/// Reading and evaluating on two cores: a reader thread parses lines (simdjson, field checks; with `parsers` above
/// one it only splits them and that many threads parse each batch) and runs `prepare` on each item or each batch
/// (`replay`'s admission), while the caller's thread consumes the previous batch and hands it back to the reader to
/// free. Items arrive in file order, so rejects, achievements and line numbers are exactly those of
/// `EventStream.forEach`; memory stays bounded by a few batches in flight.
extension EventStream {
    public func forEachPipelined(batchSize: Int = 8192, progress: ((Int64) -> Void)? = nil,
                                 _ body: (Item) throws -> Bool) throws {
        try forEachPipelined(batchSize: batchSize, prepare: { $0 }, progress: progress, body)
    }

    /// `prepare` runs on the reader thread, in file order; `body` on the caller's, in the same order.
    public func forEachPipelined<Prepared>(batchSize: Int = 8192, prepare: @escaping @Sendable (Item) -> Prepared,
                                           progress: ((Int64) -> Void)? = nil,
                                           _ body: (Prepared) throws -> Bool) throws {
        try forEachBatchPipelined(batchSize: batchSize, prepare: prepare, progress: progress) { batch in
            for item in batch where try !body(item) { return false }
            return true
        }
    }

    /// The same, a whole batch at a time (in file order), for consumers that work on batches.
    public func forEachBatchPipelined<Prepared>(batchSize: Int = 8192, prepare: @escaping @Sendable (Item) -> Prepared,
                                                progress: ((Int64) -> Void)? = nil,
                                                _ body: ([Prepared]) throws -> Bool) throws {
        try forEachBatchPipelined(batchSize: batchSize, preparingBatch: { $0.map(prepare) }, progress: progress, body)
    }

    /// The same, each whole batch handed to `prepare` on the reader thread, in file order, and what it makes to
    /// `body` on the caller's. Work that only needs the batch's items (taking the events out of them, for one)
    /// belongs there: the caller's thread is the busier one, and the reader, a few batches ahead, would otherwise
    /// wait idle meanwhile.
    public func forEachBatchPipelined<Batch>(batchSize: Int = 8192, preparingBatch prepare: @escaping @Sendable ([Item]) -> Batch,
                                             progress: ((Int64) -> Void)? = nil,
                                             _ body: (Batch) throws -> Bool) throws {
        let channel = BatchChannel<Batch>(slots: 4)
        let stream = self
        let reader = Thread {
            if stream.parsers > 1 {
                // The reading thread splits lines; `parsers` threads parse each batch (ParallelLineParsing.swift).
                let parser = ParallelLineParser(parsers: stream.parsers)
                do {
                    try stream.forEachRawBatch(batchSize: batchSize, progress: { bytes in channel.progress(bytes) }) { raw in
                        channel.put(.batch(prepare(parser.parse(raw))))
                    }
                    _ = channel.put(.end(nil))
                } catch {
                    _ = channel.put(.end(error))
                }
                channel.readerFinished()
                return
            }
            // The first batches small (`BatchRamp`): the consumer starts as soon as a few thousand lines are parsed.
            var ramp = BatchRamp(full: batchSize)
            var batch: [Item] = []
            batch.reserveCapacity(ramp.current)
            do {
                try stream.forEach(progress: { bytes in channel.progress(bytes) }) { item in
                    batch.append(item)
                    if batch.count >= ramp.current {
                        guard channel.put(.batch(prepare(batch))) else { return false }
                        ramp.grow()
                        batch = []
                        batch.reserveCapacity(ramp.current)
                    }
                    return true
                }
                if !batch.isEmpty { _ = channel.put(.batch(prepare(batch))) }
                _ = channel.put(.end(nil))
            } catch {
                // The lines read before the error are handed over first: a read that fails part-way (a runaway
                // line, an I/O error) must not take the good lines before it along.
                if !batch.isEmpty { _ = channel.put(.batch(prepare(batch))) }
                _ = channel.put(.end(error))
            }
            channel.readerFinished()
        }
        reader.stackSize = 1 << 20
        reader.start()
        defer {
            channel.cancel()
            channel.waitForReader()
        }
        while true {
            let message = channel.take()
            if let bytes = channel.latestProgress() { progress?(bytes) }
            switch consume message {
            case .batch(let batch):
                let goOn = try body(batch)
                // Freeing a batch (its events' strings, one by one) is the reader's work, not this busier thread's:
                // the batch is handed over, not copied, so that the reader's reference is the last.
                channel.recycle(consume batch)
                if !goOn { return }
            case .end(let error):
                if let error { throw error }
                return
            }
        }
    }
}

extension EventStream.Item: @unchecked Sendable {}

/// A bounded queue of batches between the reader thread and the consumer.
private final class BatchChannel<Batch>: @unchecked Sendable {
    enum Message {
        case batch(Batch)
        case end((any Error)?)
    }

    private let lock = NSCondition()
    private var queue: [Message] = []
    private let slots: Int
    private var cancelled = false
    private var finished = false
    private var bytes: Int64?

    init(slots: Int) { self.slots = slots }

    /// Batches the consumer is done with, freed by the reader on its next `put`.
    private var spent: [Batch] = []

    /// Blocks while the queue is full. Returns false when the consumer has gone away.
    func put(_ m: Message) -> Bool {
        lock.lock()
        let done = spent
        spent = []
        lock.unlock()
        _ = consume done // freed here, on the reader's thread, outside the lock
        lock.lock(); defer { lock.unlock() }
        while queue.count >= slots && !cancelled { lock.wait() }
        guard !cancelled else { return false }
        queue.append(m)
        lock.broadcast()
        return true
    }

    func take() -> Message {
        lock.lock(); defer { lock.unlock() }
        while queue.isEmpty { lock.wait() }
        let m = queue.removeFirst()
        lock.broadcast()
        return m
    }

    /// Hands a batch the consumer is done with to the reader to free.
    func recycle(_ b: Batch) {
        lock.lock(); spent.append(b); lock.unlock()
    }

    func progress(_ b: Int64) {
        lock.lock(); bytes = b; lock.unlock()
    }

    func latestProgress() -> Int64? {
        lock.lock(); defer { lock.unlock() }
        defer { bytes = nil }
        return bytes
    }

    func cancel() {
        lock.lock(); cancelled = true; queue.removeAll(); lock.broadcast(); lock.unlock()
    }

    func readerFinished() {
        lock.lock(); finished = true; lock.broadcast(); lock.unlock()
    }

    func waitForReader() {
        lock.lock(); defer { lock.unlock() }
        while !finished { lock.wait() }
    }
}
