import Foundation
import XCTest

/// A headless tmux server on a private socket, running one command in an 80×24 (or any size) pane.
/// Tests send keys and poll `capture-pane` until what they expect appears, with a deadline: no fixed sleeps.
final class Tmux {
    let socket: String
    /// Holds tmux's configuration and the captures; removed with the server.
    private let scratch: TempDir
    var directory: URL { scratch.url }
    private static let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first { FileManager.default.isExecutableFile(atPath: $0) }

    static var available: Bool { tmuxPath != nil }

    /// tmux is missing: the end-to-end console tests fail, they do not skip (CI installs tmux: `.ci/deps`).
    struct Missing: Error, CustomStringConvertible {
        var description: String { "tmux is not installed: the end-to-end console tests need it (bash .ci/deps)" }
    }

    /// Throws `Missing` when tmux is not installed.
    static func required() throws { guard available else { throw Missing() } }

    /// Starts `command` (run by /bin/sh) in a fresh server. The pane stays after the command exits, so
    /// its exit status and final screen can be read.
    init(_ command: String, width: Int = 80, height: Int = 24, env: [String: String] = [:]) throws {
        socket = "incentives-test-\(getpid())-\(UUID().uuidString.prefix(8))"
        scratch = TempDir(prefix: socket)
        let conf = directory.appendingPathComponent("tmux.conf")
        try "set -g remain-on-exit on\nset -g default-terminal tmux-256color\nset -g escape-time 0\nset -g status off\n"
            .write(to: conf, atomically: true, encoding: .utf8)
        var environment = ["LANG": "C.UTF-8", "SWIFT_BACKTRACE": "enable=no"]
        environment.merge(env) { $1 }
        let exports = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\(Tmux.quote($0.value))" }.joined(separator: " ")
        // The test runner's own NO_COLOR (swift test may set it) must not leak into the pane.
        let unset = env["NO_COLOR"] == nil ? "-u NO_COLOR " : ""
        try run(["-f", conf.path, "new-session", "-d", "-s", "t", "-x", String(width), "-y", String(height), "env \(unset)\(exports) \(command)"])
    }

    deinit {
        _ = try? run(["kill-server"])
    }

    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// Runs tmux through /bin/sh with its output in a file: the server that new-session forks would
    /// inherit a pipe and keep it open, and Foundation's Process waits for that pipe.
    @discardableResult
    func run(_ args: [String]) throws -> String {
        let out = directory.appendingPathComponent("out-\(UUID().uuidString.prefix(8))").path
        let command = ([Tmux.tmuxPath!, "-L", socket] + args).map(Tmux.quote).joined(separator: " ")
            + " </dev/null >" + Tmux.quote(out) + " 2>/dev/null"
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (s: String) -> UnsafeMutablePointer<CChar>? in strdup(s) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { return "" }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        defer { unlink(out) }
        return (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    }

    /// Keys as tmux names them (`Enter`, `Escape`, `Down`, `q`).
    func send(_ keys: String...) { _ = try? run(["send-keys", "-t", "t"] + keys) }
    /// Text typed literally.
    func type(_ text: String) { _ = try? run(["send-keys", "-t", "t", "-l", text]) }

    func capture(escapes: Bool = false) -> String {
        (try? run(["capture-pane", "-p", "-t", "t"] + (escapes ? ["-e"] : []))) ?? ""
    }

    func display(_ format: String) -> String {
        ((try? run(["display", "-p", "-t", "t", format])) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func resize(width: Int, height: Int) { _ = try? run(["resize-window", "-t", "t", "-x", String(width), "-y", String(height)]) }

    /// Polls the screen until `predicate` holds or the deadline passes; returns the last capture.
    @discardableResult
    func wait(timeout: TimeInterval = 10, escapes: Bool = false, file: StaticString = #filePath, line: UInt = #line, _ what: String,
              until predicate: (String) -> Bool) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var screen = capture(escapes: escapes)
        while !predicate(screen) {
            if Date() > deadline {
                XCTFail("timed out waiting for \(what); the screen was:\n\(screen)", file: file, line: line)
                return screen
            }
            usleep(30_000)
            screen = capture(escapes: escapes)
        }
        return screen
    }

    /// The screen once what `key` reads of it has stopped changing: the same across captures `quiet` seconds apart
    /// (a capture can land while a frame is being written, or before a first refresh that follows the first frame).
    /// Fails if it is still changing at the deadline, so a screen that moves on its own is never called settled.
    func settled(from screen: String, quiet: TimeInterval = 1.2, timeout: TimeInterval = 15, file: StaticString = #filePath,
                 line: UInt = #line, _ key: (String) -> [Substring]) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = screen
        while Date() < deadline {
            Thread.sleep(forTimeInterval: quiet)
            let next = capture()
            if key(next) == key(last) { return next }
            last = next
        }
        XCTFail("the screen kept changing for \(timeout) s; the last was:\n\(last)", file: file, line: line)
        return last
    }

    @discardableResult
    func wait(for text: String, timeout: TimeInterval = 10, file: StaticString = #filePath, line: UInt = #line) -> String {
        wait(timeout: timeout, file: file, line: line, "\"\(text)\"") { $0.contains(text) }
    }

    /// The pid of the pane's first child process (the program the wrapper shell started).
    func childPID() -> Int32? {
        guard let shell = Int32(display("#{pane_pid}")) else { return nil }
        let children = (try? String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { Int32($0) }
    }
}

/// A SQLite store holding the first half of the fixture's events, and the second half as a file to ingest while a
/// console watches (the live end-to-end tests: the screen must move with it).
struct HalfIngestedStore {
    let db: String
    let rest: String

    init(in dir: TempDir) throws {
        db = dir.path("i.sqlite")
        let f = Fixture.directory
        let lines = try String(contentsOfFile: f + "/events.jsonl", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let half = dir.write("half.jsonl", lines.prefix(lines.count / 2).joined(separator: "\n") + "\n")
        rest = dir.write("rest.jsonl", lines.dropFirst(lines.count / 2).joined(separator: "\n"))
        XCTAssertEqual(try Binary.run(["init", "--db", db, "--catalog", f + "/catalog.json", "--roster", f + "/roster.jsonl"]).status, 0)
        XCTAssertTrue([0, 65].contains(try Binary.run(["ingest", "--db", db, "--events", half]).status))
    }

    /// The second half ingested, as another process would.
    func ingestTheRest() throws {
        XCTAssertTrue([0, 65].contains(try Binary.run(["ingest", "--db", db, "--events", rest]).status))
    }
}

/// The setting every tmux end-to-end test class shares: the built binary and the console over the fixture files.
/// Without tmux they fail (`Tmux.Missing`): .ci/deps installs it.
class TmuxConsoleTestCase: XCTestCase {
    var binary = ""
    var files = ""

    override func setUpWithError() throws {
        try Tmux.required()
        binary = try XCTUnwrap(Binary.path, "the incentives binary was not built next to the tests")
        let f = Fixture.directory
        files = "console --catalog \(f)/catalog.json --roster \(f)/roster.jsonl --events \(f)/events.jsonl"
    }
}
