import CNATS
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What went wrong with the stream, and what kind of wrong: the CLI picks its exit status from `kind`.
/// Messages name the stream by `NATSStreamURL.display`: never with credentials.
public struct StreamError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable {
        /// No server at the address, or no JetStream on it (exit 69).
        case unreachable
        /// The server has no such stream (exit 66).
        case noStream
        /// The server refused the login (exit 77).
        case refused
        /// The stream and the subject do not go together: no stream takes the subject, or another stream takes it
        /// already (exit 78: a configuration to correct, not a service to wait for).
        case mismatch
        /// Anything else the library or the server reported mid-way (exit 69: the service is not usable).
        case failed
    }

    public let kind: Kind
    public let description: String
}

/// One connection to a NATS server with its JetStream context. The client library reconnects by itself when
/// the connection drops (forever, with backoff: `reconnectDelayMilliseconds`), saying so on stderr; the ordered
/// consumer then resumes after the last message it delivered. `tls://` connects with TLS, trusting `url.caFile`.
final class NATSConnection {
    let url: NATSStreamURL
    private(set) var nc: OpaquePointer?
    private(set) var js: OpaquePointer?
    var jsOpts = CNATS.jsOptions()

    /// Set once a connection is closed on purpose, so that the library's "disconnected" callback, which runs later
    /// on its own thread, stays quiet (a process closes its connections only as it ends).
    nonisolated(unsafe) static var closing: sig_atomic_t = 0

    init(_ url: NATSStreamURL, name: String) throws {
        self.url = url
        var opts: OpaquePointer?
        try check(natsOptions_Create(&opts), "cannot set up the client")
        defer { natsOptions_Destroy(opts) }
        _ = natsOptions_SetURL(opts, url.serverURL)
        _ = natsOptions_SetName(opts, name)
        _ = natsOptions_SetTimeout(opts, 2_000)
        if let ca = url.caFile {
            // Loaded now: a file that is no certificate is said before any connection is tried.
            try check(natsOptions_LoadCATrustedCertificates(opts, ca), "cannot load the certificate authorities of \(ca)", kind: .unreachable)
        }
        if url.scheme == "tls" { try check(natsOptions_SetSecure(opts, true), "cannot set up TLS", kind: .unreachable) }
        _ = natsOptions_SetMaxReconnect(opts, -1)
        // Retried forever, with backoff: the wait doubles from a quarter second up to `maxReconnectWait`, each retry said.
        _ = natsOptions_SetCustomReconnectDelay(opts, { _, attempts, _ in
            let ms = NATSConnection.reconnectDelayMilliseconds(attempt: Int(attempts))
            NATSConnection.say("incentives: NATS server still unreachable (attempt \(attempts)); retrying in \(String(format: "%.2f", Double(ms) / 1000)) s\n")
            return ms
        }, nil)
        // A large client-side buffer: the library drops messages for a subscription past its limits (slow consumer).
        _ = natsOptions_SetMaxPendingMsgs(opts, 1_000_000)
        _ = natsOptions_SetDisconnectedCB(opts, { connection, _ in
            if NATSConnection.closing == 0, let nc = connection, !natsConnection_IsClosed(nc) { NATSConnection.say("incentives: connection to the NATS server lost; reconnecting\n") }
        }, nil)
        _ = natsOptions_SetReconnectedCB(opts, { _, _ in NATSConnection.say("incentives: reconnected to the NATS server\n") }, nil)
        var conn: OpaquePointer?
        let s = natsConnection_Connect(&conn, opts)
        guard s == NATS_OK else {
            let why = Self.lastError(s)
            let lower = why.lowercased()
            let refused = lower.contains("authorization") || lower.contains("authentication")
            let tls = s == NATS_SSL_ERROR || s == NATS_SECURE_CONNECTION_REQUIRED || s == NATS_SECURE_CONNECTION_WANTED
                || lower.contains("ssl") || lower.contains("certificate") || lower.contains("handshake")
            let hint: String
            if tls && url.scheme == "tls" {
                hint = "; the server's certificate must be signed by an authority in --ca FILE or $NATS_CA (without either: the system's)"
            } else if tls {
                hint = "; a server that requires TLS takes a tls:// URL"
            } else {
                hint = ""
            }
            throw StreamError(kind: refused ? .refused : .unreachable,
                              description: url.redacting("\(url.display): cannot connect to the NATS server (\(why))\(hint)"))
        }
        nc = conn
        jsOptions_Init(&jsOpts)
        jsOpts.Wait = 5_000
        var ctx: OpaquePointer?
        try check(natsConnection_JetStream(&ctx, nc, &jsOpts), "cannot use JetStream")
        js = ctx
    }

    deinit {
        NATSConnection.closing = 1
        if let js { jsCtx_Destroy(js) }
        if let nc {
            natsConnection_Close(nc)
            natsConnection_Destroy(nc)
        }
    }

    /// Whether the stream exists; throws when the server cannot say (JetStream off, no answer).
    func streamExists() throws -> Bool { try streamCreated() != nil }

    /// When the stream was created (nanoseconds since 1970), nil when it does not exist; throws when the server
    /// cannot say (JetStream off, no answer).
    func streamCreated() throws -> Int64? {
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(0)
        let s = js_GetStreamInfo(&info, js, url.stream, &jsOpts, &code)
        let created = info?.pointee.Created
        if let info { jsStreamInfo_Destroy(info) }
        if s == NATS_OK { return created ?? 0 }
        if s == NATS_NOT_FOUND || code == JSStreamNotFoundErr { return nil }
        if s == NATS_NO_RESPONDERS || code == JSNotEnabledErr || code == JSNotEnabledForAccountErr {
            throw StreamError(kind: .unreachable, description: "\(url.display): JetStream is not enabled on the server (start it with nats-server -js)")
        }
        throw StreamError(kind: .failed, description: url.redacting("\(url.display): cannot look the stream up (\(Self.lastError(s)))"))
    }

    /// The stream's creation time; throws `StreamError.noStream` when the stream is missing.
    func requireStream() throws -> Int64 {
        guard let created = try streamCreated() else {
            throw StreamError(kind: .noStream, description: "\(url.display): no such stream on the server (create it with incentives publish, or nats stream add)")
        }
        return created
    }

    func check(_ s: natsStatus, _ what: String, kind: StreamError.Kind = .failed) throws {
        guard s == NATS_OK else {
            throw StreamError(kind: kind, description: url.redacting("\(url.display): \(what) (\(Self.lastError(s)))"))
        }
    }

    /// The library's last error text on this thread, or the status's.
    static func lastError(_ s: natsStatus) -> String {
        var status = NATS_OK
        if let text = nats_GetLastError(&status), text.pointee != 0 {
            // The library puts where it failed first: "(conn.c:2088): No server available for connection".
            let message = String(cString: text)
            if message.hasPrefix("("), let end = message.range(of: "): ") { return String(message[end.upperBound...]) }
            return message
        }
        return String(cString: natsStatus_GetText(s))
    }

    /// The longest wait between two reconnection attempts.
    static let maxReconnectWait = 5_000

    /// The wait before reconnection attempt `attempt` (1, 2, …): 250 ms doubling to `maxReconnectWait`, with up to
    /// a tenth more at random so that many ingests cut off together do not all come back at the same instant.
    static func reconnectDelayMilliseconds(attempt: Int) -> Int64 {
        let base = min(maxReconnectWait, 250 << min(max(attempt - 1, 0), 10))
        return Int64(base + Int.random(in: 0...(base / 10)))
    }

    /// Writes to stderr from any thread (the library's callbacks run on its own).
    static func say(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
    }
}
