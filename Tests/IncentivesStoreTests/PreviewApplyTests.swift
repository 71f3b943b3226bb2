import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore

/// `preview` predicts what applying the proposal records (#20, #21): for every change rule, the BACKFILL column is
/// exactly what the store holds per reward after `init --backfill`, and without `--backfill` the store keeps CURRENT.
@Suite("preview predicts init and init --backfill", .timeLimit(.minutes(10)))
struct PreviewApplyTests {
    let binary: String
    init() throws { binary = try Binary.located() }
    func run(_ args: [String]) throws -> ProcessOutput { try runProcess(binary, args) }

    /// Every change rule at once, each on its own reward: one added, one removed, one redefined, a limit raised and
    /// one lowered, a program extended at both ends and one shortened.
    static func proposal() -> String {
        var text = Generated.catalog
        func edit(_ from: String, _ to: String) {
            precondition(text.contains(from), "the generated catalog lost its anchor: \(from)")
            text = text.replacingOccurrences(of: from, with: to)
        }
        edit(#"{"incentive": "streak-3", "reward": "Pillow", "limit": 2}"#, #"{"incentive": "streak-3", "reward": "Pillow", "limit": 4}"#)
        edit(#"{"incentive": "month-4", "reward": "Coffee", "limit": 6}]}"#,
             #"{"incentive": "streak-2", "reward": "New socks", "limit": 2}]}"#)
        edit(#""days": 3, "window": 5"#, #""days": 2, "window": 5"#)
        edit(#"{"id": "acme-spring", "starts": "2026-03-01", "ends": "2026-05-31""#, #"{"id": "acme-spring", "starts": "2026-03-01", "ends": "2026-04-15""#)
        edit(#"{"id": "globex-q1", "starts": "2026-01-15", "ends": "2026-03-31""#, #"{"id": "globex-q1", "starts": "2026-01-05", "ends": "2026-05-31""#)
        edit(#"{"incentive": "streak-2", "reward": "Socks", "limit": 4}"#, #"{"incentive": "streak-2", "reward": "Socks", "limit": 2}"#)
        return text
    }

    /// Stored achievements per program, incentive and reward.
    func stored(_ db: String) throws -> [String: Int] {
        let r = try run(["achievements", "--db", db, "--format", "jsonl"])
        #expect(r.status == 0, "\(r.stderr)")
        var counts: [String: Int] = [:]
        for line in r.stdout.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            counts["\(o["program"]!)/\(o["incentive"]!)/\(o["reward"]!)", default: 0] += 1
        }
        return counts
    }

    @Test("the BACKFILL column is what init --backfill records, and without it nothing changes", arguments: ["sqlite", "postgres"])
    func previewPredictsApply(store: String) throws {
        let tmp = TempDir()
        let g = Generated.make(in: tmp, users: 60, events: 6_000, seed: 21)
        let proposed = tmp.write("proposed.json", Self.proposal())
        var dbs: [String] = []
        for name in ["with.sqlite", "without.sqlite"] {
            let db = store == "sqlite" ? tmp.path(name) : try PostgresServer.shared().database()
            #expect(try run(["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
            #expect([0, 65].contains(try run(["ingest", "--db", db, "--events", g.inputs.events]).status))
            dbs.append(db)
        }
        let before = try stored(dbs[0])
        let preview = try run(["preview", "--db", dbs[0], "--catalog", proposed, "--format", "jsonl"])
        #expect(preview.status == 0, "\(preview.stderr)")
        var rows: [String: [String: Any]] = [:]
        for line in preview.stdout.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            rows["\(o["program"]!)/\(o["incentive"]!)/\(o["reward"]!)"] = o
        }
        // Each rule is in the proposal, and changes something here.
        let changes = Set(rows.values.compactMap { $0["change"] as? String }.filter { !$0.isEmpty })
        #expect(changes == ["limit 2 → 4", "limit 4 → 2, dates", "added", "removed", "redefined", "dates"], "\(changes)")
        for (key, row) in rows {
            #expect(row["current"] as? Int == before[key] ?? 0, "\(key): CURRENT is what is stored")
        }

        let with = try run(["init", "--db", dbs[0], "--catalog", proposed, "--roster", g.inputs.roster, "--backfill"])
        #expect(with.status == 0, "\(with.stderr)")
        let after = try stored(dbs[0])
        for (key, row) in rows {
            #expect(row["backfill"] as? Int == after[key] ?? 0, "\(key): \(row) but \(after[key] ?? 0) stored after init --backfill")
        }
        #expect(after.values.reduce(0, +) > before.values.reduce(0, +), "the backfill recorded awards")
        #expect(with.stdout.contains("over the stored history"), "\(with.stdout)")

        let without = try run(["init", "--db", dbs[1], "--catalog", proposed, "--roster", g.inputs.roster])
        #expect(without.status == 0, "\(without.stderr)")
        #expect(try stored(dbs[1]) == before)
    }
}
