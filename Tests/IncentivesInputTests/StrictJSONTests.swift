import Foundation
import IncentivesCore
import IncentivesInput
import Testing

/// Foundation's JSONDecoder accepts some documents that are not JSON (a trailing comma); simdjson, which the NUL,
/// duplicate-key and fraction checks run on, refuses them, so such a catalog passed those checks unchecked (found by
/// FuzzCatalog: a reward name with U+0000 in a catalog with a trailing comma was accepted). What a strict reader
/// refuses is refused, in the catalog and in every roster line.
@Suite("catalog and roster are strict JSON")
struct StrictJSONTests {
    static let catalog = """
    {"incentives": [{"id": "b", "kind": "single", "event": "birth_reported"}],
     "employers": [{"id": "acme", "programs": [{"id": "p", "starts": "2026-01-01", "ends": "2026-12-31",
       "rewards": [{"incentive": "b", "reward": "R"}]}]}]}
    """

    @Test(arguments: [
        #"{"id": "acme", "programs": [], }"#,            // a trailing comma in an object
        #"{"id": "acme", "programs": [],}"#,
    ])
    func aCatalogWithATrailingCommaIsRefused(_ employer: String) {
        let text = Self.catalog.replacingOccurrences(of: #"{"id": "acme", "programs": [{"id": "p""#, with: employer + #", {"id": "acme2", "programs": [{"id": "p""#)
        #expect(text != Self.catalog)
        #expect(throws: ConfigurationError.self) { try CatalogDecoder.decode(Data(text.utf8), file: "catalog.json") }
        do { _ = try CatalogDecoder.decode(Data(text.utf8), file: "catalog.json") } catch {
            #expect(error.description.contains("not valid JSON (RFC 8259)"), "\(error)")
        }
    }

    @Test func aNulHiddenBehindATrailingCommaIsRefused() throws {
        let text = Self.catalog.replacingOccurrences(of: #""reward": "R"}"#, with: #""reward": "R\u0000x",}"#)
        #expect(throws: ConfigurationError.self) { try CatalogDecoder.decode(Data(text.utf8), file: "catalog.json") }
        // The strict document decodes (the fixture itself is fine).
        _ = try CatalogDecoder.decode(Data(Self.catalog.utf8), file: "catalog.json")
    }

    @Test func aRosterLineWithATrailingCommaIsRefusedWithItsLine() throws {
        let catalog = try CatalogDecoder.decode(Data(Self.catalog.utf8), file: "catalog.json")
        let roster = #"{"id": "u1", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n"
            + #"{"id": "u2", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01",}"# + "\n"
        do {
            _ = try RosterDecoder.decode(Data(roster.utf8), file: "roster.jsonl", catalog: catalog)
            Issue.record("accepted a roster line that is not JSON")
        } catch {
            #expect("\(error)".contains("roster.jsonl:2"), "\(error)")
            #expect("\(error)".contains("not valid JSON (RFC 8259)"), "\(error)")
        }
    }
}
