import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The one way tests find and run the `incentives` executable SwiftPM built for them (every test target that
/// runs it depends on it, so `swift test` builds it first).
public enum Binary {
    /// The executable: `$INCENTIVES_BIN` when set, else the one beside the test bundle (or a few folders up
    /// from it), else the package's `.build/debug/incentives`; nil when none of these exists.
    public static var path: String? {
        if let env = ProcessInfo.processInfo.environment["INCENTIVES_BIN"] { return env }
        var folders: [URL] = []
        // The running test bundle (an .xctest on Linux is a single file) and a few folders above it.
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: me).deletingLastPathComponent()
        for _ in 0..<4 {
            folders.append(dir)
            dir = dir.deletingLastPathComponent()
        }
        for arg in CommandLine.arguments where arg.hasSuffix(".xctest") {
            folders.append(URL(fileURLWithPath: arg).deletingLastPathComponent())
        }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        if let exe = Bundle.main.executableURL { folders.append(exe.deletingLastPathComponent()) }
        folders.append(Bundle.main.bundleURL)
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for b in Bundle.allBundles { folders.append(b.bundleURL.deletingLastPathComponent()) }
        folders.append(URL(fileURLWithPath: packageRoot).appendingPathComponent(".build/debug"))
        return folders.map { $0.appendingPathComponent("incentives").path }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The package's root folder (holding Package.swift, Assets/, Tests/).
    public static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The executable was not found (`path` is nil).
    public struct NotBuilt: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "the incentives executable was not built next to the tests (set INCENTIVES_BIN to use another)" }
    }

    /// `path`, or `NotBuilt`.
    public static func located() throws -> String {
        guard let path else { throw NotBuilt() }
        return path
    }

    /// Runs `incentives` with `args` to the end, as a person would: `stdin` as its input (none: an empty one),
    /// `environment` as its whole environment (nil: this process's), `directory` its current folder.
    /// Bounded like `runProcess`: killed after `timeout` seconds, the test failing with its output.
    public static func run(_ args: [String], stdin: String? = nil, environment: [String: String]? = nil, directory: String? = nil,
                           timeout: TimeInterval = ChildTimeout.seconds) throws -> ProcessOutput {
        try runProcess(try located(), args, stdin: stdin, environment: environment, directory: directory, timeout: timeout)
    }

    /// Starts `incentives` with `args` and returns the running process, for tests that watch or kill it.
    /// Output not asked for with a pipe goes to /dev/null; `environment` nil: this process's.
    /// A child still running after `timeout` seconds is killed (SIGKILL), so a test waiting on it ends.
    public static func launch(_ args: [String], environment: [String: String]? = nil, stdout: Pipe? = nil, stderr: Pipe? = nil,
                              stdin: Pipe? = nil, timeout: TimeInterval = ChildTimeout.seconds) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try located())
        p.arguments = args
        if let environment { p.environment = environment }
        p.standardOutput = stdout ?? FileHandle.nullDevice
        p.standardError = stderr ?? FileHandle.nullDevice
        if let stdin { p.standardInput = stdin }
        try p.run()
        let watched = Watched(p)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) {
            if watched.process.isRunning { kill(watched.process.processIdentifier, SIGKILL) }
        }
        return p
    }

    /// The launched process, for the watchdog's closure.
    private final class Watched: @unchecked Sendable {
        let process: Process
        init(_ process: Process) { self.process = process }
    }
}
