import CTLS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 POST over a socket this code owns, under one deadline for the whole exchange: name look-up,
/// connect, TLS handshake, the request, the answer's status line and headers, and as much of its body as a
/// message needs. (URLSession on Linux bounds only the silence between two packets: a partner sending one
/// header a second, or a chunked body that trickles, held a delivery for as long as it liked, and a cancelled
/// transfer still read a 3 GB answer to its end.) Nothing is read past `bodyCap` bytes of body; a 2xx's body
/// is not read at all. One connection per exchange, closed at its end.
enum HTTPExchange {
    /// Status line and headers longer than this are no answer a webhook partner gives.
    static let headLimit = 64 << 10

    struct Answer: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        /// At most the cap: the start of the body, for a message.
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    enum Failure: Error, Equatable {
        case timedOut
        /// No answer: the name, the connection or the TLS handshake failed, or what came back is not HTTP.
        case failed(String)
    }

    static func post(url: URL, headers: [(String, String)], body: [UInt8], timeout: Double, bodyCap: Int,
                     tls: TLSContext = .shared) -> Result<Answer, Failure> {
        let deadline = Deadline(seconds: timeout)
        do {
            guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let rawHost = url.host, !rawHost.isEmpty else {
                return .failure(.failed("connection failed: not an http(s) URL with a host"))
            }
            let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
            let port = url.port ?? (scheme == "https" ? 443 : 80)
            guard (1...65535).contains(port) else { return .failure(.failed("connection failed: port \(port)")) }
            for (name, value) in headers where !(name + value).unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
                // A header is one line: a control character would end it and start another.
                return .failure(.failed("not sent: header \(name) holds a control character"))
            }
            let addresses = try resolve(host: host, port: port, deadline: deadline)
            let connection = try Connection.open(addresses, deadline: deadline)
            if scheme == "https" { try connection.startTLS(host: host, context: tls) }
            let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
            var target = components?.percentEncodedPath ?? "/"
            if target.isEmpty { target = "/" }
            if let q = components?.percentEncodedQuery { target += "?" + q }
            let hostHeader = (host.contains(":") ? "[\(host)]" : host) + (url.port.map { ":\($0)" } ?? "")
            var head = "POST \(target) HTTP/1.1\r\nHost: \(hostHeader)\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += "\r\n"
            try connection.write(Array(head.utf8) + body)
            return .success(try readAnswer(connection, bodyCap: bodyCap))
        } catch let f as Failure {
            return .failure(f)
        } catch {
            return .failure(.failed("connection failed: \(error)"))
        }
    }

    // MARK: The answer

    private static func readAnswer(_ c: Connection, bodyCap: Int) throws -> Answer {
        var buffer: [UInt8] = []
        while true {
            let (end, next) = try readHead(c, &buffer)
            let text = String(decoding: buffer[..<end], as: UTF8.self)
            buffer.removeFirst(next)
            var lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
            let statusLine = lines.removeFirst()
            let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), parts[1].count == 3, let status = Int(parts[1]),
                  (100...999).contains(status) else {
                throw Failure.failed("no HTTP response")
            }
            var headers: [(name: String, value: String)] = []
            for line in lines where !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers.append((String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                                String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
            // An interim answer (100 Continue, 103 Early Hints) comes before the real one.
            if (100..<200).contains(status), status != 101 { continue }
            var answer = Answer(status: status, headers: headers, body: [])
            // A 2xx is all the sender needs: its body is never read. Otherwise the start of the body, for the
            // message, read under the same deadline; whatever stops it (the cap, the deadline, the end) the
            // status stands.
            if !(200..<300).contains(status), status != 204, status != 304, bodyCap > 0 {
                answer.body = readBody(c, buffer, headers: answer, cap: bodyCap)
            }
            return answer
        }
    }

    /// Reads until the blank line that ends the head; returns where the head's text ends and where the body starts.
    private static func readHead(_ c: Connection, _ buffer: inout [UInt8]) throws -> (Int, Int) {
        var searched = 0
        while true {
            var i = max(0, searched - 3)
            while i < buffer.count {
                if buffer[i] == 10 {
                    if i + 1 < buffer.count, buffer[i + 1] == 10 { return (i, i + 2) }
                    if i + 2 < buffer.count, buffer[i + 1] == 13, buffer[i + 2] == 10 { return (i, i + 3) }
                }
                i += 1
            }
            searched = buffer.count
            guard buffer.count <= headLimit else { throw Failure.failed("no HTTP response: a head longer than \(headLimit) bytes") }
            guard try c.read(into: &buffer, max: 16 << 10) > 0 else {
                throw Failure.failed(buffer.isEmpty ? "connection failed: closed without an answer" : "no HTTP response")
            }
        }
    }

    private static func readBody(_ c: Connection, _ start: [UInt8], headers answer: Answer, cap: Int) -> [UInt8] {
        var pending = start
        // Bytes already read past the head come first; then the socket, until `cap` or the deadline.
        func more() -> Bool { ((try? c.read(into: &pending, max: 16 << 10)) ?? 0) > 0 }
        if answer.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            var out: [UInt8] = []
            while out.count < cap {
                // chunk-size [; extensions] CRLF
                var lineEnd = pending.firstIndex(of: 10)
                while lineEnd == nil {
                    guard pending.count < 1024, more() else { return out }
                    lineEnd = pending.firstIndex(of: 10)
                }
                let line = String(decoding: pending[..<lineEnd!], as: UTF8.self)
                pending.removeFirst(lineEnd! + 1)
                let hex = line.prefix { $0.isHexDigit }
                guard !hex.isEmpty, hex.count <= 15, let size = Int(hex, radix: 16), size > 0 else { return out }
                let want = min(size, cap - out.count)
                while pending.count < want { guard more() else { return out + pending } }
                out += pending.prefix(want)
                pending.removeFirst(want)
                if want < size { return out }
                while pending.count < 2 { guard more() else { return out } }
                pending.removeFirst(pending[0] == 13 ? 2 : 1)
            }
            return out
        }
        let length = answer.header("Content-Length").flatMap { Int($0) }.map { max(0, $0) }
        let want = min(length ?? cap, cap)
        while pending.count < want { guard more() else { break } }
        return Array(pending.prefix(want))
    }

    // MARK: Names

    struct Address {
        let family: Int32
        let socketType: Int32
        let proto: Int32
        let bytes: [UInt8]
    }

    private final class Lookup: @unchecked Sendable {  // written once before `done` is signalled, read after
        var result: Result<[Address], Failure> = .failure(.failed("connection failed: no address"))
        let done = DispatchSemaphore(value: 0)
    }

    /// getaddrinfo cannot be bounded, so a name is looked up on a thread of its own and waited for until the
    /// deadline; a look-up still running then is left to finish on its own. A numeric address needs no thread.
    static func resolve(host: String, port: Int, deadline: Deadline) throws -> [Address] {
        if let numeric = try? addresses(host: host, port: port, flags: AI_NUMERICHOST) { return numeric }
        let lookup = Lookup()
        let thread = Thread {
            do { lookup.result = .success(try addresses(host: host, port: port, flags: 0)) } catch let f as Failure {
                lookup.result = .failure(f)
            } catch {
                lookup.result = .failure(.failed("connection failed: \(error)"))
            }
            lookup.done.signal()
        }
        thread.start()
        guard lookup.done.wait(timeout: .now() + .milliseconds(Int(deadline.remainingMilliseconds))) == .success else {
            throw Failure.timedOut
        }
        return try lookup.result.get()
    }

    private static func addresses(host: String, port: Int, flags: Int32) throws -> [Address] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = flags | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else {
            throw Failure.failed("connection failed: cannot resolve \(host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var out: [Address] = []
        var p = list
        while let a = p {
            if let sa = a.pointee.ai_addr {
                let bytes = UnsafeRawBufferPointer(start: UnsafeRawPointer(sa), count: Int(a.pointee.ai_addrlen))
                out.append(Address(family: a.pointee.ai_family, socketType: a.pointee.ai_socktype, proto: a.pointee.ai_protocol, bytes: Array(bytes)))
            }
            p = a.pointee.ai_next
        }
        guard !out.isEmpty else { throw Failure.failed("connection failed: no address for \(host)") }
        return out
    }
}

/// A point on the monotonic clock.
struct Deadline {
    let at: UInt64

    init(seconds: Double) {
        at = DispatchTime.now().uptimeNanoseconds &+ UInt64(max(0, min(seconds, 1e6)) * 1e9)
    }

    var remainingMilliseconds: Int32 {
        let now = DispatchTime.now().uptimeNanoseconds
        guard now < at else { return 0 }
        return Int32(min(UInt64(Int32.max), (at - now + 999_999) / 1_000_000))
    }
}

/// A non-blocking socket, plain or TLS, every wait bounded by the exchange's deadline.
final class Connection {
    private let fd: Int32
    private var ssl: OpaquePointer?
    private let deadline: Deadline

    private init(fd: Int32, deadline: Deadline) {
        self.fd = fd
        self.deadline = deadline
    }

    deinit {
        if let ssl { SSL_free(ssl) }
        close(fd)
    }

    static func open(_ addresses: [HTTPExchange.Address], deadline: Deadline) throws -> Connection {
        var last = "connection failed"
        for a in addresses {
            let fd = socket(a.family, a.socketType | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), a.proto)
            guard fd >= 0 else { last = "connection failed: \(String(cString: strerror(errno)))"; continue }
            let c = Connection(fd: fd, deadline: deadline)
            let r = a.bytes.withUnsafeBytes { connect(fd, $0.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t($0.count)) }
            if r == 0 { return c }
            guard errno == EINPROGRESS else { last = "connection failed: \(String(cString: strerror(errno)))"; continue }
            try c.wait(Int16(POLLOUT))
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
            if error == 0 { return c }
            last = HTTPExchange.connectionFailed(error)
        }
        throw HTTPExchange.Failure.failed(last)
    }

    /// Waits until the socket is ready for `events`, or throws `timedOut` at the deadline.
    func wait(_ events: Int16) throws {
        while true {
            var p = pollfd(fd: fd, events: events, revents: 0)
            let ms = deadline.remainingMilliseconds
            guard ms > 0 else { throw HTTPExchange.Failure.timedOut }
            let n = poll(&p, 1, ms)
            if n > 0 { return }
            if n == 0 { throw HTTPExchange.Failure.timedOut }
            if errno != EINTR { throw HTTPExchange.Failure.failed("connection failed: \(String(cString: strerror(errno)))") }
        }
    }

    func startTLS(host: String, context tls: TLSContext) throws {
        guard let context = tls.context, let ssl = SSL_new(context) else {
            throw HTTPExchange.Failure.failed("TLS unavailable: \(TLSContext.lastError())")
        }
        self.ssl = ssl
        SSL_set_fd(ssl, fd)
        let isAddress = (try? HTTPExchange.resolveNumeric(host)) ?? false
        if isAddress {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host)
        } else {
            _ = incentives_tls_set_sni(ssl, host)
            SSL_set1_host(ssl, host)
        }
        while true {
            ERR_clear_error()
            let r = SSL_connect(ssl)
            if r == 1 { return }
            let e = SSL_get_error(ssl, r)
            switch e {
            case SSL_ERROR_WANT_READ: try wait(Int16(POLLIN))
            case SSL_ERROR_WANT_WRITE: try wait(Int16(POLLOUT))
            default:
                let verify = SSL_get_verify_result(ssl)
                if verify != X509_V_OK {
                    throw HTTPExchange.Failure.failed("TLS handshake failed: certificate not trusted (\(String(cString: X509_verify_cert_error_string(verify))))")
                }
                throw HTTPExchange.Failure.failed("TLS handshake failed: \(TLSContext.lastError())")
            }
        }
    }

    func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n: Int = bytes[sent...].withUnsafeBytes { b in
                if let ssl {
                    ERR_clear_error()
                    let r = SSL_write(ssl, b.baseAddress, Int32(min(b.count, Int(Int32.max))))
                    if r > 0 { return Int(r) }
                    switch SSL_get_error(ssl, r) {
                    case SSL_ERROR_WANT_READ: return -2
                    case SSL_ERROR_WANT_WRITE: return -3
                    default: return -1
                    }
                }
                let r = send(fd, b.baseAddress, b.count, Int32(MSG_NOSIGNAL))
                if r >= 0 { return r }
                return errno == EAGAIN || errno == EWOULDBLOCK ? -3 : (errno == EINTR ? 0 : -1)
            }
            switch n {
            case -2: try wait(Int16(POLLIN))
            case -3: try wait(Int16(POLLOUT))
            case ..<0: throw HTTPExchange.Failure.failed("connection failed: the request could not be sent (\(ssl == nil ? String(cString: strerror(errno)) : TLSContext.lastError()))")
            default: sent += n
            }
        }
    }

    /// Appends at most `max` bytes; 0 at the end of the stream.
    func read(into buffer: inout [UInt8], max: Int) throws -> Int {
        var chunk = [UInt8](repeating: 0, count: max)
        while true {
            let n: Int = chunk.withUnsafeMutableBytes { b in
                if let ssl {
                    ERR_clear_error()
                    let r = SSL_read(ssl, b.baseAddress, Int32(b.count))
                    if r > 0 { return Int(r) }
                    switch SSL_get_error(ssl, r) {
                    case SSL_ERROR_WANT_READ: return -2
                    case SSL_ERROR_WANT_WRITE: return -3
                    case SSL_ERROR_ZERO_RETURN: return 0
                    default: return -1
                    }
                }
                let r = recv(fd, b.baseAddress, b.count, 0)
                if r >= 0 { return r }
                return errno == EAGAIN || errno == EWOULDBLOCK ? -2 : (errno == EINTR ? -4 : -1)
            }
            switch n {
            case -4: continue
            case -2: try wait(Int16(POLLIN))
            case -3: try wait(Int16(POLLOUT))
            case ..<0:
                // A reset or a TLS stream cut short ends what can be read; what was read stands.
                return 0
            default:
                buffer += chunk[..<n]
                return n
            }
        }
    }
}

extension HTTPExchange {
    /// The reason given when a connection attempt ends with `code` (ECONNREFUSED: "connection failed: Connection refused").
    static func connectionFailed(_ code: Int32) -> String {
        "connection failed: \(String(cString: strerror(code)))"
    }

    /// True when `host` is an IP address literal.
    static func resolveNumeric(_ host: String) throws -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

/// A TLS client context: TLS 1.2 or later, the peer's certificate and name verified against the system's trusted
/// certificates (`SSL_CERT_FILE` and `SSL_CERT_DIR` override them, as for every OpenSSL client), or against one
/// PEM file of certificates (the tests' own authority).
final class TLSContext: @unchecked Sendable {  // immutable after init; SSL_CTX is safe to share between threads
    static let shared = TLSContext(trusting: nil)
    let context: OpaquePointer?

    init(trusting file: String?) {
        guard let ctx = SSL_CTX_new(TLS_client_method()) else { context = nil; return }
        _ = incentives_tls_ctx_min_tls12(ctx)
        _ = incentives_tls_ctx_moving_buffers(ctx)
        if let file {
            SSL_CTX_load_verify_locations(ctx, file, nil)
        } else {
            SSL_CTX_set_default_verify_paths(ctx)
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        context = ctx
    }

    deinit { if let context { SSL_CTX_free(context) } }

    static func lastError() -> String {
        let code = ERR_get_error()
        guard code != 0 else { return "the connection closed" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
