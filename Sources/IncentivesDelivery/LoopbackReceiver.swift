import CTLS
import IncentivesCore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A stand-in for a partner's webhook endpoint, on 127.0.0.1 only, for the tests and the benchmark
/// (Foundation on Linux has no HTTP server). Small enough to read in one go: HTTP/1.1 over a socket,
/// request line, headers and a Content-Length body, keep-alive. It verifies every signature with
/// `WebhookSignature.verify` as a partner would, de-duplicates on the delivery id, and answers from a script.
public final class LoopbackReceiver: @unchecked Sendable {  // mutable state guarded by `lock`
    public enum Reply: Sendable {
        /// Answer with this status (and headers).
        case status(Int, headers: [String: String] = [:])
        /// Say nothing for this long, then drop the connection: the sender's timeout fires first.
        case stall(seconds: Double)
        /// Take the delivery (count it accepted) but answer only after this long: lets a test kill the
        /// sender after the partner has it and before the sender can mark it.
        case acceptThenHang(seconds: Double)
        /// Answer with this status and a body of `megabytes` MB that starts with `text`, streamed in chunks:
        /// a partner whose error page never ends. `hugeBodyBytesSent` tells how much the sender let through.
        case hugeBody(Int, megabytes: Int, text: String)
        /// The status line at once, then one header line every `every` seconds, `count` of them, then the end
        /// of the head: a partner that trickles its answer so that the connection is never silent for long.
        case trickleHeaders(Int, count: Int, every: Double)
        /// Status and headers at once, then a chunked body of `count` chunks, one every `every` seconds.
        case trickleChunked(Int, count: Int, every: Double)
        /// Status and headers at once, then a chunked (unannounced) body of `megabytes` MB as fast as the
        /// sender reads it. `hugeBodyBytesSent` tells how much the sender let through.
        case hugeChunked(Int, megabytes: Int)
    }

    public struct Received: Sendable {
        public let headers: [String: String]
        public let body: [UInt8]
        public let verdict: WebhookSignature.Verdict
        public var deliveryID: String? { headers.first { $0.key.lowercased() == "x-incentives-delivery" }?.value }
    }

    public let secret: PartnerSecret
    public private(set) var port: UInt16 = 0
    private let listener: Int32
    private let lock = NSLock()
    private var script: [Reply]
    private let fallback: Reply
    private var _requests: [Received] = []
    private var _accepted: [String] = []
    private var acceptedSet: Set<String> = []
    /// False for the benchmark: count, do not keep every request.
    private let keepsRequests: Bool
    private var _requestCount = 0
    private var _duplicates = 0
    private var stopped = false
    private var _hugeBodyBytesSent = 0

    public var url: URL { URL(string: "\(tls == nil ? "http" : "https")://127.0.0.1:\(port)/hooks/achievements")! }
    private let tls: ServerTLS?

    /// Seconds every answer waits, to stand in for a partner across a network (the benchmark).
    private let latency: Double

    /// With `tls`, the receiver speaks HTTPS with this certificate and key (PEM files) and its URL is https.
    public init(secret: PartnerSecret, script: [Reply] = [], fallback: Reply = .status(200), keepsRequests: Bool = true,
                latency: Double = 0, tls: (certificate: String, key: String)? = nil) throws {
        if let tls {
            guard let ctx = SSL_CTX_new(TLS_server_method()),
                  SSL_CTX_use_certificate_chain_file(ctx, tls.certificate) == 1,
                  SSL_CTX_use_PrivateKey_file(ctx, tls.key, SSL_FILETYPE_PEM) == 1 else {
                throw POSIXError(.EINVAL)
            }
            self.tls = ServerTLS(ctx)
        } else {
            self.tls = nil
        }
        self.secret = secret
        self.latency = latency
        self.keepsRequests = keepsRequests
        self.script = script
        self.fallback = fallback
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 128) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) }
        }
        port = UInt16(bigEndian: addr.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    public func stop() {
        lock.lock()
        let was = stopped
        stopped = true
        lock.unlock()
        if !was {
            shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    public var requests: [Received] { lock.lock(); defer { lock.unlock() }; return _requests }
    public var requestCount: Int { lock.lock(); defer { lock.unlock() }; return _requestCount }
    /// Delivery ids taken for the first time, in order.
    public var accepted: [String] { lock.lock(); defer { lock.unlock() }; return _accepted }
    /// Bytes of the last `.hugeBody` answer the sender read before it closed the connection.
    public var hugeBodyBytesSent: Int { lock.lock(); defer { lock.unlock() }; return _hugeBodyBytesSent }
    /// Valid deliveries whose id had been taken before.
    public var duplicates: Int { lock.lock(); defer { lock.unlock() }; return _duplicates }

    /// Waits (briefly) until `n` requests have arrived.
    public func waitForRequests(_ n: Int, timeout: Double = 10) -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if requestCount >= n { return true }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return false
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            let t = Thread { [self] in serve(fd) }
            t.start()
        }
    }

    private func nextReply() -> Reply {
        lock.lock(); defer { lock.unlock() }
        return script.isEmpty ? fallback : script.removeFirst()
    }

    private func serve(_ socket: Int32) {
        // A write to a sender that has gone raises SIGPIPE: blocked on this thread, it is EPIPE instead.
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let fd = Peer(socket)
        defer { fd.close() }
        if let tls { guard fd.accept(tls) else { return } }
        var buffer: [UInt8] = []
        while let (headers, body) = readRequest(fd, &buffer) {
            let verdict = WebhookSignature.verify(secret: secret, headers: headers, body: body,
                                                  now: Int(Date().timeIntervalSince1970))
            let received = Received(headers: headers, body: body, verdict: verdict)
            guard verdict == .valid else {
                record(received, taken: false)
                respond(fd, 401, [:])
                continue
            }
            if latency > 0 { Thread.sleep(forTimeInterval: latency) }
            switch nextReply() {
            case .status(let code, let extra):
                record(received, taken: (200..<300).contains(code))
                respond(fd, code, extra)
            case .stall(let seconds):
                record(received, taken: false)
                Thread.sleep(forTimeInterval: seconds)
                return
            case .acceptThenHang(let seconds):
                record(received, taken: true)
                Thread.sleep(forTimeInterval: seconds)
                respond(fd, 200, [:])
            case .hugeBody(let code, let megabytes, let text):
                record(received, taken: (200..<300).contains(code))
                streamHugeBody(fd, code, megabytes: megabytes, text: text)
                return
            case .trickleHeaders(let code, let count, let every):
                record(received, taken: (200..<300).contains(code))
                trickle(fd, head: "HTTP/1.1 \(code) Slow\r\n", count: count, every: every,
                        piece: { "X-Slow-\($0): \($0)\r\n" }, tail: "Content-Length: 0\r\n\r\n")
                return
            case .trickleChunked(let code, let count, let every):
                record(received, taken: (200..<300).contains(code))
                trickle(fd, head: "HTTP/1.1 \(code) Slow\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n",
                        count: count, every: every, piece: { _ in "2\r\nx.\r\n" }, tail: "0\r\n\r\n")
                return
            case .hugeChunked(let code, let megabytes):
                record(received, taken: (200..<300).contains(code))
                streamHugeChunked(fd, code, megabytes: megabytes)
                return
            }
        }
    }

    /// Writes `head`, then `count` pieces `every` seconds apart, then `tail`: an answer that trickles. Stops when
    /// the client has gone.
    private func trickle(_ fd: Peer, head: String, count: Int, every: Double, piece: (Int) -> String, tail: String) {
        guard write(fd, head) else { return }
        for i in 0..<count {
            Thread.sleep(forTimeInterval: every)
            guard write(fd, piece(i)) else { return }
        }
        _ = write(fd, tail)
    }

    private func record(_ r: Received, taken: Bool) {
        lock.lock(); defer { lock.unlock() }
        _requestCount += 1
        if keepsRequests { _requests.append(r) }
        guard taken, let id = r.deliveryID else { return }
        if acceptedSet.insert(id).inserted { _accepted.append(id) } else { _duplicates += 1 }
    }

    private func respond(_ fd: Peer, _ code: Int, _ headers: [String: String]) {
        let body = code < 300 ? "ok" : "status \(code)"
        var text = "HTTP/1.1 \(code) \(code < 300 ? "OK" : "Error")\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n"
        for (k, v) in headers { text += "\(k): \(v)\r\n" }
        text += "\r\n" + body
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { fd.send($0) }
            if n <= 0 { return }
            sent += n
        }
    }

    /// Sends all of `text`; false once the sender has closed the connection.
    private func write(_ fd: Peer, _ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { fd.send($0) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    private func streamHugeChunked(_ fd: Peer, _ code: Int, megabytes: Int) {
        let total = megabytes << 20
        let head = Array("HTTP/1.1 \(code) Error\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let chunk = Array("10000\r\n".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 16) + Array("\r\n".utf8)
        var pending = head
        var body = 0
        var sent = 0
        while true {
            let n = pending.withUnsafeBytes { fd.send($0) }
            if n <= 0 { break }
            sent += n
            pending.removeFirst(n)
            if pending.isEmpty {
                guard body < total else { _ = write(fd, "0\r\n\r\n"); break }
                pending = chunk
                body += 1 << 16
            }
        }
        lock.lock(); _hugeBodyBytesSent = sent; lock.unlock()
    }

    private func streamHugeBody(_ fd: Peer, _ code: Int, megabytes: Int, text: String) {
        let total = megabytes << 20
        let head = "HTTP/1.1 \(code) Error\r\nContent-Type: text/plain\r\nContent-Length: \(total)\r\n\r\n"
        var pending = Array(head.utf8) + Array(text.utf8)
        var body = pending.count - head.utf8.count
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1 << 16)
        var sent = 0
        while true {
            let n = pending.withUnsafeBytes { fd.send($0) }
            if n <= 0 { break }
            sent += n
            pending.removeFirst(n)
            if pending.isEmpty {
                guard body < total else { break }
                let next = min(chunk.count, total - body)
                pending = Array(chunk.prefix(next))
                body += next
            }
        }
        lock.lock(); _hugeBodyBytesSent = sent; lock.unlock()
    }

    /// One request from the connection, or nil at end of stream.
    private func readRequest(_ fd: Peer, _ buffer: inout [UInt8]) -> ([String: String], [UInt8])? {
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            if let r = find(separator, in: buffer) { headerEnd = r; break }
            guard fill(fd, &buffer) else { return nil }
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        guard !lines.isEmpty else { return nil }
        lines.removeFirst()  // request line: POST /path HTTP/1.1
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers.first { $0.key.lowercased() == "content-length" }?.value ?? "0") ?? 0
        let start = headerEnd! + 4
        while buffer.count < start + length {
            guard fill(fd, &buffer) else { return nil }
        }
        let body = Array(buffer[start..<(start + length)])
        buffer.removeFirst(start + length)
        return (headers, body)
    }

    private func fill(_ fd: Peer, _ buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = chunk.withUnsafeMutableBytes { fd.recv($0) }
        guard n > 0 else { return false }
        buffer.append(contentsOf: chunk[..<n])
        return true
    }

    private func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard hay.count >= needle.count else { return nil }
        outer: for i in 0...(hay.count - needle.count) {
            for j in 0..<needle.count where hay[i + j] != needle[j] { continue outer }
            return i
        }
        return nil
    }
}

/// The receiver's TLS context (the test's certificate and key).
private final class ServerTLS: @unchecked Sendable {  // immutable after init; SSL_CTX is safe to share
    let context: OpaquePointer
    init(_ context: OpaquePointer) { self.context = context }
    deinit { SSL_CTX_free(context) }
}

/// One accepted connection, plain or TLS (blocking).
private final class Peer {
    let fd: Int32
    private var ssl: OpaquePointer?

    init(_ fd: Int32) { self.fd = fd }

    func accept(_ tls: ServerTLS) -> Bool {
        guard let ssl = SSL_new(tls.context) else { return false }
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        return SSL_accept(ssl) == 1
    }

    // A signal to the process (a child's SIGCHLD: the tests beside this receiver run commands and servers) ends a
    // blocked send or receive early with EINTR: tried again, not taken for the peer's going away. Taken for it, a
    // long answer stopped half-way (seen once in CI: a test of a 95 KB head got a shorter one).
    func send(_ bytes: UnsafeRawBufferPointer) -> Int {
        while true {
            let n: Int
            if let ssl { n = Int(SSL_write(ssl, bytes.baseAddress, Int32(min(bytes.count, 1 << 20)))) } else {
                n = Glibc.send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            }
            if n <= 0 && interrupted(n) { continue }
            return n
        }
    }

    func recv(_ bytes: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let n: Int
            if let ssl { n = Int(SSL_read(ssl, bytes.baseAddress, Int32(bytes.count))) } else {
                n = Glibc.recv(fd, bytes.baseAddress, bytes.count, 0)
            }
            if n <= 0 && interrupted(n) { continue }
            return n
        }
    }

    /// Whether a send or receive that gave `n` was cut short by a signal rather than failed.
    private func interrupted(_ n: Int) -> Bool {
        let saved = errno
        if let ssl { return SSL_get_error(ssl, Int32(n)) == SSL_ERROR_SYSCALL && saved == EINTR }
        return n < 0 && saved == EINTR
    }

    func close() {
        if let ssl { SSL_free(ssl) }
        ssl = nil
        _ = Glibc.close(fd)
    }
}
