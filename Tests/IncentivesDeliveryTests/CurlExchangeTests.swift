import Foundation
import IncentivesCore
@testable import IncentivesDelivery
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The webhook client through libcurl (HTTPExchange): what a partner's answer may not make it do (a head without
/// end, a redirect elsewhere), the reasons it records when there is no answer, and what it takes from the
/// environment (the trusted certificates, `SSL_CERT_FILE` / `SSL_CERT_DIR`) and what it does not (a proxy).
@Suite struct CurlExchangeTests {
    /// `Fixtures.secret`'s text, for the command's environment: the receivers verify with it.
    static let secretText = "pillowco-test-secret-0123456789"

    func send(_ url: URL, timeout: Double = 5) throws -> AttemptOutcome {
        let r = WebhookRequest(payload: DeliveryPayload(Fixtures.achievement(1), partner: "pillowco", secret: Fixtures.secret),
                               url: url, secret: Fixtures.secret, timestamp: Int(Date().timeIntervalSince1970))
        return try #require(WebhookClient(timeout: timeout).send([r], concurrency: 1).first)
    }

    @Test("a head longer than 64 KiB is no answer, and is not read to its end")
    func headWithoutEnd() throws {
        // About 19 bytes a line: 5,000 lines are some 95 KB of head.
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, script: [.trickleHeaders(200, count: 5_000, every: 0)])
        defer { receiver.stop() }
        let started = Date()
        let outcome = try send(receiver.url)
        #expect(outcome == .transient(reason: "no HTTP response: a head longer than 65536 bytes", retryAfter: nil), "\(outcome)")
        #expect(Date().timeIntervalSince(started) < 3)
    }

    @Test("a redirect is the partner's answer: it is not followed", arguments: [301, 307, 308])
    func redirectNotFollowed(status: Int) throws {
        let elsewhere = try LoopbackReceiver(secret: Fixtures.secret)
        defer { elsewhere.stop() }
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, script: [.status(status, headers: ["Location": elsewhere.url.absoluteString])])
        defer { receiver.stop() }
        #expect(try send(receiver.url) == .rejected(status: status, reason: "status \(status)"))
        #expect(receiver.requestCount == 1)
        #expect(elsewhere.requestCount == 0)
    }

    @Test("a refused connection is recorded as the sender always recorded it")
    func refused() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret)
        let url = receiver.url
        receiver.stop()
        #expect(try send(url) == .transient(reason: HTTPExchange.connectionFailed(ECONNREFUSED), retryAfter: nil))
        #expect(HTTPExchange.connectionFailed(ECONNREFUSED) == "connection failed: Connection refused")
    }

    @Test("a peer that closes without a word, or answers with something that is not HTTP, is no HTTP response")
    func notHTTP() throws {
        let silent = try RawServer(reply: nil)
        #expect(try send(silent.url) == .transient(reason: "connection failed: closed without an answer", retryAfter: nil))
        let ssh = try RawServer(reply: "SSH-2.0-OpenSSH_9.2\r\n")
        let outcome = try send(ssh.url)
        guard case .transient(let reason, nil) = outcome else { Issue.record("\(outcome)"); return }
        #expect(reason.hasPrefix("no HTTP response"), "\(reason)")
    }

    // MARK: The environment, through the real command

    /// Replays one achievement for a catalog whose partner's webhook is `url`; the arguments of `deliver` in file mode.
    func fileMode(_ dir: TempDir, url: URL) throws -> [String] {
        let catalog = dir.write("catalog.json", """
        {"incentives": [{"id": "report-birth", "kind": "single", "event": "birth_reported"}],
         "employers": [{"id": "acme", "programs": [{"id": "acme-2026", "starts": "2026-01-01", "ends": "2026-12-31",
           "rewards": [{"incentive": "report-birth", "reward": "$50 gift card"}]}]}],
         "partners": [{"id": "pillowco", "employers": ["acme"], "webhook": {"url": "\(url.absoluteString)", "secretEnv": "CURL_TEST_SECRET"}}]}
        """)
        let roster = dir.write("roster.jsonl", #"{"id": "u-1", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n")
        let events = dir.write("events.jsonl", #"{"id": "e-1", "type": "birth_reported", "user": "u-1", "at": "2026-06-11T09:12:00Z"}"# + "\n")
        let replay = try Binary.run(["replay", "--catalog", catalog, "--roster", roster, "--events", events])
        try #require(replay.status == 0, "replay: \(replay.stderr)")
        let achievements = dir.write("achievements.jsonl", replay.stdout)
        return ["deliver", "--catalog", catalog, "--roster", roster, "--achievements", achievements,
                "--timeout", "5", "--max-attempts", "1"]
    }

    /// This process's environment without anything that names a proxy or trusted certificates, plus `extra`.
    func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { name, _ in
            !name.lowercased().hasSuffix("_proxy") && !name.hasPrefix("SSL_CERT_")
        }
        env["CURL_TEST_SECRET"] = Self.secretText
        env.merge(extra) { $1 }
        return env
    }

    @Test("a proxy named in the environment is not used: deliveries go straight to the partner")
    func proxyNotUsed() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret)
        defer { receiver.stop() }
        let dir = TempDir(prefix: "curl")
        let args = try fileMode(dir, url: receiver.url)
        // A proxy that refuses every connection: were it used, nothing would arrive.
        let dead = "http://127.0.0.1:1"
        let out = try Binary.run(args, environment: environment(["http_proxy": dead, "HTTPS_PROXY": dead, "ALL_PROXY": dead]))
        #expect(out.status == 0, "\(out.stderr)")
        #expect(receiver.accepted.count == 1)
    }

    @Test("SSL_CERT_FILE and SSL_CERT_DIR name the certificates the sender trusts", arguments: ["SSL_CERT_FILE", "SSL_CERT_DIR", nil])
    func trustFromTheEnvironment(variable: String?) throws {
        let dir = TempDir(prefix: "curl")
        let tls = try WebhookTLSTests.certificate(dir, altName: "IP:127.0.0.1")
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, tls: tls)
        defer { receiver.stop() }
        let args = try fileMode(dir, url: receiver.url)
        var extra: [String: String] = [:]
        if variable == "SSL_CERT_FILE" { extra["SSL_CERT_FILE"] = tls.certificate }
        if variable == "SSL_CERT_DIR" {
            // A directory as OpenSSL reads one: each certificate under the hash of its subject.
            let certs = dir.path("certs")
            try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: tls.certificate, toPath: certs + "/test.pem")
            let rehash = try runProcess("/usr/bin/openssl", ["rehash", certs])
            try #require(rehash.status == 0, "openssl rehash: \(rehash.stderr)")
            extra["SSL_CERT_DIR"] = certs
        }
        let out = try Binary.run(args, environment: environment(extra))
        if variable == nil {
            #expect(out.status != 0)
            #expect(receiver.requestCount == 0)
            #expect(out.stdout.contains("TLS handshake failed: certificate not trusted") || out.stderr.contains("TLS handshake failed: certificate not trusted"),
                    "stdout: \(out.stdout)\nstderr: \(out.stderr)")
        } else {
            #expect(out.status == 0, "\(variable!): \(out.stderr)")
            #expect(receiver.accepted.count == 1)
        }
    }
}

/// A TCP server on 127.0.0.1 for one connection: reads what comes, answers `reply` (nil: nothing), and closes.
final class RawServer: @unchecked Sendable {  // the fd is set before the thread starts
    let port: UInt16
    private let fd: Int32
    var url: URL { URL(string: "http://127.0.0.1:\(port)/hook")! }

    init(reply: String?) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 4) == 0 else { close(listener); throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
        fd = listener
        Thread {
            let peer = accept(listener, nil, nil)
            guard peer >= 0 else { return }
            var buffer = [UInt8](repeating: 0, count: 64 << 10)
            _ = recv(peer, &buffer, buffer.count, 0)
            if let reply { _ = reply.withCString { send(peer, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }
            close(peer)
            close(listener)
        }.start()
    }
}
