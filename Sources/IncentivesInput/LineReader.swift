import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Streams a file (or a pipe) line by line in large reads, in constant memory, numbering lines as
/// an editor does. Each line's bytes are valid only during the callback.
public final class LineReader {
    /// Lines longer than this are reported as too long and skipped, so one runaway line cannot
    /// exhaust memory.
    public static let maxLineLength = 1 << 20

    private let fd: Int32
    private let ownsDescriptor: Bool
    private var buffer: UnsafeMutableRawPointer
    private let capacity: Int
    /// Bytes consumed so far (the byte offset of the next unread line), for progress and resuming.
    public private(set) var offset: Int64 = 0

    public struct Line {
        /// 1-based physical line number (blank lines count here, though they are not "read").
        public let number: Int
        /// Byte offset of the line's first byte in the file.
        public let offset: Int64
        /// The line without its newline, or nil when it exceeded `maxLineLength`.
        public let bytes: UnsafeRawBufferPointer?
    }

    /// `startLine`/`startOffset`: resume after a point already processed (the store's checkpoint).
    public init(fd: Int32, ownsDescriptor: Bool = true, startLine: Int = 0, startOffset: Int64 = 0) throws {
        self.fd = fd
        self.ownsDescriptor = ownsDescriptor
        capacity = 4 << 20
        buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity + LineReader.maxLineLength + 1, alignment: 64)
        lineNumber = startLine
        if startOffset > 0 {
            if lseek(fd, off_t(startOffset), SEEK_SET) < 0 {
                // A pipe cannot seek: skip by reading.
                var toSkip = startOffset
                while toSkip > 0 {
                    let n = read(fd, buffer, Int(min(Int64(capacity), toSkip)))
                    guard n > 0 else { break }
                    toSkip -= Int64(n)
                }
            }
            offset = startOffset
        }
    }

    deinit {
        buffer.deallocate()
        if ownsDescriptor { close(fd) }
    }

    private var lineNumber: Int

    public struct ReadError: Error, CustomStringConvertible {
        public let reason: String
        public var description: String { reason }
    }

    /// A line with no end in sight gives up the reading: past this many bytes without a newline the input is
    /// not JSON lines (`/dev/zero`, a binary file, a stream that never sends a newline), and skipping on would
    /// never end. An over-long line shorter than this is only rejected, and reading goes on.
    public static let maxRunawayBytes: Int64 = 64 << 20

    /// The input stopped at a line that never ended (see `maxRunawayBytes`); lines before it were read.
    public struct RunawayLine: Error, CustomStringConvertible {
        public let line: Int
        public let bytes: Int64
        public var description: String {
            "line \(line): no end of line within \(LineReader.maxRunawayBytes >> 20) MiB; this is not a JSON-lines file, so reading stopped there"
        }
    }

    /// Calls `body` for every line until the end of input or until `body` returns false.
    public func forEachLine(_ body: (Line) throws -> Bool) throws {
        var filled = 0      // bytes in buffer
        var scanFrom = 0    // where the current line starts
        var skipping = false // inside a line longer than the limit
        var skipStart: Int64 = 0
        var eof = false
        while true {
            // Emit every complete line in the buffer.
            while true {
                let avail = filled - scanFrom
                guard avail > 0 else { break }
                let found = memchr(buffer + scanFrom, 0x0A, avail)
                guard let nl = found else { break }
                let end = nl - buffer
                let lineOffset = offset
                offset += Int64(end - scanFrom + 1)
                lineNumber += 1
                if skipping {
                    skipping = false
                    if try !body(Line(number: lineNumber, offset: skipStart, bytes: nil)) { return }
                } else if end - scanFrom > LineReader.maxLineLength {
                    if try !body(Line(number: lineNumber, offset: lineOffset, bytes: nil)) { return }
                } else {
                    let raw = UnsafeRawBufferPointer(start: buffer + scanFrom, count: end - scanFrom)
                    if try !body(Line(number: lineNumber, offset: lineOffset, bytes: LineSplitter.trimCR(raw))) { return }
                }
                scanFrom = end + 1
            }
            // Keep the partial line: move it to the front.
            let partial = filled - scanFrom
            if partial > LineReader.maxLineLength && !skipping {
                skipping = true
                skipStart = offset
            }
            if skipping {
                offset += Int64(partial)
                filled = 0
                if offset - skipStart > LineReader.maxRunawayBytes {
                    throw RunawayLine(line: lineNumber + 1, bytes: offset - skipStart)
                }
            } else {
                if scanFrom > 0 && partial > 0 { memmove(buffer, buffer + scanFrom, partial) }
                filled = partial
            }
            scanFrom = 0
            if eof {
                if filled > LineReader.maxLineLength { skipping = true; skipStart = offset }
                if filled > 0 || skipping {
                    lineNumber += 1
                    let raw = UnsafeRawBufferPointer(start: buffer, count: filled)
                    let lineOffset = skipping ? skipStart : offset
                    offset += Int64(filled)
                    _ = try body(Line(number: lineNumber, offset: lineOffset, bytes: skipping ? nil : LineSplitter.trimCR(raw)))
                }
                return
            }
            let n = read(fd, buffer + filled, capacity + LineReader.maxLineLength - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw ReadError(reason: String(cString: strerror(errno)))
            }
            if n == 0 { eof = true }
            filled += n
        }
    }
}
