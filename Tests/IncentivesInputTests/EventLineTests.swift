import Foundation
import IncentivesCore
import IncentivesInput
import Testing

@Suite("Event lines: every kind of bad line")
struct EventLineTests {
    private let decoder = EventLineDecoder()

    private func decode(_ line: String) -> Result<Event, Rejection> {
        var copy = line
        return copy.withUTF8 { decoder.decode(UnsafeRawBufferPointer($0)) }
    }

    @Test func aGoodLineBecomesAnEvent() throws {
        let e = try decode(#"{"id": "e-1", "type": "health_data_logged", "user": "u-1001", "at": "2026-03-02T23:30:00-06:00", "category": "mood", "device": {"os": "ios"}}"#).get()
        let at = try Instant.parseRFC3339("2026-03-03T05:30:00Z").get()
        #expect(e == Event(id: "e-1", type: .healthDataLogged, user: "u-1001", at: at, category: "mood"))
        let b = try decode(#"{"id": "e-2", "type": "birth_reported", "user": "u-1001", "at": "2026-06-14T09:12:00Z", "category": 5}"#).get()
        #expect(b.type == .birthReported)
        #expect(b.category == nil) // a birth's category is ignored
    }

    @Test(arguments: [
        ("not json", Rejection.Code.invalidJSON, nil as String?),
        (#"{"id": "x", "type": "health_data_logged""#, .invalidJSON, nil),
        (#"{"id": "x"} trailing"#, .invalidJSON, nil),
        (#"["id", "x"]"#, .invalidJSON, nil),
        (#"{"type": "health_data_logged", "user": "a", "at": "2026-03-02T10:00:00Z", "category": "m"}"#, .missingField, "id"),
        (#"{"id": null, "type": "health_data_logged", "user": "a", "at": "2026-03-02T10:00:00Z", "category": "m"}"#, .missingField, "id"),
        (#"{"id": "", "type": "health_data_logged", "user": "a", "at": "2026-03-02T10:00:00Z", "category": "m"}"#, .missingField, "id"),
        (#"{"id": 12, "type": "health_data_logged", "user": "a", "at": "2026-03-02T10:00:00Z", "category": "m"}"#, .wrongType, "id"),
        (#"{"id": "x", "user": "a", "at": "2026-03-02T10:00:00Z", "category": "m"}"#, .missingField, "type"),
        (#"{"id": "x", "type": "steps_logged", "user": "a", "at": "2026-03-02T10:00:00Z"}"#, .unknownType, "type"),
        (#"{"id": "x", "type": "health_data_logged", "at": "2026-03-02T10:00:00Z", "category": "m"}"#, .missingField, "user"),
        (#"{"id": "x", "type": "health_data_logged", "user": ["a"], "at": "2026-03-02T10:00:00Z", "category": "m"}"#, .wrongType, "user"),
        (#"{"id": "x", "type": "health_data_logged", "user": "a", "category": "m"}"#, .missingField, "at"),
        (#"{"id": "x", "type": "health_data_logged", "user": "a", "at": 1772445600, "category": "m"}"#, .wrongType, "at"),
        (#"{"id": "x", "type": "health_data_logged", "user": "a", "at": "2026-03-02T10:00:00", "category": "m"}"#, .badTimestamp, "at"),
        (#"{"id": "x", "type": "health_data_logged", "user": "a", "at": "2026-02-30T10:00:00Z", "category": "m"}"#, .badTimestamp, "at"),
        (#"{"id": "x", "type": "health_data_logged", "user": "a", "at": "2026-03-02T10:00:00Z"}"#, .missingField, "category"),
        (#"{"id": "x", "type": "health_data_logged", "user": "a", "at": "2026-03-02T10:00:00Z", "category": ""}"#, .missingField, "category"),
        (#"{"id": "x", "type": "health_data_logged", "user": "a", "at": "2026-03-02T10:00:00Z", "category": 3}"#, .wrongType, "category"),
    ])
    func badLinesAreRejectedWithFieldAndReason(line: String, code: Rejection.Code, field: String?) {
        guard case .failure(let why) = decode(line) else { Issue.record("accepted: \(line)"); return }
        #expect(why.code == code)
        #expect(why.field == field)
        #expect(!why.message.isEmpty)
    }

    @Test func invalidUTF8IsNotJSON() {
        var bytes = Array(#"{"id": "x", "type": "health_data_logged", "user": "a"#.utf8)
        bytes += [0xFF]
        bytes += Array(#"", "at": "2026-03-02T10:00:00Z", "category": "m"}"#.utf8)
        let result = bytes.withUnsafeBytes { decoder.decode($0) }
        guard case .failure(let why) = result else { Issue.record("accepted invalid UTF-8"); return }
        #expect(why.code == .invalidJSON)
    }

    @Test func reasonsReadWell() {
        guard case .failure(let why) = decode(#"{"id": "x", "type": "health_data_logged", "user": "a", "at": "2026-03-02T10:00:00", "category": "m"}"#) else {
            Issue.record("accepted a timestamp without a UTC offset")
            return
        }
        #expect(why.description == #"at: no UTC offset (add Z or ±HH:MM): "2026-03-02T10:00:00""#)
    }
}
