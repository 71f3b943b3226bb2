import Foundation
import IncentivesCore
import IncentivesStream

/// How a command names a NATS JetStream stream and reaches it, once for `ingest`, `publish`, `demo-feed` and
/// `bench stream`: the URL (or `nats:STREAM` with the server from `$NATS_URL`), the certificate authorities for
/// `tls://` (`--ca FILE` or `$NATS_CA`), the subject, and the exit status of each `StreamError`.
enum StreamAccess {
    /// The variable naming the CA file when `--ca` is not given (the official NATS tools read it too).
    static let caVariable = "NATS_CA"

    static let optionHelp = """
      --ca FILE        for a tls:// URL: the certificate authorities (PEM) that sign the server's certificate
                       (default $NATS_CA; without either, the system's)
      --subject S      the subject (default incentives.events)
    The server may also come from $NATS_URL, as the official NATS tools read it (nats://[USER:PASSWORD@]HOST:PORT,
    or tls://…, optionally ending in /STREAM): nats:STREAM names a stream on that server, nats: the stream
    $NATS_URL ends in. Credentials (USER:PASSWORD@ or TOKEN@) are sent to the server and never printed.
    """

    /// The stream `text` names (`option` is the flag it came from, for the message; nil `text`: `$NATS_URL`'s), with
    /// its CA file: 64 for a bad URL or a --ca without tls://, 66 for a CA file that is missing.
    static func url(_ text: String?, option: String, _ args: Arguments,
                    environment: [String: String] = ProcessInfo.processInfo.environment) throws -> NATSStreamURL {
        var url: NATSStreamURL
        do { url = try NATSStreamURL.resolve(text, environment: environment) } catch let e as NATSStreamURL.Invalid {
            throw Arguments.UsageError(message: "--\(option): \(e.description)")
        }
        let ca = args.value("ca") ?? environment[caVariable].flatMap { $0.isEmpty ? nil : $0 }
        if let ca {
            guard url.scheme == "tls" else {
                // $NATS_CA set for other work does not stop a nats:// command; --ca written with one is a mistake.
                if args.value("ca") != nil {
                    throw Arguments.UsageError(message: "--ca is for a tls:// URL (\(url.display) is not encrypted)")
                }
                return url
            }
            guard FileManager.default.isReadableFile(atPath: ca) else {
                throw CommandFailure(.noInput, "\(ca): no such file (or not readable): the CA for \(url.display)"
                                     + (args.value("ca") == nil ? " ($\(caVariable))" : ""))
            }
            url.caFile = ca
        }
        return url
    }

    /// `--subject`, or the default: 64 for one with a space or a line end.
    static func subject(_ args: Arguments) throws -> String {
        let subject = args.value("subject") ?? NATSStreamURL.defaultSubject
        guard !subject.isEmpty, !subject.contains(where: { $0 == " " || $0.isNewline }) else {
            throw Arguments.UsageError(message: "--subject must be a NATS subject without spaces, got \(JSONText.quote(subject))")
        }
        return subject
    }

    static func exitCode(_ e: StreamError) -> ExitCode {
        switch e.kind {
        case .unreachable, .failed: return .unavailable
        case .noStream: return .noInput
        case .refused: return .noPermission
        case .mismatch: return .config
        }
    }
}
