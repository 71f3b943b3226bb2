import Foundation
import IncentivesCore

/// `why` from the files, streamed: every user's events of the file through one intake (whether a line is a duplicate
/// or a conflict depends on every earlier line with its id, whoever's), this user's lines explained and handed to
/// `consumer` as they are made, none kept; the reading stops once the consumer has had enough (`--limit`).
/// What grows with the file is the intake's table of ids (a few tens of bytes an event), not the explanation.
public enum FileExplanation {
    /// nil when `user` is not on the roster. `linesRead` is told of each line read (tests count what a `--limit` read).
    public static func explain(user id: String, engine: Engine, events path: String, today: LocalDate?, program: String?,
                               to consumer: any ExplanationConsumer, linesRead: ((Int) -> Void)? = nil) throws -> Explanation? {
        let explainer: Explainer
        do {
            explainer = try Explainer(intake: Intake(engine: engine), user: id, program: program, streamingTo: consumer.take)
        } catch {
            return nil
        }
        consumer.begin(member: explainer.member, slots: explainer.namedSlots)
        let stream = EventStream(path: path)
        let file = stream.displayName
        let raw = path == "-" ? nil : FileHandle(forReadingAtPath: path)
        try stream.forEach { item in
            linesRead?(1)
            switch item.event {
            case .success(let e): explainer.take(e, file: file, line: item.line)
            case .failure(let why):
                // A refused line has no event; it is this user's when its JSON names them.
                if let raw, names(id, raw, from: item.offset, to: item.nextOffset) { explainer.refused(why, file: file, line: item.line) }
            }
            return !explainer.stopped
        }
        let day = today ?? engine.zone(of: id)!.localDate(of: Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down))))
        return explainer.explanation(today: day, program: program)
    }

    /// Whether the line between the offsets is a JSON object whose "user" is `id`.
    private static func names(_ id: String, _ file: FileHandle, from: Int64, to: Int64) -> Bool {
        guard to > from, to - from <= 1 << 20 else { return false }
        try? file.seek(toOffset: UInt64(from))
        guard let data = try? file.read(upToCount: Int(to - from)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["user"] as? String == id
    }
}
