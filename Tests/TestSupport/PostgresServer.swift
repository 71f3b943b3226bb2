import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL server for the tests of the PostgreSQL store: one per test process, started on first use
/// (`PostgresServer.shared()`), one database per test (`database()`).
///
/// The cluster is made with `initdb` in a fresh temporary folder and listens on a Unix socket in that folder only
/// (no TCP port). PostgreSQL refuses to run as root, so when the tests run as root (CI containers, this sandbox)
/// the cluster belongs to the `postgres` OS user the Debian package creates, and its programs run through
/// `runuser`. It is stopped (`pg_ctl stop -m immediate`) and its folder removed when the test process exits —
/// also when a test fails or the process crashes: a small watchdog shell waits for the test process to end.
///
/// No server, no pass: when PostgreSQL's programs are missing, `shared()` throws and the tests fail, saying to
/// run `.ci/deps` (which installs postgresql and libpq-dev).
public final class PostgresServer: @unchecked Sendable {
    /// The folder holding the cluster (`data`) and the socket.
    public let dir: String
    private let bin: String
    private let asUser: String?
    private var next = 0
    private let lock = NSLock()
    /// A role that must log in with a password (`password`), for the tests of a refused login.
    public static let passwordRole = "incentives_pw"
    public static let password = "right-horse-battery"

    nonisolated(unsafe) private static var instance: PostgresServer?
    nonisolated(unsafe) private static var startError: (any Error)?
    private static let instanceLock = NSLock()

    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The process's server, started on the first call.
    public static func shared() throws -> PostgresServer {
        instanceLock.lock(); defer { instanceLock.unlock() }
        if let instance { return instance }
        if let startError { throw startError }
        do {
            let s = try PostgresServer()
            instance = s
            atexit { PostgresServer.instance?.stop() }
            return s
        } catch {
            startError = error
            throw error
        }
    }

    /// The newest `/usr/lib/postgresql/N/bin` holding initdb, or the folder of an `initdb` on the PATH.
    static func binaries() -> String? {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for v in versions where FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/initdb") { return "\(root)/\(v)/bin" }
        for p in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(p)/initdb") {
            return String(p)
        }
        return nil
    }

    private init() throws {
        guard let bin = Self.binaries() else {
            throw Unavailable(description: "PostgreSQL's programs (initdb, pg_ctl) were not found under /usr/lib/postgresql: run .ci/deps (it installs postgresql and libpq-dev)")
        }
        self.bin = bin
        var template = Array("/tmp/incentives-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Unavailable(description: "mkdtemp failed") }
        dir = String(cString: made)
        asUser = getuid() == 0 ? "postgres" : nil
        if asUser != nil {
            let chown = try Self.spawn("/bin/chown", ["postgres:", dir])
            guard chown.status == 0 else { throw Unavailable(description: "chown postgres \(dir): \(chown.stderr) (is the postgresql package installed?)") }
        }
        let initdb = try run("initdb", ["-D", dir + "/data", "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C"])
        guard initdb.status == 0 else { throw Unavailable(description: "initdb failed: \(initdb.stderr)") }
        // One role logs in with a password only (scram), for the refused-password tests; everyone else: trust.
        let hba = "local all \(Self.passwordRole) scram-sha-256\nlocal all all trust\n"
        try hba.write(toFile: dir + "/data/pg_hba.conf", atomically: false, encoding: .utf8)
        // The watchdog first, so that even a crash between here and the end stops the server.
        let watchdog = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            \(command("pg_ctl", ["-D", dir + "/data", "stop", "-m", "immediate"])) >/dev/null 2>&1
            rm -rf '\(dir)'
            """
        _ = try Self.spawn("/bin/sh", ["-c", watchdog], newSession: true, wait: false)
        let start = try run("pg_ctl", ["-D", dir + "/data", "-l", dir + "/log", "-w", "-t", "60", "start",
                                       "-o", "-k \(dir) -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"])
        guard start.status == 0 else {
            let log = (try? String(contentsOfFile: dir + "/log", encoding: .utf8)) ?? ""
            throw Unavailable(description: "pg_ctl start failed: \(start.stderr) \(log)")
        }
        let role = try sql("postgres", "CREATE ROLE \(Self.passwordRole) LOGIN PASSWORD '\(Self.password)'")
        guard role.status == 0 else { throw Unavailable(description: "CREATE ROLE failed: \(role.stderr)") }
    }

    /// Stops the server at once (the tests' data is thrown away) and removes its folder.
    public func stop() {
        _ = try? run("pg_ctl", ["-D", dir + "/data", "stop", "-m", "immediate"])
        try? FileManager.default.removeItem(atPath: dir)
    }

    private func command(_ program: String, _ args: [String]) -> String {
        let quoted = ([bin + "/" + program] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        return asUser.map { "runuser -u \($0) -- " + quoted } ?? quoted
    }

    private func run(_ program: String, _ args: [String]) throws -> ProcessOutput {
        if let asUser { return try Self.spawn("/usr/sbin/runuser", ["-u", asUser, "--", bin + "/" + program] + args) }
        return try Self.spawn(bin + "/" + program, args)
    }

    /// posix_spawn and waitpid rather than Foundation's `Process`: the server's programs leave a daemon behind
    /// (the postmaster, the watchdog), which `Process` was seen to wait on forever. Output goes to files.
    static func spawn(_ path: String, _ args: [String], newSession: Bool = false, wait: Bool = true) throws -> ProcessOutput {
        let tmp = TempDir(prefix: "pg-run")
        let outPath = tmp.path("out"), errPath = tmp.path("err")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, wait ? outPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, wait ? errPath : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Nothing else is inherited: the server and the watchdog outlive this call, and a pipe another test has open
        // to its own child (fds are not close-on-exec by default) would never see its end while they held it — that
        // test then waited forever. glibc has `posix_spawn_file_actions_addclosefrom_np`; Swift does not import it.
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if newSession { posix_spawnattr_setflags(&attributes, 0x80) } // POSIX_SPAWN_SETSID (glibc), not imported by Swift
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, path, &actions, &attributes, argv, environ)
        guard rc == 0 else { throw Unavailable(description: "cannot run \(path): \(String(cString: strerror(rc)))") }
        guard wait else { return ProcessOutput(status: 0, stdout: "", stderr: "") }
        guard let status = waitBounded(pid) else {
            throw ProcessTimedOut(command: [path] + args, seconds: ChildTimeout.seconds,
                                  stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                                  stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
        }
        let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return ProcessOutput(status: code, stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }

    /// A new, empty database; returns its URL (`postgresql:///NAME?host=DIR&user=postgres`).
    public func database(_ prefix: String = "t") throws -> String {
        lock.lock()
        next += 1
        let name = "\(prefix)\(next)_\(getpid())"
        lock.unlock()
        let made = try sql("postgres", "CREATE DATABASE \(name)")
        guard made.status == 0 else { throw Unavailable(description: "CREATE DATABASE failed: \(made.stderr)") }
        return url(name)
    }

    public func url(_ database: String, user: String = "postgres") -> String {
        "postgresql:///\(database)?host=\(dir)&user=\(user)"
    }

    /// The database name of a URL `database()` gave.
    public static func name(of url: String) -> String {
        String(url.dropFirst("postgresql:///".count).prefix { $0 != "?" })
    }

    /// Runs SQL with psql as the superuser, or as `user` (status, stdout and stderr; `-At`: bare values).
    @discardableResult
    public func sql(_ database: String, _ statement: String, user: String = "postgres") throws -> ProcessOutput {
        try run("psql", ["-h", dir, "-U", user, "-d", database, "-v", "ON_ERROR_STOP=1", "-At", "-c", statement])
    }
}
