#if canImport(Glibc)
import Glibc
#endif

/// Buffered writing to a file descriptor: achievements go out in 64 KiB writes, not one syscall per line.
///
/// Standard output and standard error are read by people, so what is written there for people (`line`,
/// `write`) passes through `TerminalText.safe`: a control or bidi character from data is shown escaped,
/// whichever command or message put it there, and whether or not the output is a terminal right now (a
/// table saved to a file is read with `cat` later). Data for programs (`dataLine`: JSON lines, CSV) stays
/// exact, except on a terminal, where a JSON line escapes those characters the JSON way (`\u202e`: the
/// same string to any parser) and CSV shows them as a table would.
public final class Output: @unchecked Sendable {  // used from the main thread only
    private let fd: Int32
    private var buffer: [UInt8] = []
    public private(set) var failed = false
    /// Whether people read what `line` and `write` print: standard output and standard error.
    private let forPeople: Bool
    /// Whether the descriptor is a terminal now, where even data lines must not carry raw controls.
    private let isTerminal: Bool

    public static let stdout = Output(fd: 1)
    public static let stderr = Output(fd: 2, bufferSize: 0)

    private let bufferSize: Int

    public init(fd: Int32, bufferSize: Int = 1 << 16) {
        self.fd = fd
        self.bufferSize = bufferSize
        forPeople = fd == 1 || fd == 2
        isTerminal = isatty(fd) == 1
        buffer.reserveCapacity(bufferSize + 1024)
    }

    /// A line for people (a message, a row of a table): escaped, newlines inside it included.
    public func line(_ s: String) {
        buffer.append(contentsOf: (forPeople ? TerminalText.safe(s) : s).utf8)
        buffer.append(0x0A)
        if buffer.count >= bufferSize { flush() }
    }

    /// A line of data for programs, exact but on a terminal.
    public func dataLine(_ s: String, format: DataFormat) {
        if isTerminal {
            buffer.append(contentsOf: (format == .json ? Self.jsonSafe(s) : TerminalText.safe(s)).utf8)
        } else {
            buffer.append(contentsOf: s.utf8)
        }
        buffer.append(0x0A)
        if buffer.count >= bufferSize { flush() }
    }

    public enum DataFormat: Sendable { case json, csv }

    /// One JSON line whose bytes `body` appends (a newline follows), without an intermediate string.
    public func line(_ body: (inout [UInt8]) -> Void) {
        guard isTerminal else {
            body(&buffer)
            buffer.append(0x0A)
            if buffer.count >= bufferSize { flush() }
            return
        }
        var bytes: [UInt8] = []
        body(&bytes)
        dataLine(String(decoding: bytes, as: UTF8.self), format: .json)
    }

    /// Text for people that spans lines of our own (help): escaped, but its newlines kept.
    public func write(_ s: String) {
        buffer.append(contentsOf: (forPeople ? TerminalText.safe(s, keepingNewlines: true) : s).utf8)
        if buffer.count >= bufferSize { flush() }
    }

    /// Our own terminal control sequences (the progress bar's carriage return and erase), never data.
    public func control(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= bufferSize { flush() }
    }

    /// A JSON text with the characters a terminal acts on written as `\uXXXX` escapes. Outside strings JSON
    /// holds only ASCII punctuation, digits and letters, so escaping every such character is still the same JSON.
    public static func jsonSafe(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: TerminalText.isHazard) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if TerminalText.isHazard(u) {
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    public func flush() {
        var start = 0
        buffer.withUnsafeBytes { raw in
            while start < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + start, raw.count - start)
                if n < 0 {
                    if errno == EINTR { continue }
                    failed = true
                    return
                }
                start += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and closes the descriptor (for files this type opened).
    public func close() {
        flush()
        if fd > 2 { _ = Glibc.close(fd) }
    }

    deinit { flush() }
}

/// Messages for people on stderr.
public func printError(_ s: String) {
    Output.stderr.line(s)
}
