import Foundation
import IncentivesCore
#if canImport(Glibc)
import Glibc
#endif

/// Which file an ingest read, so that running the same ingest again resumes it: the path, device and
/// inode, and a digest of its first bytes (up to 4 KiB). A file appended to keeps its identity (the digest
/// is checked over the length recorded, which a growing file still has); a replaced file does not.
public struct FileIdentity: Sendable {
    public let absolutePath: String
    public let device: Int64
    public let inode: Int64
    public let size: Int64
    /// `LENGTH:DIGEST` of the first bytes.
    public let head: String
    private let path: String

    static let headLength = 4096

    /// nil for standard input and other streams that cannot be read twice.
    public init?(path: String) throws {
        guard path != "-" else { return nil }
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw UnreadableInputError(path: path, reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)))
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        self.path = path
        absolutePath = URL(fileURLWithPath: path).standardizedFileURL.path
        device = Int64(bitPattern: UInt64(st.st_dev))
        inode = Int64(bitPattern: UInt64(st.st_ino))
        size = Int64(st.st_size)
        head = try Self.digest(path, length: Self.headLength)
    }

    /// Whether this file starts as the one recorded with `recorded` (a `LENGTH:DIGEST`).
    public func startsLike(_ recorded: String) throws -> Bool {
        guard let colon = recorded.firstIndex(of: ":"), let n = Int(recorded[..<colon]) else { return false }
        return try Self.digest(path, length: n) == recorded
    }

    static func digest(_ path: String, length: Int) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw UnreadableInputError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: max(length, 1))
        let n = max(0, buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, length) })
        var h = FNV1a()
        for b in buffer.prefix(n) { h.add(UInt64(b)) }
        return "\(n):" + String(h.value, radix: 16)
    }
}

/// An events file that cannot be opened (the CLI exits 66).
public struct UnreadableInputError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}

/// A live source is not the one the store's position belongs to (a stream deleted and made again under the same
/// name: its sequences started over). Resuming would skip its first messages, so the ingest refuses (the CLI
/// exits 78); `--restart` reads it from its start, and ids stored already count as duplicates.
public struct SourceReplacedError: Error, Sendable, CustomStringConvertible {
    public let source: String
    public let position: Int64
    public var description: String {
        "\(source): not the stream this database read up to sequence \(position) (it was deleted and made again since); "
            + "run the ingest with --restart to read it from its start (events stored already count as duplicates)"
    }
}
