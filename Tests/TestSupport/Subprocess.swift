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

/// Runs `executable` with `args` to completion: `stdin` as its input (none: an empty one), `environment` as its
/// whole environment (nil: this process's), `directory` its current folder (nil: this process's). Its output goes
/// to files, so a chatty child never blocks on a full pipe.
@discardableResult
public func runProcess(_ executable: String, _ args: [String], stdin: String? = nil, environment: [String: String]? = nil,
                       directory: String? = nil) throws -> ProcessOutput {
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
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    p.waitUntilExit()
    try out.close()
    try err.close()
    return ProcessOutput(status: p.terminationStatus,
                         stdout: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
                         stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
}

/// Runs a child to completion with its output discarded and reads its peak resident memory from `wait4`.
public enum PeakMemory {
    public static func run(_ executable: String, _ args: [String]) throws -> (status: Int32, peakMB: Double) {
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
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), Double(usage.ru_maxrss) / 1024)
    }
}
