import Dispatch
import IncentivesCore

/// Parsing on several threads: the reading thread only splits the file into lines (`memchr`) and copies a batch of
/// them into one buffer with their numbers and offsets; the batch is then cut into as many line-aligned slices as
/// there are parsers, each parsed by its own simdjson parser on its own thread, and the slices' items are joined
/// in slice order. So the items, their line numbers and offsets are exactly `EventStream.forEach`'s, in file order.
///
/// Why slices of a batch rather than simdjson's `parse_many`: a line is validated on its own (a broken line is one
/// reject, with its number), which `parse_many` over a batch does not give without a second pass, and the field
/// checks (`EventLineDecoder`: instants, types, NUL) cost as much as the parse and need threads anyway.
final class ParallelLineParser {
    /// One decoder per slice: a simdjson parser is used by one thread at a time.
    private let decoders: [EventLineDecoder]

    init(parsers: Int) {
        precondition(parsers >= 1, "at least one parser")
        decoders = (0..<parsers).map { _ in EventLineDecoder() }
    }

    var parsers: Int { decoders.count }

    /// A batch of raw lines: their bytes back to back, and where each one is.
    struct RawBatch {
        var bytes: [UInt8] = []
        var lines: [RawLine] = []
        var isEmpty: Bool { lines.isEmpty }
    }

    struct RawLine {
        let start: Int
        /// -1: the line was longer than `LineReader.maxLineLength` (a reject, no bytes kept).
        let count: Int
        let line: Int
        let offset: Int64
        let nextOffset: Int64
    }

    /// The items of a raw batch, in its order, parsed over `parsers` threads.
    func parse(_ batch: RawBatch) -> [EventStream.Item] {
        let n = batch.lines.count
        let slices = min(decoders.count, max(1, n / Self.minimumSlice))
        if slices == 1 { return Array(unsafeUninitializedCapacity: n) { buffer, count in
            Self.parse(batch, 0..<n, decoders[0], into: SharedSlots(base: buffer.baseAddress!))
            count = n
        } }
        // Each slice's items are written in place, in the batch's one array: no per-slice lists joined after (which
        // held every item twice for a moment). Slices are long, so threads share a cache line only at their ends.
        return Array(unsafeUninitializedCapacity: n) { buffer, count in
            let out = SharedSlots(base: buffer.baseAddress!)
            let work = ParseWork(batch: batch, decoders: decoders)
            DispatchQueue.concurrentPerform(iterations: slices) { s in
                Self.parse(work.batch, (s * n / slices)..<((s + 1) * n / slices), work.decoders[s], into: out)
            }
            count = n
        }
    }

    /// Below this many lines a slice is not worth a thread's wake-up.
    static let minimumSlice = 512

    /// Parses lines `range` of the batch into the same places of `out` (uninitialized memory, initialized here).
    private static func parse(_ batch: RawBatch, _ range: Range<Int>, _ decoder: EventLineDecoder, into out: SharedSlots<EventStream.Item>) {
        batch.bytes.withUnsafeBytes { raw in
            for i in range {
                let l = batch.lines[i]
                let event: Result<Event, Rejection>
                if l.count < 0 {
                    event = .failure(Rejection(.tooLong, field: nil, "line longer than \(LineReader.maxLineLength) bytes"))
                } else {
                    event = decoder.decode(UnsafeRawBufferPointer(rebasing: raw[l.start..<(l.start + l.count)]))
                }
                (out.base + i).initialize(to: EventStream.Item(line: l.line, offset: l.offset, nextOffset: l.nextOffset, event: event))
            }
        }
    }
}

extension EventStream {
    /// `forEach`'s lines, unparsed, a batch at a time (blank lines skipped, overlong ones marked): what the reading
    /// thread does when others parse. `progress` as `forEach`'s.
    func forEachRawBatch(batchSize: Int, progress: ((Int64) -> Void)?, _ body: (ParallelLineParser.RawBatch) -> Bool) throws {
        let fd = try InputFile.open(path)
        let reader = try LineReader(fd: fd, ownsDescriptor: path != "-", startLine: startLine, startOffset: startOffset)
        var batch = ParallelLineParser.RawBatch()
        batch.lines.reserveCapacity(batchSize)
        batch.bytes.reserveCapacity(batchSize * 128)
        var sinceProgress = 0
        var stopped = false
        var ramp = BatchRamp(full: batchSize)
        do {
            try reader.forEachLine { line in
                sinceProgress += 1
                if sinceProgress >= 65_536 { sinceProgress = 0; progress?(reader.offset) }
                if let bytes = line.bytes {
                    if LineSplitter.isBlank(bytes) { return true }
                    batch.lines.append(.init(start: batch.bytes.count, count: bytes.count, line: line.number, offset: line.offset, nextOffset: reader.offset))
                    batch.bytes.append(contentsOf: bytes)
                } else {
                    batch.lines.append(.init(start: batch.bytes.count, count: -1, line: line.number, offset: line.offset, nextOffset: reader.offset))
                }
                if batch.lines.count >= ramp.current {
                    ramp.grow()
                    guard body(batch) else { stopped = true; return false }
                    batch.lines.removeAll(keepingCapacity: true)
                    batch.bytes.removeAll(keepingCapacity: true)
                }
                return true
            }
        } catch {
            // The lines read before a failure are handed over first, as `forEach` does.
            if !batch.isEmpty { _ = body(batch) }
            throw error
        }
        if !stopped && !batch.isEmpty { _ = body(batch) }
        if !stopped { progress?(reader.offset) }
    }
}

/// Slots each parsing thread writes once.
private struct SharedSlots<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

/// What the parsing threads read: each thread uses one decoder only.
private struct ParseWork: @unchecked Sendable {
    let batch: ParallelLineParser.RawBatch
    let decoders: [EventLineDecoder]
}
