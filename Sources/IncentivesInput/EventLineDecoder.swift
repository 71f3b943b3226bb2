import CJSONLines
import IncentivesCore

/// Turns one events.jsonl line into a validated `Event`, or the reason it is rejected (CONTRACT §1, §4).
/// simdjson parses; this type only checks fields. Not thread-safe: one decoder per reading thread.
public final class EventLineDecoder {
    private let parser: OpaquePointer

    public init() {
        guard let p = jl_parser_new() else { fatalError("simdjson parser allocation failed") }
        parser = p
    }

    deinit { jl_parser_free(parser) }

    public func decode(_ line: UnsafeRawBufferPointer) -> Result<Event, Rejection> {
        var out = jl_event()
        var message: UnsafePointer<CChar>?
        let status = jl_parse_event(parser, line.baseAddress?.assumingMemoryBound(to: CChar.self), line.count, &out, &message)
        switch Int(status) {
        case Int(JL_OK.rawValue): break
        case Int(JL_NOT_OBJECT.rawValue): return .failure(Rejection(.invalidJSON, field: nil, "not a JSON object"))
        case Int(JL_DUPLICATE_KEY.rawValue):
            // Parsers disagree on which of two same-named fields wins: a line that says two things is refused.
            let key = String(decoding: UnsafeRawBufferPointer(start: out.duplicate.ptr, count: out.duplicate.len), as: UTF8.self)
            return .failure(Rejection(.duplicateKey, field: key, "appears twice in the line; which one was meant is unclear"))
        default:
            let why = message.map { String(cString: $0) } ?? "parse error"
            return .failure(Rejection(.invalidJSON, field: nil, "not valid JSON (\(why))"))
        }

        let id: String, user: String
        switch Self.requiredString(out.id, "id") { case .success(let v): id = v; case .failure(let e): return .failure(e) }
        let type: EventType
        switch Self.requiredField(out.type, "type") {
        case .failure(let e): return .failure(e)
        case .success(let raw):
            guard let known = EventType(utf8: raw) else {
                let typeName = String(decoding: raw, as: UTF8.self)
                return .failure(Rejection(.unknownType, field: "type", "unknown event type \(JSONText.quote(typeName))"))
            }
            type = known
        }
        switch Self.requiredString(out.user, "user") { case .success(let v): user = v; case .failure(let e): return .failure(e) }
        let instant: Instant
        switch Self.requiredField(out.at, "at") {
        case .failure(let e): return .failure(e)
        case .success(let raw):
            switch Instant.parseRFC3339(raw) {
            case .success(let i): instant = i
            case .failure(let e): return .failure(Rejection(.badTimestamp, field: "at", "\(e): \(JSONText.quote(String(decoding: raw, as: UTF8.self)))"))
            }
        }
        var category: String?
        if type.needsCategory {
            switch Self.requiredString(out.category, "category") {
            case .success(let v): category = v
            case .failure(let e): return .failure(e)
            }
        }
        return .success(Event(id: id, type: type, user: user, at: instant, category: category))
    }

    private static func requiredField(_ f: jl_field, _ name: String) -> Result<UnsafeRawBufferPointer, Rejection> {
        switch Int(f.presence) {
        case Int(JL_STRING.rawValue):
            guard f.len > 0 else { return .failure(Rejection(.missingField, field: name, "must not be empty")) }
            let bytes = UnsafeRawBufferPointer(start: f.ptr, count: f.len)
            // PostgreSQL cannot store U+0000 in text: refused in every input, so every store keeps what replay keeps.
            guard !bytes.contains(0) else { return .failure(Rejection(.nulCharacter, field: name, JSONScan.nulReason)) }
            return .success(bytes)
        case Int(JL_OTHER.rawValue):
            return .failure(Rejection(.wrongType, field: name, "expected a string"))
        default:
            return .failure(Rejection(.missingField, field: name, "missing"))
        }
    }

    private static func requiredString(_ f: jl_field, _ name: String) -> Result<String, Rejection> {
        requiredField(f, name).map { String(decoding: $0, as: UTF8.self) }
    }
}
