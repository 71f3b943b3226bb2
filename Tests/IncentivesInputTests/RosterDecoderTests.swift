import Foundation
import IncentivesCore
import IncentivesInput
import Testing

@Suite("roster.jsonl is refused as a whole on any bad line")
struct RosterDecoderTests {
    private let catalog = try! CatalogDecoder.decode(Data(CatalogDecoderTests.valid.utf8), file: "catalog.json")

    private func decode(_ lines: [String]) throws(ConfigurationError) -> Roster {
        try RosterDecoder.decode(Data(lines.joined(separator: "\n").utf8), file: "roster.jsonl", catalog: catalog)
    }

    private func error(_ lines: [String]) -> String? {
        do { _ = try decode(lines); return nil } catch { return error.description }
    }

    private let ana = #"{"id": "ana", "employer": "acme", "timezone": "America/Chicago", "eligibleFrom": "2026-01-01", "eligibleUntil": "2026-09-30"}"#

    @Test func validLinesDecodeAndBlankLinesAreSkipped() throws {
        let r = try decode([ana, "", "   ", #"{"id": "walk-in", "employer": null, "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
                            #"{"id": "solo", "timezone": "Asia/Kathmandu", "eligibleFrom": "2026-01-01", "extra": true}"#])
        #expect(r.members.map(\.id) == ["ana", "walk-in", "solo"])
        #expect(r.member("ana")?.eligibleUntil == LocalDate(iso: "2026-09-30"))
        #expect(r.member("walk-in")?.employer == nil)
        #expect(r.member("solo")?.employer == nil)
    }

    @Test(arguments: [
        ("not json", "roster.jsonl:2: not valid JSON"),
        (#"{"id": "bo", "employer": "initech", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#, "roster.jsonl:2: employer: unknown employer \"initech\""),
        (#"{"id": "bo", "employer": "acme", "timezone": "Mars/Base", "eligibleFrom": "2026-01-01"}"#, "roster.jsonl:2: timezone: unknown time zone \"Mars/Base\""),
        (#"{"id": "ana", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#, "roster.jsonl:2: id: duplicate user id \"ana\" (first on line 1)"),
        (#"{"id": "bo", "employer": "acme", "timezone": "UTC"}"#, "roster.jsonl:2: eligibleFrom: missing"),
        (#"{"id": "bo", "employer": "acme", "timezone": "UTC", "eligibleFrom": "01/02/2026"}"#, "roster.jsonl:2: eligibleFrom: not a date (YYYY-MM-DD): \"01/02/2026\""),
        (#"{"id": "bo", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-05-01", "eligibleUntil": "2026-04-01"}"#,
         "roster.jsonl:2: eligibleUntil: 2026-04-01 is before eligibleFrom 2026-05-01"),
        (#"{"id": 7, "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#, "roster.jsonl:2: id: expected a string"),
        (#"{"id": "", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#, "roster.jsonl:2: id: must not be empty"),
        // A line that is JSON but not an object as a whole: no field to name, what was found instead (a fuzz find).
        (" null", "roster.jsonl:2: expected an object, found null"),
        ("[1, 2]", "roster.jsonl:2: expected an object"),
    ])
    func aBadLineNamesFileLineAndField(line: String, message: String) {
        let e = error([ana, line])
        #expect(e?.hasPrefix(message) == true, "got \(e ?? "no error")")
    }
}
