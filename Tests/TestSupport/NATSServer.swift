import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private NATS server with JetStream for the stream tests: `nats-server -js -a 127.0.0.1 -p PORT -sd DIR` on a
/// free loopback port, its storage in a fresh temporary folder. One per test (it starts in a fraction of a second).
/// `kill()` then `start()` again restarts it on the same port and storage, as a crashed server comes back.
///
/// It is stopped when the object goes away, and, should the test process die first, by a small watchdog shell
/// that waits for the test process to end (as `PostgresServer` does).
///
/// No server, no pass: when `nats-server` is missing, `init` throws and the test fails, saying to run `.ci/deps`
/// (which installs nats-server and libnats-dev).
public final class NATSServer: @unchecked Sendable {
    public let port: Int
    private let dir: TempDir
    private let binary: String
    private var pid: pid_t = 0
    /// Given to `nats-server` after its own (`--user`/`--pass`, `--auth TOKEN`, `--tls --tlscert … --tlskey …`).
    private let extraArguments: [String]

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The `nats-server` program: on the PATH, or where Debian puts it.
    public static func binaryPath() -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        for d in path + ["/usr/sbin", "/usr/bin", "/usr/local/bin"] where FileManager.default.isExecutableFile(atPath: d + "/nats-server") {
            return d + "/nats-server"
        }
        return nil
    }

    /// `arguments`: more for `nats-server` (a login it requires, TLS); they may hold secrets, never printed here.
    public init(arguments: [String] = []) throws {
        extraArguments = arguments
        guard let binary = Self.binaryPath() else {
            throw Unavailable(description: "nats-server was not found: run .ci/deps (it installs nats-server and libnats-dev)")
        }
        self.binary = binary
        dir = TempDir(prefix: "nats")
        port = try Self.freePort()
        try start()
    }

    deinit { kill() }

    /// `nats://127.0.0.1:PORT/STREAM` (`scheme` tls for `tls://`, `login` `USER:PASSWORD` or a token).
    public func url(_ stream: String, scheme: String = "nats", login: String? = nil) -> String {
        "\(scheme)://" + (login.map { $0 + "@" } ?? "") + "127.0.0.1:\(port)/\(stream)"
    }

    /// Starts the server (again) and waits until it says it is ready.
    public func start() throws {
        let log = dir.path("server.log")
        try? FileManager.default.removeItem(atPath: log)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        let args = [binary, "-js", "-a", "127.0.0.1", "-p", String(port), "-sd", dir.path("js")] + extraArguments
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var child: pid_t = 0
        let rc = posix_spawn(&child, binary, &actions, nil, argv, environ)
        guard rc == 0 else { throw Unavailable(description: "cannot run \(binary): \(String(cString: strerror(rc)))") }
        pid = child
        // The watchdog runs in the background of a shell that ends at once (and is waited for): it belongs to init
        // then, not to this process, which would otherwise keep it as a zombie after it ends.
        let watchdog = "while kill -0 \(getpid()) 2>/dev/null && kill -0 \(child) 2>/dev/null; do sleep 1; done; kill -9 \(child) 2>/dev/null"
        _ = try PostgresServer.spawn("/bin/sh", ["-c", "( \(watchdog) ) >/dev/null 2>&1 </dev/null &"], newSession: true, wait: true)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: log, encoding: .utf8), text.contains("Server is ready") { return }
            var status: Int32 = 0
            if waitpid(child, &status, WNOHANG) == child {
                pid = 0
                throw Unavailable(description: "nats-server exited at start: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
            }
            usleep(20_000)
        }
        throw Unavailable(description: "nats-server did not get ready within 20 s: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
    }

    /// Kills the server at once (SIGKILL), as a crash would; its stored streams stay for `start()`.
    public func kill() {
        guard pid > 0 else { return }
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        pid = 0
    }

    /// Kills the server, throws its streams away and starts it again empty on the same port: a stream made
    /// again under the same name starts its sequences over.
    public func wipe() throws {
        kill()
        try? FileManager.default.removeItem(atPath: dir.path("js"))
        try start()
    }

    /// A TCP port on 127.0.0.1 nothing listens on now (the kernel's pick).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Unavailable(description: "socket failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw Unavailable(description: "bind failed") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
