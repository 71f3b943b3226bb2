#if canImport(Glibc)
import Glibc
#endif

/// Buffered writing to a file descriptor: achievements go out in 64 KiB writes, not one syscall per line.
final class Output: @unchecked Sendable {  // used from the main thread only
    private let fd: Int32
    private var buffer: [UInt8] = []
    private(set) var failed = false

    static let stdout = Output(fd: 1)
    static let stderr = Output(fd: 2, bufferSize: 0)

    private let bufferSize: Int

    init(fd: Int32, bufferSize: Int = 1 << 16) {
        self.fd = fd
        self.bufferSize = bufferSize
        buffer.reserveCapacity(bufferSize + 1024)
    }

    func line(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        buffer.append(0x0A)
        if buffer.count >= bufferSize { flush() }
    }

    /// One line whose bytes `body` appends (a newline follows), without an intermediate string.
    func line(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        buffer.append(0x0A)
        if buffer.count >= bufferSize { flush() }
    }

    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count >= bufferSize { flush() }
    }

    func flush() {
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
    func close() {
        flush()
        if fd > 2 { _ = Glibc.close(fd) }
    }

    deinit { flush() }
}

/// Messages for people on stderr.
func printError(_ s: String) {
    Output.stderr.line(s)
}
