#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Writes an exported file under a name never used before in its folder: `name.csv`, else `name-2.csv`, `name-3.csv`…
/// Each name is claimed with `O_CREAT | O_EXCL`, so an existing file (or one another process creates meanwhile) is
/// never overwritten, silently or otherwise. A failure is a sentence for the status line, never a crash.
public enum ReportExport {
    /// How many numbered names are tried before giving up (a folder holding a thousand exports of one report).
    static let attempts = 1000

    public static func write(_ text: String, directory: String, name: String) -> Result<String, ConsoleDataError> {
        let base = fileName(name)
        let folder = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        for n in 1...attempts {
            let path = folder + "/" + base + (n == 1 ? "" : "-\(n)") + ".csv"
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd < 0 {
                if errno == EEXIST { continue }
                return .failure(ConsoleDataError("cannot create \(path): \(String(cString: strerror(errno)))"))
            }
            let bytes = Array(text.utf8)
            var written = 0
            var failure: Int32 = 0
            while written < bytes.count {
                let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    break
                }
                written += n
            }
            if failure == 0, close(fd) != 0 { failure = errno } else if failure != 0 { close(fd) }
            if failure != 0 {
                unlink(path)
                return .failure(ConsoleDataError("cannot write \(path): \(String(cString: strerror(failure)))"))
            }
            return .success(path)
        }
        return .failure(ConsoleDataError("\(folder) already holds \(base).csv to \(base)-\(attempts).csv: move some away"))
    }

    /// A file name from ids that may hold anything (a hostile employer id): letters, digits, `.`, `_` and `-` kept,
    /// anything else `_`, never starting with `.` or `-` (a hidden file, an option), at most 100 bytes.
    static func fileName(_ name: String) -> String {
        var out = ""
        for u in name.unicodeScalars {
            let keep = u.isASCII && (u.properties.isAlphabetic || ("0"..."9").contains(u) || u == "." || u == "_" || u == "-")
            out.unicodeScalars.append(keep ? u : "_")
        }
        while out.first == "." || out.first == "-" { out.replaceSubrange(out.startIndex...out.startIndex, with: "_") }
        return out.isEmpty ? "report" : String(out.prefix(100))
    }
}
