import CNATS
import Foundation
import IncentivesCore

/// Publishes event lines to a JetStream stream, one message each, as an app's API would: each `publish` waits
/// for the server's acknowledgement (the event is then stored in the stream), and is timed, so that the cost
/// per event the app pays is measured, not guessed.
///
/// Each message carries a `Nats-Msg-Id` header made from the event id and a digest of the line
/// (`ID#DIGEST`): a publisher that retries the same event after a lost acknowledgement is deduplicated by the
/// server within its duplicate window, while a *different* event reusing an id still reaches the ingest, which
/// refuses it as a conflict (CONTRACT §4) rather than the server hiding it.
public final class NATSPublisher {
    public let url: NATSStreamURL
    public let subject: String
    private let connection: NATSConnection
    /// Whether `init` created the stream.
    public private(set) var createdStream = false
    /// Messages the server dropped as repeats of one it stored within its duplicate window (same `Nats-Msg-Id`).
    public private(set) var duplicatesDropped = 0
    /// Messages the server acknowledged.
    private var acknowledged = 0

    /// Connects and creates the stream (file storage, the one subject) when it is missing.
    public init(url: NATSStreamURL, subject: String = NATSStreamURL.defaultSubject) throws {
        self.url = url
        self.subject = subject
        connection = try NATSConnection(url, name: "incentives publish")
        if try !connection.streamExists() {
            var config = jsStreamConfig()
            jsStreamConfig_Init(&config)
            let name = strdup(url.stream), subj = strdup(subject)
            defer { free(name); free(subj) }
            var subjects: [UnsafePointer<CChar>?] = [UnsafePointer(subj)]
            var info: UnsafeMutablePointer<jsStreamInfo>?
            var code = jsErrCode(0)
            let s = subjects.withUnsafeMutableBufferPointer { list -> natsStatus in
                config.Name = UnsafePointer(name)
                config.Subjects = list.baseAddress
                config.SubjectsLen = 1
                config.Storage = js_FileStorage
                return js_AddStream(&info, connection.js, &config, &connection.jsOpts, &code)
            }
            if let info { jsStreamInfo_Destroy(info) }
            let overlap = code == JSStreamSubjectOverlapErr
            try connection.check(s, "cannot create the stream with subject \(subject)\(overlap ? "; another stream takes it: give this one its own with --subject" : "")",
                                 kind: overlap ? .mismatch : .failed)
            createdStream = true
        }
    }

    /// The header's value for a line: `ID#DIGEST` when the line has an id, else nil (a poison line: no header).
    public static func messageID(eventID: String?, line: UnsafeRawBufferPointer) -> String? {
        guard let eventID else { return nil }
        var h = FNV1a()
        for b in line { h.add(UInt64(b)) }
        return eventID + "#" + String(h.value, radix: 16)
    }

    /// How long one message is sent again, after its acknowledgement did not come, before the publish fails.
    public var retryFor = 60.0

    /// Publishes one line and waits for the stream's acknowledgement; returns its stream sequence.
    ///
    /// A connection lost before the acknowledgement came (a timeout, or the library reconnecting) is what the
    /// app-side contract says to retry (DESIGN §8): the same message is sent again, with its `Nats-Msg-Id`, after a
    /// wait that doubles from a quarter second, each said on stderr, for `retryFor` seconds; the server keeps one
    /// copy of a message it did store (its duplicate window is minutes). A line without an id carries no header, and
    /// a resend of it might be stored twice: it is no event, and becomes a reject either way.
    public func publish(_ line: UnsafeRawBufferPointer, messageID: String?) throws -> UInt64 {
        var attempt = 0
        let first = NATSEventSource.now()
        while true {
            do {
                return try publishOnce(line, messageID: messageID)
            } catch let e as Retry {
                attempt += 1
                guard NATSEventSource.now() - first < retryFor else {
                    throw StreamError(kind: .unreachable, description: url.redacting("\(url.display): publishing failed (\(e.why)); no acknowledgement for \(Int(retryFor)) s"))
                }
                let ms = NATSConnection.reconnectDelayMilliseconds(attempt: attempt)
                NATSConnection.say("incentives: no acknowledgement from the NATS server (\(e.why)); sending the message again in \(String(format: "%.2f", Double(ms) / 1000)) s\n")
                usleep(UInt32(ms * 1000))
            }
        }
    }

    /// A publish that may be sent again: no acknowledgement came, or the connection is not up.
    private struct Retry: Error {
        let why: String
    }

    private func publishOnce(_ line: UnsafeRawBufferPointer, messageID: String?) throws -> UInt64 {
        var msg: OpaquePointer?
        try connection.check(natsMsg_Create(&msg, subject, nil, line.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(line.count)),
                             "cannot make a message")
        defer { natsMsg_Destroy(msg) }
        if let messageID { try connection.check(natsMsgHeader_Set(msg, "Nats-Msg-Id", messageID), "cannot set Nats-Msg-Id") }
        var ack: UnsafeMutablePointer<jsPubAck>?
        var code = jsErrCode(0)
        let s = js_PublishMsg(&ack, connection.js, msg, nil, &code)
        defer { if let ack { jsPubAck_Destroy(ack) } }
        let connected = natsConnection_Status(connection.nc) == NATS_CONN_STATUS_CONNECTED
        // No responders after messages were acknowledged on this subject: the stream is there, not up yet (a server
        // restarting recovers its streams after it accepts connections).
        if s == NATS_TIMEOUT || (s != NATS_OK && !connected) || (s == NATS_NO_RESPONDERS && acknowledged > 0) {
            throw Retry(why: url.redacting(NATSConnection.lastError(s)))
        }
        if s == NATS_NO_RESPONDERS {
            throw StreamError(kind: .mismatch, description: "\(url.display): no stream takes subject \(subject) (give the stream's subject with --subject)")
        }
        try connection.check(s, "publishing failed")
        acknowledged += 1
        if ack?.pointee.Duplicate == true { duplicatesDropped += 1 }
        return ack?.pointee.Sequence ?? 0
    }
}
