import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStream
#if canImport(Glibc)
import Glibc
#endif

/// `incentives publish`: an events file's lines into a NATS JetStream stream, as an app's API would publish
/// them, with the publisher's cost per event measured.
enum PublishCommand: Command {
    static let name = "publish"
    static let summary = "publish an events file to a NATS JetStream stream (the app's side)"
    static let valuedOptions: Set<String> = ["to", "events", "subject", "ca"]
    static let help = """
    Usage: incentives publish [--to nats://[USER:PASSWORD@]HOST:PORT/STREAM|tls://…|nats:STREAM] --events FILE|-
                              [--subject S] [--ca FILE]

    Publishes each non-blank line of FILE (- reads stdin) as one message on the stream's subject, in file
    order, and waits for the server's acknowledgement of each (the event is then stored in the stream), as an
    app's API would. The stream is created (file storage, the one subject) when it is missing. Each message
    carries a Nats-Msg-Id header made from the event id and a digest of the line, so that a publisher retrying
    the same event is deduplicated by the server while a different event reusing an id still reaches the ingest
    (which refuses it as a conflict). 'incentives ingest --events nats://…' reads the stream into a database.

      --to URL         the stream (default: $NATS_URL, ending in /STREAM)
      --events FILE    events, one JSON object a line; - reads stdin
    \(StreamAccess.optionHelp)

    stderr: the count, the stream sequences, and the publish cost per event (p50/p99 microseconds, from
            handing the message to the client library to the server's acknowledgement).

    A connection lost mid-run is retried with backoff, said on stderr; a message whose acknowledgement did not
    come is sent again with its header (the server keeps one copy), for up to 60 s.

    Exit status: 0 published; 64 bad usage; 66 events file (or --ca file) missing; 69 NATS server unreachable at
                 the start, or no acknowledgement for 60 s (the lines before it are published), or its TLS
                 certificate not signed by the CA given; 77 login refused; 78 no stream takes the subject, or the
                 stream to create would take a subject another stream takes.

    Example:
      incentives publish --to nats://127.0.0.1:4222/EVENTS --events Assets/demo/events.jsonl

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let events = try args.required("events")
        let url = try StreamAccess.url(args.value("to"), option: "to", args)
        let subject = try StreamAccess.subject(args)
        let fd: Int32
        do { fd = try InputFile.open(events) } catch { throw CommandFailure(.noInput, error.description) }
        let reader = try LineReader(fd: fd, ownsDescriptor: events != "-")
        let publisher: NATSPublisher
        do { publisher = try NATSPublisher(url: url, subject: subject) } catch let e as StreamError {
            throw CommandFailure(StreamAccess.exitCode(e), e.description)
        }
        if publisher.createdStream { printError("created stream \(url.display) with subject \(subject)") }
        let display = InputFile.displayName(events)
        let decoder = EventLineDecoder()
        var micros: [Double] = []
        var first: UInt64 = 0, last: UInt64 = 0
        var skipped = 0
        do {
            try reader.forEachLine { line in
                guard let bytes = line.bytes else {
                    skipped += 1
                    printError("\(display):\(line.number): longer than \(LineReader.maxLineLength) bytes; not published")
                    return true
                }
                if LineSplitter.isBlank(bytes) { return true }
                let id = try? decoder.decode(bytes).get().id
                let messageID = NATSPublisher.messageID(eventID: id, line: bytes)
                let t0 = monotonicSeconds()
                let seq = try publisher.publish(bytes, messageID: messageID)
                micros.append((monotonicSeconds() - t0) * 1e6)
                if first == 0 { first = seq }
                last = seq
                return true
            }
        } catch let e as StreamError {
            throw CommandFailure(StreamAccess.exitCode(e), e.description + " after \(micros.count) events published")
        } catch let e as LineReader.RunawayLine {
            throw CommandFailure(.dataError, "\(display): \(e) (\(micros.count) events published before it)")
        } catch let e as LineReader.ReadError {
            throw CommandFailure(.ioError, "\(display): read failed: \(e.reason) (\(micros.count) events published before it)")
        }
        micros.sort()
        var summary = "published \(micros.count) events to \(url.display) (subject \(subject)"
        if !micros.isEmpty { summary += ", seq \(first)-\(last)" }
        summary += ")"
        if publisher.duplicatesDropped > 0 {
            summary += "; \(publisher.duplicatesDropped) of them dropped by the server as repeats of a message sent within its duplicate window"
        }
        if skipped > 0 { summary += "; \(skipped) lines too long, not published" }
        if !micros.isEmpty {
            summary += String(format: "; publish cost per event: p50 %.0f µs, p99 %.0f µs", percentile(micros, 0.50), percentile(micros, 0.99))
        }
        printError(summary)
        return .ok
    }

    /// The value at `q` of sorted values (nearest rank).
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        sorted[min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))]
    }

    static func monotonicSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }
}
