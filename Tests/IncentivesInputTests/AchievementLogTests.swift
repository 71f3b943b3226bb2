import Foundation
import IncentivesCore
import IncentivesInput
import XCTest

/// Reading `incentives replay` output back (for `deliver`/`export` without a database): the stable ids must
/// come out exactly as the engine made them, or a partner would see the same award under two ids.
final class AchievementLogTests: XCTestCase {
    func testIdsAndOrdinalsMatchTheEngine() throws {
        let catalog = try CatalogDecoder.decode(Data("""
            {"incentives": [{"id": "birth", "kind": "single", "event": "birth_reported"}],
             "employers": [{"id": "acme", "programs": [{"id": "p", "starts": "2026-01-01", "ends": "2026-12-31",
               "rewards": [{"incentive": "birth", "reward": "Gift", "limit": 3}]}]}]}
            """.utf8), file: "catalog.json")
        let roster = try RosterDecoder.decode(Data(#"{"id": "u-1", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#.utf8),
                                              file: "roster.jsonl", catalog: catalog)
        let engine = try Engine(catalog: catalog, roster: roster)
        var made: [Achievement] = []
        for n in 1...3 {
            let e = Event(id: "e-\(n)", type: .birthReported, user: "u-1", at: try Instant.parseRFC3339("2026-0\(n)-01T10:00:00Z").get(), category: nil)
            made += try engine.record(e).get()
        }
        let text = made.map(\.jsonLine).joined(separator: "\n") + "\n\n"
        let read = try AchievementLog.decode(Data(text.utf8), file: "achievements.jsonl")
        XCTAssertEqual(read.map(\.id), made.map(\.id))
        XCTAssertEqual(read.map(\.ordinal), [1, 2, 3])
        XCTAssertEqual(read.map(\.completedOn), made.map(\.completedOn))
    }

    func testABadLineRefusesTheFileWithItsLineAndField() {
        let good = #"{"user":"u-1","employer":"acme","program":"p","incentive":"birth","reward":"Gift","completedOn":"2026-01-01","achievedAt":"2026-01-01T10:00:00Z","evidence":["e-1"]}"#
        let bad = good.replacingOccurrences(of: "\"completedOn\":\"2026-01-01\"", with: "\"completedOn\":\"Jan 1\"")
        XCTAssertThrowsError(try AchievementLog.decode(Data((good + "\n" + bad + "\n").utf8), file: "a.jsonl")) { e in
            XCTAssertEqual("\(e)", "a.jsonl:2: completedOn: not a date (YYYY-MM-DD)")
        }
        XCTAssertThrowsError(try AchievementLog.decode(Data(#"{"user":"u-1"}"#.utf8), file: "a.jsonl")) { e in
            XCTAssertEqual("\(e)", "a.jsonl:1: employer: missing")
        }
    }
}
