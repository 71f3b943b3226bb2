import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Opening input files, with the errors that `replay` maps to exit 66.
public enum InputFile {
    /// How a path is named in messages: as the user wrote it, `stdin` for `-`.
    public static func displayName(_ path: String) -> String { path == "-" ? "stdin" : path }

    /// A catalog or roster is read whole; past this it is not one (`/dev/zero`, a stream that never ends),
    /// and reading on would only fill memory.
    public static let maxWholeFileBytes = 1 << 30

    public static func readAll(_ path: String) throws(UnreadableInput) -> Data {
        let fd = try open(path)
        defer { if fd != 0 { close(fd) } }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw UnreadableInput(file: path, reason: "cannot be read (\(String(cString: strerror(errno))))")
            }
            if n == 0 { return data }
            guard data.count + n <= maxWholeFileBytes else {
                throw UnreadableInput(file: path, reason: "larger than \(maxWholeFileBytes >> 30) GiB: not a catalog or roster")
            }
            data.append(contentsOf: chunk[..<n])
        }
    }

    /// Opens a file for streaming (`-` is standard input).
    public static func open(_ path: String) throws(UnreadableInput) -> Int32 {
        if path == "-" { return 0 }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let why = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw UnreadableInput(file: path, reason: why)
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw UnreadableInput(file: path, reason: "is a directory, not a file")
        }
        return fd
    }
}

/// Splitting bytes into lines: `\n` ends a line, a `\r` before it is dropped.
public enum LineSplitter {
    public static func forEachLine(in bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        guard let base = bytes.baseAddress else { return }
        var start = 0
        let n = bytes.count
        while start < n {
            let rest = n - start
            let found = memchr(base + start, 0x0A, rest)
            let end = found.map { $0 - UnsafeMutableRawPointer(mutating: base) } ?? n
            body(trimCR(UnsafeRawBufferPointer(start: base + start, count: end - start)))
            start = end + 1
        }
    }

    static func trimCR(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if line.count > 0, line[line.count - 1] == 0x0D { return UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        return line
    }

    /// Blank lines (empty or only spaces and tabs) are skipped and not counted (CONTRACT §1).
    public static func isBlank(_ line: UnsafeRawBufferPointer) -> Bool {
        for b in line where b != 0x20 && b != 0x09 { return false }
        return true
    }
}
