import Foundation

/// A JetStream stream named by a URL: `nats://[USER:PASSWORD@|TOKEN@]HOST[:PORT]/STREAM` (`tls://` for TLS).
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

    /// Whether `text` names a stream rather than a file: it starts with `nats://` or `tls://`.
    public static func isStream(_ text: String) -> Bool {
        text.hasPrefix("nats://") || text.hasPrefix("tls://")
    }

    /// A URL that is not a stream's (the CLI exits 64); its text never holds the credentials.
    public struct Invalid: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    public init(_ text: String) throws {
        guard let sep = text.range(of: "://") else { throw Invalid(description: "not a nats:// URL") }
        scheme = String(text[..<sep.lowerBound])
        guard scheme == "nats" || scheme == "tls" else { throw Invalid(description: "\(scheme)://…: the scheme must be nats:// or tls://") }
        var rest = text[sep.upperBound...]
        guard let slash = rest.firstIndex(of: "/") else {
            throw Invalid(description: "\(scheme)://…: no stream: write \(scheme)://HOST:PORT/STREAM")
        }
        var authority = rest[..<slash]
        rest = rest[rest.index(after: slash)...]
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
        // JetStream stream names: no spaces, dots, wildcards or path separators (they become subjects and file names).
        let forbidden = Set(" \t.*>/\\")
        guard !name.isEmpty, name.count <= 255, !name.contains(where: { forbidden.contains($0) || $0.isNewline || ($0.asciiValue ?? 32) < 32 }) else {
            throw Invalid(description: "\(scheme)://\(host):\(port)/…: the stream name must be non-empty, with no spaces, dots, '*', '>' or '/'")
        }
        stream = name
    }

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
