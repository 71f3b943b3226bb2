import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a command as a child process and measures it from outside: wall time and the child's own
/// peak resident memory (wait4's rusage), so one benchmark's memory never pollutes another's.
enum ChildProcess {
    struct Measurement {
        let status: Int32
        let seconds: Double
        let peakRSSBytes: Int
    }

    /// `stdoutPath`/`stderrPath`: files to receive the output (/dev/null to discard).
    static func run(_ executable: String, _ arguments: [String], stdin stdinPath: String? = nil,
                    stdout stdoutPath: String = "/dev/null", stderr stderrPath: String = "/dev/null") throws -> Measurement {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdinPath { posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0) }
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let start = Date()
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw BenchFailure(.software, "cannot start \(executable): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchFailure(.software, "wait4 failed: \(String(cString: strerror(errno)))") }
        }
        let seconds = Date().timeIntervalSince(start)
        let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Measurement(status: exit, seconds: seconds, peakRSSBytes: Int(usage.ru_maxrss) * 1024)
    }

    /// The path of the running `incentives` binary.
    static var selfPath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}
