import Foundation
import IncentivesCore

/// The three input files of one case.
public struct Inputs: Sendable {
    public let catalog: String
    public let roster: String
    public let events: String

    public init(catalog: String, roster: String, events: String) {
        self.catalog = catalog
        self.roster = roster
        self.events = events
    }
}

/// The tests' one seeded generator of input files (the load generator behind `incentives generate` makes
/// realistic data; this one makes small files with every awkward case in them).
///
/// Deterministic generated inputs with everything the contract allows: several employers and every kind,
/// limits above one, (with `points: true`) points and tiers, categories, zones far from UTC, eligibility ends, users with no employer,
/// late events, duplicates, conflicts, bad lines and blank lines.
public struct Generated: Sendable {
    public let inputs: Inputs
    public let eventLines: [String]

    public static let catalog = """
    {"incentives": [
      {"id": "streak-3", "name": "Log 3 days in a row", "kind": "streak", "event": "health_data_logged", "days": 3},
      {"id": "streak-2", "name": "Log 2 days in a row", "kind": "streak", "event": "health_data_logged", "days": 2},
      {"id": "mood-3-of-5", "name": "Mood 3 days in 5", "kind": "days_in_window", "event": "health_data_logged",
       "days": 3, "window": 5, "categories": ["mood", "symptom"]},
      {"id": "birth", "name": "Report a birth", "kind": "single", "event": "birth_reported"},
      {"id": "month-4", "name": "Log 4 days in a month", "kind": "days_in_period", "event": "health_data_logged", "days": 4, "period": "month"},
      {"id": "week-2", "name": "Mood 2 days in a week", "kind": "days_in_period", "event": "health_data_logged",
       "days": 2, "period": "week", "categories": ["mood"]}
    ],
    "employers": [
      {"id": "acme", "name": "Acme", "programs": [
        {"id": "acme-2026", "starts": "2026-01-01", "ends": "2026-12-31", "rewards": [
          {"incentive": "streak-3", "reward": "Pillow", "limit": 2},
          {"incentive": "birth", "reward": "Gift card"},
          {"incentive": "month-4", "reward": "Coffee", "limit": 6}]},
        {"id": "acme-spring", "starts": "2026-03-01", "ends": "2026-05-31", "rewards": [
          {"incentive": "mood-3-of-5", "reward": "Tea", "limit": 3}]}]},
      {"id": "globex", "name": "Globex", "programs": [
        {"id": "globex-q1", "starts": "2026-01-15", "ends": "2026-03-31", "rewards": [
          {"incentive": "streak-2", "reward": "Socks", "limit": 4},
          {"incentive": "streak-3", "reward": "Pillow"},
          {"incentive": "week-2", "reward": "Badge", "limit": 5}]}]}
    ],
    "partners": [
      {"id": "pillowco", "name": "PillowCo", "employers": ["acme", "globex"], "rewards": ["Pillow"],
       "webhook": {"url": "https://pillow.example/hook", "secretEnv": "PILLOWCO_SECRET"}},
      {"id": "cards", "employers": ["acme"], "drop": {"directory": "/tmp/cards", "secretEnv": "CARDS_SECRET"}}
    ]}
    """

    /// The same world with points and tiers (CONTRACT §1): two programs with ladders, one without; the tiers'
    /// rewards go to the partners that serve every reward (`cards`). Made from `catalog`, so the two never drift.
    public static let pointsCatalog: String = {
        var text = catalog
        for (from, to) in [
            (#"{"incentive": "streak-3", "reward": "Pillow", "limit": 2},"#,
             #"{"incentive": "streak-3", "reward": "Pillow", "limit": 2, "points": 30},"#),
            (#"{"incentive": "month-4", "reward": "Coffee", "limit": 6}]},"#,
             #"{"incentive": "month-4", "reward": "Coffee", "limit": 6, "points": 10}], "tiers": [{"id": "bronze", "points": 40, "reward": "$25 credit"}, {"id": "silver", "points": 90, "reward": "$50 credit"}]},"#),
            (#"{"incentive": "streak-2", "reward": "Socks", "limit": 4},"#,
             #"{"incentive": "streak-2", "reward": "Socks", "limit": 4, "points": 10},"#),
            (#"{"incentive": "week-2", "reward": "Badge", "limit": 5}]}]}"#,
             #"{"incentive": "week-2", "reward": "Badge", "limit": 5, "points": 5}], "tiers": [{"id": "t20", "points": 20, "reward": "Globex mug"}, {"id": "t45", "points": 45, "reward": "Globex hoodie"}]}]}"#),
        ] {
            precondition(text.contains(from), "the generated catalog lost the lines the points world changes")
            text = text.replacingOccurrences(of: from, with: to)
        }
        return text
    }()

    /// The same seed gives the same files everywhere (`SplitMix64`, the project's one seeded generator).
    public static func make(in dir: TempDir, users: Int, events: Int, seed: UInt64 = 42, points: Bool = false) -> Generated {
        var rng = SplitMix64(seed: seed)
        let zones = ["America/Chicago", "Europe/Paris", "Asia/Tokyo", "UTC", "Pacific/Kiritimati", "America/Los_Angeles"]
        var roster = ""
        for u in 0..<users {
            let employer = u % 10 == 9 ? "null" : (u % 3 == 0 ? "\"globex\"" : "\"acme\"")
            let until = u % 7 == 3 ? ", \"eligibleUntil\": \"2026-03-10\"" : ""
            roster += "{\"id\": \"u\(u)\", \"employer\": \(employer), \"timezone\": \"\(zones[u % zones.count])\", \"eligibleFrom\": \"2026-01-0\(1 + u % 5)\"\(until)}\n"
        }
        let categories = ["mood", "symptom", "weight", "sleep"]
        var lines: [String] = []
        var accepted: [(id: String, line: String)] = []
        for i in 0..<events {
            let r = rng.below(100)
            if r < 2, let earlier = accepted.randomElement(using: &rng) {
                lines.append(earlier.line) // a duplicate
                continue
            }
            if r < 3, let earlier = accepted.randomElement(using: &rng) {
                lines.append("{\"id\": \"\(earlier.id)\", \"type\": \"birth_reported\", \"user\": \"u0\", \"at\": \"2026-02-02T10:00:00Z\"}")
                continue
            }
            if r < 4 {
                let bad = ["{not json", "{\"id\": \"x\(i)\", \"type\": \"health_data_logged\", \"user\": \"u1\", \"at\": \"2026-02-02T10:00:00\", \"category\": \"mood\"}",
                           "{\"id\": \"x\(i)\", \"type\": \"health_data_logged\", \"user\": \"nobody\", \"at\": \"2026-02-02T10:00:00Z\", \"category\": \"mood\"}",
                           "{\"id\": \"x\(i)\", \"type\": \"steps\", \"user\": \"u1\", \"at\": \"2026-02-02T10:00:00Z\"}", "   ", "[1,2]"]
                lines.append(bad[rng.below(bad.count)])
                continue
            }
            let user = "u\(rng.below(users))"
            // Mostly moving forward through the year, sometimes late by up to ten days.
            let base = 10 + (i * 150) / max(events, 1)
            let day = max(1, base - (rng.below(10) == 0 ? rng.below(10) : 0) + rng.below(3))
            let month = 1 + min(11, (day - 1) / 28), dom = 1 + (day - 1) % 28
            let hour = rng.below(24), minute = rng.below(60)
            let offset = ["Z", "-06:00", "+09:00", "+01:00"][rng.below(4)]
            let at = String(format: "2026-%02d-%02dT%02d:%02d:00%@", month, dom, hour, minute, offset)
            let id = "e\(i)"
            let line: String
            if rng.below(50) == 0 {
                line = "{\"id\": \"\(id)\", \"type\": \"birth_reported\", \"user\": \"\(user)\", \"at\": \"\(at)\"}"
            } else {
                line = "{\"id\": \"\(id)\", \"type\": \"health_data_logged\", \"user\": \"\(user)\", \"at\": \"\(at)\", \"category\": \"\(categories[rng.below(4)])\"}"
            }
            lines.append(line)
            accepted.append((id, line))
        }
        let inputs = Inputs(catalog: dir.write("catalog.json", points ? pointsCatalog : catalog), roster: dir.write("roster.jsonl", roster),
                            events: dir.write("events.jsonl", lines.joined(separator: "\n") + "\n"))
        return Generated(inputs: inputs, eventLines: lines)
    }

    /// Splits the events into `parts` files, in order.
    public func chunks(_ parts: Int, in dir: TempDir) -> [String] {
        let per = max(1, (eventLines.count + parts - 1) / parts)
        return stride(from: 0, to: eventLines.count, by: per).enumerated().map { i, start in
            dir.write("chunk-\(i).jsonl", eventLines[start..<min(start + per, eventLines.count)].joined(separator: "\n") + "\n")
        }
    }
}

private extension SplitMix64 {
    /// A number in 0..<n.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
