import Foundation
import IncentivesCore
import IncentivesInput
import Testing

@Suite("catalog.json is validated as a whole")
struct CatalogDecoderTests {
    static let valid = """
    {"incentives": [
      {"id": "log-5-days", "name": "Log 5 days", "kind": "streak", "event": "health_data_logged", "days": 5},
      {"id": "mood-4-of-7", "name": "Mood", "kind": "days_in_window", "event": "health_data_logged", "days": 4, "window": 7, "categories": ["mood", "symptom"]},
      {"id": "report-birth", "name": "Birth", "kind": "single", "event": "birth_reported"}],
     "employers": [{"id": "acme", "name": "Acme", "programs": [
       {"id": "acme-2026", "name": "Acme 2026", "starts": "2026-01-01", "ends": "2026-12-31",
        "rewards": [{"incentive": "log-5-days", "reward": "Pillow"}, {"incentive": "report-birth", "reward": "$50", "limit": 1}]},
       {"id": "acme-b", "starts": "2026-01-01", "ends": "2026-12-31", "rewards": []}]}]}
    """

    private func decode(_ text: String) throws(ConfigurationError) -> Catalog {
        try CatalogDecoder.decode(Data(text.utf8), file: "catalog.json")
    }

    /// Edits the valid catalog with a Python-like path replacement and returns the error text.
    private func error(_ text: String) -> String? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aValidCatalogDecodes() throws {
        let c = try decode(Self.valid)
        #expect(c.incentives.map(\.id) == ["log-5-days", "mood-4-of-7", "report-birth"])
        #expect(c.incentives[1].categories == ["mood", "symptom"])
        #expect((c.incentives[1].rule as? DaysInWindowRule)?.window == 7)
        #expect(c.employers[0].programs[0].rewards.map(\.limit) == [1, 1])
        #expect(c.employers[0].programs[1].name == "acme-b") // the name defaults to the id
    }

    @Test(arguments: [
        ("\"incentive\": \"log-5-days\", \"reward\": \"Pillow\"", "\"incentive\": \"log-6-days\", \"reward\": \"Pillow\"",
         "catalog.json: employers[0].programs[0].rewards[0].incentive: unknown incentive \"log-6-days\""),
        ("\"days\": 5}", "\"days\": 0}", "catalog.json: incentives[0].days: must be between 1 and 366, got 0"),
        ("\"days\": 5}", "\"days\": 367}", "catalog.json: incentives[0].days: must be between 1 and 366, got 367"),
        ("\"days\": 5}", "\"days\": \"5\"}", "catalog.json: incentives[0].days: expected an integer"),
        ("\"days\": 5}", "\"dayz\": 5}", "catalog.json: incentives[0].days: missing"),
        ("\"days\": 4, \"window\": 7", "\"days\": 8, \"window\": 7", "catalog.json: incentives[1].days: must be between 1 and window (7), got 8"),
        ("\"kind\": \"streak\"", "\"kind\": \"marathon\"", "catalog.json: incentives[0].kind: unknown kind \"marathon\" (expected one of single, streak, days_in_window, days_in_period)"),
        ("\"event\": \"birth_reported\"}", "\"event\": \"steps\"}", "catalog.json: incentives[2].event: unknown event type \"steps\" (expected one of health_data_logged, birth_reported)"),
        ("{\"id\": \"mood-4-of-7\"", "{\"id\": \"log-5-days\"", "catalog.json: incentives[1].id: duplicate incentive id \"log-5-days\""),
        ("{\"id\": \"acme-b\"", "{\"id\": \"acme-2026\"", "catalog.json: employers[0].programs[1].id: duplicate program id \"acme-2026\""),
        ("\"ends\": \"2026-12-31\",\n", "\"ends\": \"2025-12-31\",\n", "catalog.json: employers[0].programs[0].ends: 2025-12-31 is before starts 2026-01-01"),
        ("\"starts\": \"2026-01-01\", \"ends\": \"2026-12-31\",\n", "\"starts\": \"2026-02-30\", \"ends\": \"2026-12-31\",\n",
         "catalog.json: employers[0].programs[0].starts: not a date (YYYY-MM-DD): \"2026-02-30\""),
        ("\"limit\": 1", "\"limit\": 0", "catalog.json: employers[0].programs[0].rewards[1].limit: must be at least 1, got 0"),
        ("\"categories\": [\"mood\", \"symptom\"]", "\"categories\": []",
         "catalog.json: incentives[1].categories: must list at least one category (omit it to count every category)"),
        ("\"reward\": \"Pillow\"", "\"reward\": 7", "catalog.json: employers[0].programs[0].rewards[0].reward: expected a string"),
        ("{\"incentives\"", "[{\"incentives\"", "catalog.json: expected an object"),
    ])
    func brokenRulesAreNamedByPath(find: String, replace: String, message: String) {
        #expect(Self.valid.contains(find), "fixture lost its anchor: \(find)")
        var text = Self.valid.replacingOccurrences(of: find, with: replace)
        if replace.hasPrefix("[") { text += "]" }
        #expect(error(text) == message)
    }

    @Test(arguments: [
        (#""days": 3, "period": "month""#, nil),
        (#""days": 31, "period": "month""#, nil),
        (#""days": 7, "period": "week""#, nil),
        (#""days": 8, "period": "week""#, #"catalog.json: incentives[2].days: must be between 1 and 7 for period "week", got 8"#),
        (#""days": 32, "period": "month""#, #"catalog.json: incentives[2].days: must be between 1 and 31 for period "month", got 32"#),
        (#""days": 0, "period": "month""#, #"catalog.json: incentives[2].days: must be between 1 and 31 for period "month", got 0"#),
        (#""days": 3, "period": "year""#, #"catalog.json: incentives[2].period: must be "week" or "month", got "year""#),
        (#""days": 3, "period": 7"#, "catalog.json: incentives[2].period: expected a string"),
        (#""days": 3"#, "catalog.json: incentives[2].period: missing"),
        (#""period": "week""#, "catalog.json: incentives[2].days: missing"),
    ] as [(String, String?)])
    func daysInPeriodParametersAreChecked(params: String, message: String?) {
        let item = #"{"id": "p", "kind": "days_in_period", "event": "health_data_logged", "#
        let text = Self.valid.replacingOccurrences(of: #"{"id": "report-birth""#, with: item + params + "},\n  " + #"{"id": "report-birth""#)
        #expect(text != Self.valid)
        #expect(error(text) == message)
    }

    @Test func notJSONAtAll() {
        let e = error("{\"incentives\": [")
        #expect(e?.hasPrefix("catalog.json: not valid JSON") == true)
    }

    @Test func partnersAreValidated() {
        func withPartners(_ p: String) -> String {
            String(Self.valid.dropLast()) + ", \"partners\": [\(p)]}"
        }
        #expect(error(withPartners(#"{"id": "pc", "employers": ["acme"], "webhook": {"url": "https://p.example/h", "secretEnv": "PC_SECRET"}}"#)) == nil)
        #expect(error(withPartners(#"{"id": "pc", "employers": ["nope"], "drop": {"directory": "/tmp/x", "secretEnv": "S"}}"#))
            == "catalog.json: partners[0].employers[0]: unknown employer \"nope\"")
        #expect(error(withPartners(#"{"id": "pc", "employers": ["acme"]}"#)) == "catalog.json: partners[0]: needs exactly one of \"webhook\" or \"drop\"")
        #expect(error(withPartners(#"{"id": "pc", "employers": ["acme"], "webhook": {"url": "ftp://x", "secretEnv": "S"}}"#))
            == #"catalog.json: partners[0].webhook.url: must be an https:// URL, got scheme "ftp""#)
        #expect(error(withPartners(#"{"id": "pc", "employers": ["acme"], "webhook": {"url": "https://x", "secretEnv": "s3cr3t!"}}"#))
            == "catalog.json: partners[0].webhook.secretEnv: must be the name of an environment variable (letters, digits, _), not the secret itself")
    }
}
