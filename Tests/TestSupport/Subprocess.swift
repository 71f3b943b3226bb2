import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a child process said and how it ended.
public struct ProcessOutput: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// How long any child a test spawns may run (`runProcess`, `Binary.run`, `Binary.launch`, `PeakMemory`, the
/// PostgreSQL helper's programs) before it is killed and the test fails with what it printed: one hung child must
/// not stall CI for its whole budget. 300 s, far above any child's run on the loaded 2-core machine;
/// `INCENTIVES_TEST_CHILD_TIMEOUT` (seconds) overrides it.
public enum ChildTimeout {
    public static var seconds: TimeInterval {
        ProcessInfo.processInfo.environment["INCENTIVES_TEST_CHILD_TIMEOUT"].flatMap(TimeInterval.init) ?? 300
    }
}

/// A child outran its bound and was killed: the error a test fails with, carrying the command and its output.
public struct ProcessTimedOut: Error, CustomStringConvertible {
    public let command: [String]
    public let seconds: TimeInterval
    public let stdout: String
    public let stderr: String
    public var description: String {
        "\(command.joined(separator: " ")) still ran after \(Int(seconds)) s and was killed\n--- stdout (last 2000 characters) ---\n"
            + String(stdout.suffix(2000)) + "\n--- stderr (last 2000 characters) ---\n" + String(stderr.suffix(2000))
    }
}

/// Runs `executable` with `args` to completion: `stdin` as its input (none: an empty one), `environment` as its
/// whole environment (nil: this process's), `directory` its current folder (nil: this process's). Its output goes
/// to files, so a chatty child never blocks on a full pipe.
/// A child still running after `timeout` seconds is killed (SIGKILL) and `ProcessTimedOut` thrown with its output.
@discardableResult
public func runProcess(_ executable: String, _ args: [String], stdin: String? = nil, environment: [String: String]? = nil,
                       directory: String? = nil, timeout: TimeInterval = ChildTimeout.seconds) throws -> ProcessOutput {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable)
    p.arguments = args
    if let environment { p.environment = environment }
    if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let dir = TempDir(prefix: "run")
    let outURL = URL(fileURLWithPath: dir.path("out")), errURL = URL(fileURLWithPath: dir.path("err"))
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
    let input = Pipe()
    p.standardOutput = out
    p.standardError = err
    p.standardInput = input
    let ended = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in ended.signal() }
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let timedOut = ended.wait(timeout: .now() + timeout) == .timedOut
    if timedOut { kill(p.processIdentifier, SIGKILL) }
    p.waitUntilExit()
    try out.close()
    try err.close()
    let stdout = String(decoding: try Data(contentsOf: outURL), as: UTF8.self)
    let stderr = String(decoding: try Data(contentsOf: errURL), as: UTF8.self)
    if timedOut { throw ProcessTimedOut(command: [executable] + args, seconds: timeout, stdout: stdout, stderr: stderr) }
    return ProcessOutput(status: p.terminationStatus, stdout: stdout, stderr: stderr)
}

/// Waits for `pid` (reaping it) at most `timeout` seconds; past that, kills it with SIGKILL, reaps it and returns
/// nil. The raw wait status otherwise. For children started with posix_spawn.
public func waitBounded(_ pid: pid_t, timeout: TimeInterval = ChildTimeout.seconds, usage: UnsafeMutablePointer<rusage>? = nil) -> Int32? {
    let deadline = Date().addingTimeInterval(timeout)
    var status: Int32 = 0
    while true {
        let r = usage.map { wait4(pid, &status, WNOHANG, $0) } ?? waitpid(pid, &status, WNOHANG)
        if r == pid { return status }
        if r < 0 && errno != EINTR { return status }
        if Date() > deadline {
            kill(pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            return nil
        }
        usleep(2_000)
    }
}

/// Waits for `condition` to hold, checking every 10 ms, at most `timeout` seconds; returns whether it held. For
/// tests that must wait for something to happen (a commit, a file, a server's answer) rather than for a time.
@discardableResult
public func waitUntil(timeout: TimeInterval = 60, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while true {
        if try condition() { return true }
        if Date() > deadline { return false }
        usleep(10_000)
    }
}

/// Runs a child to completion with its output discarded and reads its peak resident memory from `wait4`.
public enum PeakMemory {
    public static func run(_ executable: String, _ args: [String], timeout: TimeInterval = ChildTimeout.seconds) throws -> (status: Int32, peakMB: Double) {
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + args).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
            throw NSError(domain: "spawn", code: Int(errno))
        }
        var usage = rusage()
        guard let status = waitBounded(pid, timeout: timeout, usage: &usage) else {
            throw ProcessTimedOut(command: [executable] + args, seconds: timeout, stdout: "(discarded)", stderr: "(discarded)")
        }
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), Double(usage.ru_maxrss) / 1024)
    }
}
