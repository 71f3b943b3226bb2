import Foundation

/// A JetStream stream named by a URL: `nats://[USER:PASSWORD@|TOKEN@]HOST[:PORT]/STREAM` (`tls://` for TLS), or
/// `nats:STREAM` with the server from `$NATS_URL` (`resolve`).
/// The credentials go to the server only: `display` and every message name the stream without them.
public struct NATSStreamURL: Sendable, Equatable {
    public let scheme: String
    public let host: String
    public let port: Int
    public let stream: String
    /// `USER:PASSWORD` or `TOKEN`, as written (percent-encoded), nil without.
    private let userInfo: String?

    /// The subject events are published on and read from when none is given (`--subject`).
    public static let defaultSubject = "incentives.events"

    /// Whether `text` names a stream rather than a file: it starts with `nats:` (`nats://…`, or `nats:STREAM` with
    /// the server from `$NATS_URL`) or `tls://` (a file of such a name is read as `./nats:…`).
    public static func isStream(_ text: String) -> Bool {
        text.hasPrefix("nats:") || text.hasPrefix("tls://")
    }

    /// A URL that is not a stream's (the CLI exits 64); its text never holds the credentials.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(_ text: String) throws {
        try self.init(parsing: text, streamRequired: true)
    }

    /// `text` parsed; without `streamRequired`, a server's URL alone (`nats://HOST:PORT`, as `$NATS_URL` holds) is
    /// taken too, its `stream` empty.
    init(parsing text: String, streamRequired: Bool) throws {
        guard let sep = text.range(of: "://") else { throw Invalid(description: "not a nats:// URL") }
        // A list (`nats://a:4222,nats://b:4222`, as NATS tools accept) would otherwise read as a bad port or stream.
        guard !text.contains(",") else {
            throw Invalid(description: "one server, not a list (the client learns a cluster's other servers from the one it reaches)")
        }
        scheme = String(text[..<sep.lowerBound])
        guard scheme == "nats" || scheme == "tls" else { throw Invalid(description: "\(scheme)://…: the scheme must be nats:// or tls://") }
        var rest = text[sep.upperBound...]
        let slash = rest.firstIndex(of: "/")
        guard slash != nil || !streamRequired else {
            throw Invalid(description: "\(scheme)://…: no stream: write \(scheme)://HOST:PORT/STREAM")
        }
        var authority = rest[..<(slash ?? rest.endIndex)]
        rest = slash.map { rest[rest.index(after: $0)...] } ?? rest[rest.endIndex...]
        if let at = authority.lastIndex(of: "@") {
            userInfo = String(authority[..<at])
            authority = authority[authority.index(after: at)...]
        } else {
            userInfo = nil
        }
        var hostPart = authority
        var portNumber = 4222
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            hostPart = authority[..<colon]
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else {
                throw Invalid(description: "\(scheme)://\(hostPart):…: the port must be a number from 1 to 65535")
            }
            portNumber = p
        }
        guard !hostPart.isEmpty else { throw Invalid(description: "\(scheme)://…: no host") }
        host = String(hostPart)
        port = portNumber
        let name = String(rest)
        if name.isEmpty && !streamRequired {
            stream = ""
            return
        }
        try Self.checkStreamName(name, in: "\(scheme)://\(host):\(port)/…")
        stream = name
    }

    /// JetStream stream names: no spaces, dots, wildcards or path separators (they become subjects and file names).
    static func checkStreamName(_ name: String, in context: String) throws {
        let forbidden = Set(" \t.*>/\\")
        guard !name.isEmpty, name.count <= 255, !name.contains(where: { forbidden.contains($0) || $0.isNewline || ($0.asciiValue ?? 32) < 32 }) else {
            throw Invalid(description: "\(context): the stream name must be non-empty, with no spaces, dots, '*', '>' or '/'")
        }
    }

    private init(copying server: NATSStreamURL, stream: String) {
        scheme = server.scheme
        host = server.host
        port = server.port
        userInfo = server.userInfo
        self.stream = stream
        caFile = server.caFile
    }

    /// The environment variable that names the server when a command is given `nats:STREAM` or `nats:` (or no
    /// `--to` for `publish`), as the official NATS tools read it: `nats://[USER:PASSWORD@|TOKEN@]HOST[:PORT]` or
    /// `tls://…`, optionally ending in `/STREAM`.
    public static let environmentVariable = "NATS_URL"

    /// The stream a command names: `nats://…/STREAM` or `tls://…/STREAM` as written; `nats:STREAM`, the stream on
    /// the server `$NATS_URL` names; `nats:` or nil, the server and stream both from `$NATS_URL` (which then ends in
    /// `/STREAM`). Errors quote neither the credentials nor `$NATS_URL`'s text.
    public static func resolve(_ text: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> NATSStreamURL {
        if let text, text.contains("://") { return try NATSStreamURL(text) }
        let named: String
        if let text {
            guard text.hasPrefix("nats:") else { throw Invalid(description: "not a nats:// URL") }
            named = String(text.dropFirst("nats:".count))
        } else {
            named = ""
        }
        guard let env = environment[environmentVariable], !env.isEmpty else {
            throw Invalid(description: "\(text ?? "no URL"): the server comes from $\(environmentVariable), which is not set "
                          + "(export \(environmentVariable)=nats://HOST:PORT, or write nats://HOST:PORT/STREAM)")
        }
        let server: NATSStreamURL
        do {
            server = try NATSStreamURL(parsing: env.contains("://") ? env : "nats://" + env, streamRequired: false)
        } catch let e as Invalid {
            throw Invalid(description: "$\(environmentVariable): \(e.description)")
        }
        if named.isEmpty {
            guard !server.stream.isEmpty else {
                throw Invalid(description: "$\(environmentVariable) names no stream: write nats:STREAM, or end $\(environmentVariable) in /STREAM")
            }
            return server
        }
        try checkStreamName(named, in: "nats:\(named)")
        return NATSStreamURL(copying: server, stream: named)
    }

    /// The file of the certificate authorities that sign the server's certificate, for `tls://` (nil: the
    /// system's). Read when connecting.
    public var caFile: String?

    /// `nats://HOST:PORT/STREAM`, without credentials: for messages, rejects and the store's record of the ingest.
    public var display: String { "\(scheme)://\(host):\(port)/\(stream)" }

    /// The server's URL for the client library, with the credentials.
    var serverURL: String { "\(scheme)://" + (userInfo.map { $0 + "@" } ?? "") + "\(host):\(port)" }

    /// `text` with the credentials (as written, and decoded) removed: library messages may quote the URL.
    func redacting(_ text: String) -> String {
        guard let userInfo, !userInfo.isEmpty else { return text }
        var out = text.replacingOccurrences(of: userInfo, with: "***")
        if let decoded = userInfo.removingPercentEncoding, !decoded.isEmpty { out = out.replacingOccurrences(of: decoded, with: "***") }
        return out
    }
}
