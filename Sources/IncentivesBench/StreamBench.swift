import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore
import IncentivesStream
#if canImport(Glibc)
import Glibc
#endif

/// `incentives bench stream`: the JetStream stream beside the file (README, "Benchmarks"; issue 23), on a private
/// `nats-server -js` the bench starts on a free loopback port, its storage under DIR.
///
/// 1. The bench file (or its first `--events N` lines) published once by `incentives publish` (a child process):
///    one message each, each waiting for the server's acknowledgement, as an app's API would; its cost per event
///    (p50/p99) is the app's side of "no impact on the user".
/// 2. Ingest of the file and of the stream (`--idle-exit 0`), each into a fresh SQLite database, best of --runs,
///    children timed from outside; the ratio stream/file (goal ≤ 1.3).
/// 3. A trickle: `--trickle K` events published one every 50 ms while an ingest follows the stream; each event's
///    latency from the moment its publish starts to the moment its row is readable in the database (committed
///    with its awards, in the same transaction): p50/p99, goal p99 ≤ 250 ms.
public enum StreamBench {
    public static let trickleInterval = 0.05
    public static let trickleGoalMilliseconds = 250.0
    public static let ratioGoal = 1.3

    public static func run(files: BenchInput.Files, dir: String, events limit: Int?, runs: Int, trickle: Int) throws {
        let work = dir + "/stream-bench"
        try? FileManager.default.removeItem(atPath: work)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let server = try PrivateNATSServer(dir: work)
        defer { server.stop() }

        // The file: the whole bench file, or its first N lines.
        var events = files.events
        var lines = files.lines
        if let limit, limit < files.lines {
            events = work + "/events-first-\(limit).jsonl"
            lines = try firstLines(of: files.events, count: limit, into: events)
        }
        let bytes = (try? FileManager.default.attributesOfItem(atPath: events)[.size] as? Int) ?? 0
        print("load: \(lines) lines, \(bytes / 1_000_000) MB: \(events); a private nats-server -js at \(server.url(""))")

        // 1. Published once.
        let url = server.url("BENCH")
        let publishErr = work + "/publish.err"
        let p = try ChildProcess.run(ChildProcess.selfPath, ["publish", "--to", url, "--events", events], stderr: publishErr)
        let said = (try? String(contentsOfFile: publishErr, encoding: .utf8)) ?? ""
        guard p.status == 0 else { throw BenchFailure(.software, "publish exited \(p.status); see \(publishErr)") }
        let cost = said.firstMatch(of: #/p50 ([0-9]+) µs, p99 ([0-9]+) µs/#).map { "p50 \($0.1) µs, p99 \($0.2) µs" } ?? "not reported (see \(publishErr))"
        print(String(format: "(1) publish, one message each, each waiting for its acknowledgement: %7.2f s  %8.0f events/s; cost per event %@",
                     p.seconds, Double(lines) / p.seconds, cost))

        // 2. Ingest of the file and of the stream, side by side.
        func bestIngest(_ name: String, _ source: [String]) throws -> Double {
            var best = Double.infinity
            for r in 1...runs {
                let db = work + "/\(name).sqlite"
                try? Store.remove(path: db)
                try StoreBench.initDatabase(db, files)
                let err = work + "/\(name)-\(r).err"
                let m = try ChildProcess.run(ChildProcess.selfPath, ["ingest", "--db", db] + source, stderr: err)
                guard m.status == 0 || m.status == 65 else { throw BenchFailure(.software, "ingest of the \(name) exited \(m.status); see \(err)") }
                best = min(best, m.seconds)
            }
            return best
        }
        let file = try bestIngest("file", ["--events", events])
        let stream = try bestIngest("stream", ["--events", url, "--idle-exit", "0"])
        print(String(format: "(2) ingest from the file:    %7.2f s  %8.0f lines/s", file, Double(lines) / file))
        print(String(format: "    ingest from the stream:  %7.2f s  %8.0f lines/s  ×%.2f the file (goal ≤ %.1f: %@)", stream, Double(lines) / stream,
                     stream / file, ratioGoal, stream / file <= ratioGoal ? "met" : "missed"))

        // 3. The trickle.
        let lags = try trickleLatencies(files: files, events: events, count: trickle, server: server, work: work)
        let sorted = lags.sorted()
        let p50 = StoreBench.percentile(sorted, 0.50) * 1000, p99 = StoreBench.percentile(sorted, 0.99) * 1000
        print(String(format: "(3) trickle, %d events one every %.0f ms: publication→commit p50 %.0f ms, p99 %.0f ms, max %.0f ms (goal p99 ≤ %.0f ms: %@)",
                     lags.count, trickleInterval * 1000, p50, p99, (sorted.last ?? 0) * 1000, trickleGoalMilliseconds,
                     p99 <= trickleGoalMilliseconds ? "met" : "missed"))
    }

    /// Seconds from the start of each publish to its event's row being readable, for `count` events published one
    /// every `trickleInterval` while an `incentives ingest` follows the stream (a stream of its own).
    static func trickleLatencies(files: BenchInput.Files, events: String, count: Int, server: PrivateNATSServer, work: String) throws -> [Double] {
        let db = work + "/trickle.sqlite"
        try StoreBench.initDatabase(db, files)
        let url = try NATSStreamURL(server.url("TRICKLE"))
        let publisher = try NATSPublisher(url: url, subject: "bench.trickle")
        let err = work + "/trickle-ingest.err"
        let ingest = try spawn(ChildProcess.selfPath, ["ingest", "--db", db, "--events", url.display, "--subject", "bench.trickle"], stderr: err)
        defer {
            kill(ingest, SIGTERM)
            var status: Int32 = 0
            while waitpid(ingest, &status, 0) < 0 && errno == EINTR {}
        }
        let reader = try StoreReader(path: db)
        let decoder = EventLineDecoder()
        var lags: [Double] = []
        var seen = Set<String>()
        let lineReader = try LineReader(fd: try InputFile.open(events), ownsDescriptor: true)
        // The ingest subscribes once it is up: the first event waits for it, and is not counted.
        var warm = false
        try lineReader.forEachLine { line in
            guard let bytes = line.bytes, case .success(let event) = decoder.decode(bytes), seen.insert(event.id).inserted else { return true }
            let start = monotonic()
            _ = try publisher.publish(bytes, messageID: NATSPublisher.messageID(eventID: event.id, line: bytes))
            let deadline = start + 30
            while try reader.event(id: event.id) == nil {
                guard monotonic() < deadline else {
                    throw BenchFailure(.software, "event \(event.id) was not committed within 30 s of its publication; see \(err)")
                }
                usleep(1_000)
            }
            let lag = monotonic() - start
            if warm { lags.append(lag) } else { warm = true }
            let next = start + trickleInterval
            while monotonic() < next { usleep(1_000) }
            return lags.count < count
        }
        return lags
    }

    /// The first `count` lines of `path` into `out`; how many there were.
    static func firstLines(of path: String, count: Int, into out: String) throws -> Int {
        guard let input = FileHandle(forReadingAtPath: path) else { throw BenchFailure(.noInput, "\(path): cannot be read") }
        defer { try? input.close() }
        guard FileManager.default.createFile(atPath: out, contents: nil), let output = FileHandle(forWritingAtPath: out) else {
            throw BenchFailure(.cantCreate, "\(out): cannot be written")
        }
        defer { try? output.close() }
        var written = 0
        var pending = Data()
        while written < count, let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            pending.append(chunk)
            var cut = pending.startIndex
            while written < count, let nl = pending[cut...].firstIndex(of: 0x0A) {
                cut = pending.index(after: nl)
                written += 1
            }
            output.write(pending[pending.startIndex..<cut])
            pending = Data(pending[cut...])
        }
        return written
    }

    static func monotonic() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Starts a child (not waited for), its stdout discarded, its stderr to `stderr`.
    static func spawn(_ executable: String, _ arguments: [String], stderr: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard rc == 0 else { throw BenchFailure(.software, "cannot start \(executable): \(String(cString: strerror(rc)))") }
        return pid
    }
}

/// A `nats-server -js` of the bench's own on a free loopback port, its storage and log under `dir`; stopped by
/// `stop()` (SIGTERM, then waited for).
final class PrivateNATSServer {
    let port: Int
    private var pid: pid_t = 0

    init(dir: String) throws {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/usr/local/bin"]
        guard let binary = path.map({ $0 + "/nats-server" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw BenchFailure(.unavailable, "nats-server was not found (Debian: apt-get install nats-server; .ci/deps installs it)")
        }
        port = try Self.freePort()
        let log = dir + "/nats-server.log"
        pid = try StreamBench.spawn(binary, ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", dir + "/nats"], stderr: log)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let text = try? String(contentsOfFile: log, encoding: .utf8), text.contains("Server is ready") { return }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                pid = 0
                throw BenchFailure(.unavailable, "nats-server exited at start; see \(log)")
            }
            usleep(20_000)
        }
        stop()
        throw BenchFailure(.unavailable, "nats-server was not ready within 20 s; see \(log)")
    }

    func url(_ stream: String) -> String { "nats://127.0.0.1:\(port)/\(stream)" }

    func stop() {
        guard pid > 0 else { return }
        kill(pid, SIGTERM)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        pid = 0
    }

    deinit { stop() }

    /// A TCP port on 127.0.0.1 nothing listens on now (the kernel's pick).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchFailure(.software, "socket failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw BenchFailure(.software, "bind failed") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
