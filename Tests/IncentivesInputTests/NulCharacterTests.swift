import Foundation
import IncentivesCore
import IncentivesInput
import Testing

/// U+0000 in any text field of any input is refused, the same way everywhere (issue 21, DESIGN.md §11): PostgreSQL
/// cannot store it in text, so a store could not keep what replay keeps. An event line holding it in a field is
/// rejected naming the field (the rest of the file goes on); a catalog, roster or achievements file holding it
/// anywhere is refused as a whole with its JSON path (and line).
@Suite("NUL characters are refused in every input")
struct NulCharacterTests {
    private let decoder = EventLineDecoder()

    private func decode(_ line: String) -> Result<Event, Rejection> {
        var copy = line
        return copy.withUTF8 { decoder.decode(UnsafeRawBufferPointer($0)) }
    }

    @Test(arguments: ["id", "type", "user", "at", "category"])
    func anEventFieldWithNulIsRejectedNamingIt(field: String) {
        var fields = ["id": "e-1", "type": "health_data_logged", "user": "u-1", "at": "2026-03-02T10:00:00Z", "category": "mood"]
        fields[field] = fields[field]! + "\\u0000x"
        let line = "{" + ["id", "type", "user", "at", "category"].map { "\"\($0)\": \"\(fields[$0]!)\"" }.joined(separator: ", ") + "}"
        guard case .failure(let why) = decode(line) else { Issue.record("accepted: \(line)"); return }
        #expect(why.code == .nulCharacter)
        #expect(why.description == "\(field): contains a NUL character (U+0000)")
    }

    @Test func aNulOnlyInAnIgnoredFieldChangesNothing() throws {
        // Unknown fields are ignored (CONTRACT §1) whatever they hold: nothing of them is stored.
        let e = try decode(#"{"id": "e-1", "type": "birth_reported", "user": "u-1", "at": "2026-03-02T10:00:00Z", "device": "a\u0000"}"#).get()
        #expect(e.id == "e-1")
    }

    /// Every string of the catalog: ids, names, rewards, categories, partners' names, URLs and secrets' names.
    @Test(arguments: [
        (#""name": "Log 5 days""#, #""name": "Log\u0000 5 days""#, "incentives[0].name"),
        (#""categories": ["mood", "symptom"]"#, #""categories": ["mood", "sym\u0000ptom"]"#, "incentives[1].categories[1]"),
        (#""id": "acme-2026""#, #""id": "acme\u0000-2026""#, "employers[0].programs[0].id"),
        (#""reward": "Pillow""#, #""reward": "Pil\u0000low""#, "employers[0].programs[0].rewards[0].reward"),
        (#""name": "Acme""#, #""name": "\u0000""#, "employers[0].name"),
        (#""pname""#, #""p\u0000name""#, "partners[0].name"),
        (#""https://p.example/hook""#, #""https://p.example/ho\u0000ok""#, "partners[0].webhook.url"),
        (#""P_SECRET""#, #""P_\u0000SECRET""#, "partners[0].webhook.secretEnv"),
    ])
    func aCatalogStringWithNulRefusesTheCatalog(original: String, replaced: String, path: String) throws {
        let valid = """
            {"incentives": [
              {"id": "log-5-days", "name": "Log 5 days", "kind": "streak", "event": "health_data_logged", "days": 5},
              {"id": "mood-4-of-7", "kind": "days_in_window", "event": "health_data_logged", "days": 4, "window": 7, "categories": ["mood", "symptom"]}],
             "employers": [{"id": "acme", "name": "Acme", "programs": [
               {"id": "acme-2026", "starts": "2026-01-01", "ends": "2026-12-31", "rewards": [{"incentive": "log-5-days", "reward": "Pillow"}]}]}],
             "partners": [{"id": "p", "name": "pname", "employers": ["acme"], "webhook": {"url": "https://p.example/hook", "secretEnv": "P_SECRET"}}]}
            """
        _ = try CatalogDecoder.decode(Data(valid.utf8), file: "catalog.json")
        let text = valid.replacingOccurrences(of: original, with: replaced)
        try #require(text != valid)
        do {
            _ = try CatalogDecoder.decode(Data(text.utf8), file: "catalog.json")
            Issue.record("accepted: \(replaced)")
        } catch {
            #expect(error.description == "catalog.json: \(path): contains a NUL character (U+0000)")
        }
    }

    @Test(arguments: [
        (#""id": "bo""#, #""id": "b\u0000o""#, "id"),
        (#""timezone": "UTC""#, #""timezone": "UTC\u0000""#, "timezone"),
        (#""partnerIds": {"p": "m-1"}"#, #""partnerIds": {"p": "m-\u00001"}"#, "partnerIds.p"),
    ])
    func aRosterStringWithNulRefusesTheRosterWithItsLine(original: String, replaced: String, path: String) throws {
        let catalog = try CatalogDecoder.decode(Data("""
            {"incentives": [], "employers": [{"id": "acme", "programs": []}],
             "partners": [{"id": "p", "employers": ["acme"], "drop": {"directory": "/tmp/p", "secretEnv": "P"}}]}
            """.utf8), file: "catalog.json")
        let second = #"{"id": "bo", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": {"p": "m-1"}}"#
        let lines = [#"{"id": "ana", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#, second]
        _ = try RosterDecoder.decode(Data(lines.joined(separator: "\n").utf8), file: "roster.jsonl", catalog: catalog)
        let bad = second.replacingOccurrences(of: original, with: replaced)
        try #require(bad != second)
        do {
            _ = try RosterDecoder.decode(Data([lines[0], bad].joined(separator: "\n").utf8), file: "roster.jsonl", catalog: catalog)
            Issue.record("accepted: \(bad)")
        } catch {
            #expect(error.description == "roster.jsonl:2: \(path): contains a NUL character (U+0000)")
        }
    }

    @Test func anAchievementsFileWithNulIsRefused() {
        let line = #"{"user":"u\u0000","employer":"acme","program":"p","incentive":"i","reward":"r","completedOn":"2026-01-01","achievedAt":"2026-01-01T00:00:00Z","evidence":["e"]}"#
        do {
            _ = try AchievementLog.decode(Data(line.utf8), file: "awards.jsonl")
            Issue.record("accepted")
        } catch {
            #expect(error.description == "awards.jsonl:1: user: contains a NUL character (U+0000)")
        }
    }
}
