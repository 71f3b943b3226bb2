import Foundation
import IncentivesCore
import IncentivesInput
import Testing

/// A roster line is read by simdjson alone when it is plainly well formed, and by Foundation's decoder otherwise
/// (`RosterDecoder.decode(quickly:)`). Whichever reads it, the roster or the refusal must be the same: each line
/// below is decoded both ways, after a good first line, and the two answers compared whole.
@Suite("roster lines read quickly or carefully give the same answer")
struct RosterQuickReadingTests {
    /// The tests' catalog with one partner, `pc`, so that a roster's partner ids can be accepted too.
    private let catalog = try! CatalogDecoder.decode(Data((String(CatalogDecoderTests.valid.dropLast())
            + #", "partners": [{"id": "pc", "employers": ["acme"], "webhook": {"url": "https://p.example", "secretEnv": "P"}}]}"#).utf8),
        file: "catalog.json")
    private static let ana = #"{"id": "ana", "employer": "acme", "timezone": "America/Chicago", "eligibleFrom": "2026-01-01"}"#

    /// What a reading gave: the members (compared field by field, partner ids as a dictionary), or the refusal.
    enum Answer: Equatable {
        case members([Member])
        case refused(String)
    }

    private func answer(_ line: String, quickly: Bool) -> Answer {
        do {
            return .members(try RosterDecoder.decode(Data((Self.ana + "\n" + line).utf8), file: "roster.jsonl", catalog: catalog,
                                                     quickly: quickly).members)
        } catch {
            return .refused(error.description)
        }
    }

    /// The member read after `ana`, when the roster was accepted.
    private func second(_ line: String) -> Member? {
        guard case .members(let members) = answer(line, quickly: true), members.count == 2 else { return nil }
        return members[1]
    }

    static let lines: [String] = [
        // Plain lines, every optional field present, null or absent.
        #"{"id": "bo", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01", "eligibleUntil": "2026-09-30"}"#,
        #"{"id": "bo", "employer": null, "timezone": "UTC", "eligibleFrom": "2026-01-01", "eligibleUntil": null}"#,
        #"{"id": "bo", "timezone": "Asia/Kathmandu", "eligibleFrom": "2026-01-01"}"#,
        #"{"eligibleFrom": "2026-01-01", "timezone": "UTC", "id": "bo"}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": null}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": {}}"#,
        #"{"id": "bo", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": {"pc": "PC-1"}}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": {"nope": "X-1"}}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": {"pc": ""}}"#,
        // Keys the roster does not use: plain values ignored, objects and arrays left to the careful reading.
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "extra": true, "n": 1.5, "s": "x", "z": null}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "extra": {"a": 1, "a": 2}}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "extra": [1, "\u0000"]}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "extra": "a\u0000b"}"#,
        // Escapes and characters beyond ASCII.
        #"{"id": "b\u00f6 \"q\"", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
        #"{"id": "bö😀", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
        #"{"id": "b\u0000o", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": {"k": "a\u0000"}}"#,
        // A key twice, at the top or among the partners.
        #"{"id": "bo", "id": "cy", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": {"k": "1", "k": "2"}}"#,
        // Wrong types and missing fields.
        #"{"id": 7, "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
        #"{"id": "bo", "timezone": null, "eligibleFrom": "2026-01-01"}"#,
        #"{"id": "bo", "employer": 5, "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "eligibleUntil": false}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": ["k"]}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": {"k": 1}}"#,
        #"{"id": "bo", "timezone": "UTC"}"#,
        #"{"timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
        // What the checks after decoding refuse.
        #"{"id": "", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
        #"{"id": "ana", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
        #"{"id": "bo", "employer": "initech", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
        #"{"id": "bo", "timezone": "Mars/Base", "eligibleFrom": "2026-01-01"}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-13-01"}"#,
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-05-01", "eligibleUntil": "2026-04-01"}"#,
        // Not an object, not strict JSON, not JSON.
        "null", "[1]", "\"bo\"", "not json",
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01",}"#,
        "{\"id\": \"b\u{FF}\", \"timezone\": \"UTC\", \"eligibleFrom\": \"2026-01-01\"}",
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "big": 1e400}"#,
    ] + [
        // More partners than the quick reading holds (16): the careful reading takes the line.
        #"{"id": "bo", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": {"# + (1...17).map { #""p\#($0)": "x""# }.joined(separator: ", ") + "}}",
    ]

    @Test(arguments: lines)
    func bothReadingsAgree(line: String) {
        #expect(answer(line, quickly: true) == answer(line, quickly: false))
    }

    /// The comparison above would pass if both readings refused everything: the plain lines must be read.
    @Test func plainLinesAreAccepted() {
        let from = LocalDate(iso: "2026-01-01")!
        #expect(second(Self.lines[0]) == Member(id: "bo", employer: "acme", timezone: "UTC", eligibleFrom: from,
                                                eligibleUntil: LocalDate(iso: "2026-09-30")))
        #expect(second(Self.lines[1]) == Member(id: "bo", employer: nil, timezone: "UTC", eligibleFrom: from, eligibleUntil: nil))
        #expect(second(Self.lines[6]) == Member(id: "bo", employer: "acme", timezone: "UTC", eligibleFrom: from, eligibleUntil: nil,
                                                partnerMemberIDs: ["pc": "PC-1"]))
    }
}
