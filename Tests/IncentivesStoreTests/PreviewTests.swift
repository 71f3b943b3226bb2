import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore
import Testing

/// `incentives preview` counts, per reward, what `replay` prints for the same events under the current and the
/// proposed catalog: it runs the same pipeline over the stored events, and writes nothing.
@Suite(.timeLimit(.minutes(10)))
struct PreviewTests {
    /// The generated catalog with a streak made longer, a limit raised, a weekly challenge's days lowered and a
    /// reward added: every kind is in it.
    static let proposed = Generated.catalog
        .replacingOccurrences(of: #""id": "streak-3", "name": "Log 3 days in a row", "kind": "streak", "event": "health_data_logged", "days": 3"#,
                              with: #""id": "streak-3", "name": "Log 4 days in a row", "kind": "streak", "event": "health_data_logged", "days": 4"#)
        .replacingOccurrences(of: #"{"incentive": "streak-2", "reward": "Socks", "limit": 4}"#, with: #"{"incentive": "streak-2", "reward": "Socks", "limit": 9}"#)
        .replacingOccurrences(of: #""days": 2, "period": "week""#, with: #""days": 1, "period": "week""#)
        .replacingOccurrences(of: #"{"incentive": "mood-3-of-5", "reward": "Tea", "limit": 3}"#,
                              with: #"{"incentive": "mood-3-of-5", "reward": "Tea", "limit": 3}, {"incentive": "week-2", "reward": "Mug", "limit": 2}"#)

    /// Achievements per `employer/program/incentive/reward` in `replay`'s output.
    static func tally(_ stdout: String) throws -> [String: Int] {
        var n: [String: Int] = [:]
        for line in stdout.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            n["\(o["employer"]!)/\(o["program"]!)/\(o["incentive"]!)/\(o["reward"]!)", default: 0] += 1
        }
        return n
    }

    @Test func countsEqualReplayUnderBothCatalogs() throws {
        let binary = try #require(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 4_000)
        let proposedPath = dir.write("proposed.json", Self.proposed)
        #expect(Self.proposed != Generated.catalog, "the proposal changes the catalog")
        let db = dir.path("db.sqlite")
        _ = try Ingestor(store: try Fixtures.initStore(db, g.inputs)).ingest(path: g.inputs.events)
        let before = try Fixtures.storedLines(db)

        let preview = try runProcess(binary, ["preview", "--db", db, "--catalog", proposedPath, "--format", "jsonl"])
        #expect(preview.status == 0, "\(preview.stderr)")
        let current = try runProcess(binary, ["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", g.inputs.events])
        let proposed = try runProcess(binary, ["replay", "--catalog", proposedPath, "--roster", g.inputs.roster, "--events", g.inputs.events])
        let expectedCurrent = try Self.tally(current.stdout), expectedProposed = try Self.tally(proposed.stdout)
        var rows = 0
        var changed = 0
        for line in preview.stdout.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let key = "\(o["employer"]!)/\(o["program"]!)/\(o["incentive"]!)/\(o["reward"]!)"
            #expect(o["current"] as? Int == expectedCurrent[key] ?? 0, "current \(key)")
            #expect(o["proposed"] as? Int == expectedProposed[key] ?? 0, "proposed \(key)")
            if (o["current"] as? Int) != (o["proposed"] as? Int) { changed += 1 }
            rows += 1
        }
        #expect(rows == 8, "seven rewards in the current catalog and one added")
        #expect(changed >= 3, "the proposal changes several rewards' counts")
        #expect(preview.stdout.contains(#""reward":"Mug""#) && preview.stdout.contains(#""change":"added""#))
        #expect(try Fixtures.storedLines(db) == before, "a preview writes nothing")
    }

    @Test func sinceAndUntilCountWhatWasCompletedBetween() throws {
        let binary = try #require(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 2_000)
        let db = dir.path("db.sqlite")
        _ = try Ingestor(store: try Fixtures.initStore(db, g.inputs)).ingest(path: g.inputs.events)
        let out = try runProcess(binary, ["preview", "--db", db, "--catalog", g.inputs.catalog, "--since", "2026-03-01", "--until", "2026-03-31",
                                          "--format", "jsonl"])
        #expect(out.status == 0, "\(out.stderr)")
        let replayed = try runProcess(binary, ["replay", "--catalog", g.inputs.catalog, "--roster", g.inputs.roster, "--events", g.inputs.events])
        let march = replayed.stdout.split(separator: "\n").filter { $0.contains(#""completedOn":"2026-03-"#) }.count
        let total = try out.stdout.split(separator: "\n").reduce(0) { n, line in
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(o["current"] as? Int == o["proposed"] as? Int, "the same catalog twice gives the same counts")
            return n + (o["current"] as? Int ?? 0)
        }
        #expect(total == march)
        #expect(march > 0)
    }

    /// Limits only: the Coffee's lowered (6 → 1), the Socks' raised (4 → 9), the Pillow's lowered for acme only.
    /// The preview evaluates such a reward once, at the higher limit, and counts each award by its ordinal for
    /// either catalog (`SharedRewards`); counts, users and the windows must still be replay's, to the award.
    static let limitsOnly = Generated.catalog
        .replacingOccurrences(of: #"{"incentive": "month-4", "reward": "Coffee", "limit": 6}"#, with: #"{"incentive": "month-4", "reward": "Coffee", "limit": 1}"#)
        .replacingOccurrences(of: #"{"incentive": "streak-2", "reward": "Socks", "limit": 4}"#, with: #"{"incentive": "streak-2", "reward": "Socks", "limit": 9}"#)
        .replacingOccurrences(of: #"{"incentive": "streak-3", "reward": "Pillow", "limit": 2}"#, with: #"{"incentive": "streak-3", "reward": "Pillow", "limit": 1}"#)

    @Test(arguments: [
        [String](),
        ["--since", "2026-02-10", "--until", "2026-04-20"],
        ["--employer", "acme", "--since", "2026-03-01"],
        ["--employer", "globex", "--until", "2026-02-28"],
    ])
    func limitChangesCountAsReplayInEveryWindow(_ options: [String]) throws {
        let binary = try #require(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 5_000)
        let proposedPath = dir.write("proposed.json", Self.limitsOnly)
        #expect(Self.limitsOnly.components(separatedBy: #""limit": 1}"#).count == Generated.catalog.components(separatedBy: #""limit": 1}"#).count + 2)
        let db = dir.path("db.sqlite")
        _ = try Ingestor(store: try Fixtures.initStore(db, g.inputs)).ingest(path: g.inputs.events)
        let preview = try runProcess(binary, ["preview", "--db", db, "--catalog", proposedPath, "--format", "jsonl"] + options)
        #expect(preview.status == 0, "\(preview.stderr)")

        func value(_ name: String) -> String? { options.firstIndex(of: name).map { options[$0 + 1] } }
        /// Replay's achievements inside the window, per reward, and the users who got each.
        func expected(_ catalog: String) throws -> (counts: [String: Int], users: [String: Set<String>]) {
            let out = try runProcess(binary, ["replay", "--catalog", catalog, "--roster", g.inputs.roster, "--events", g.inputs.events])
            var counts: [String: Int] = [:], users: [String: Set<String>] = [:]
            for line in out.stdout.split(separator: "\n") {
                let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let day = o["completedOn"] as! String
                if let since = value("--since"), day < since { continue }
                if let until = value("--until"), day > until { continue }
                if let employer = value("--employer"), o["employer"] as? String != employer { continue }
                let key = "\(o["employer"]!)/\(o["program"]!)/\(o["incentive"]!)/\(o["reward"]!)"
                counts[key, default: 0] += 1
                users[key, default: []].insert(o["user"] as! String)
            }
            return (counts, users)
        }
        let current = try expected(g.inputs.catalog), proposed = try expected(proposedPath)
        var lowered = 0, raised = 0
        for line in preview.stdout.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let key = "\(o["employer"]!)/\(o["program"]!)/\(o["incentive"]!)/\(o["reward"]!)"
            #expect(o["current"] as? Int == current.counts[key] ?? 0, "current \(key) \(options)")
            #expect(o["proposed"] as? Int == proposed.counts[key] ?? 0, "proposed \(key) \(options)")
            #expect(o["users"] as? Int == proposed.users[key]?.count ?? 0, "users \(key) \(options)")
            let c = o["current"] as? Int ?? 0, p = o["proposed"] as? Int ?? 0
            if p < c { lowered += 1 }
            if p > c { raised += 1 }
        }
        if options.isEmpty { #expect(lowered >= 2 && raised >= 1, "the limits change the counts both ways") }
    }

    /// A proposal that changes limits only is evaluated by one intake; one that redefines a reward, by two.
    @Test func aProposalOfLimitsOnlyRunsOneIntake() throws {
        let current = try CatalogDecoder.decode(Data(Generated.catalog.utf8), file: "current.json")
        let roster = Roster(members: [])
        let limits = try CatalogDecoder.decode(Data(Self.limitsOnly.utf8), file: "limits.json")
        let redefined = try CatalogDecoder.decode(Data(Self.proposed.utf8), file: "proposed.json")
        #expect(try CatalogPreview(current: current, proposed: limits, roster: roster).evaluatesOneCatalog)
        #expect(try !CatalogPreview(current: current, proposed: redefined, roster: roster).evaluatesOneCatalog)
        #expect(try CatalogPreview(current: current, proposed: current, roster: roster).evaluatesOneCatalog)
    }

    @Test func badInputSaysWhyWithItsExitStatus() throws {
        let binary = try #require(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 10, events: 200)
        let db = dir.path("db.sqlite")
        let empty = dir.path("empty.sqlite")
        _ = try Fixtures.initStore(empty, g.inputs)
        _ = try Ingestor(store: try Fixtures.initStore(db, g.inputs)).ingest(path: g.inputs.events)
        let refused = dir.write("refused.json", Generated.catalog.replacingOccurrences(of: #""days": 4, "period": "month""#, with: #""days": 40, "period": "month""#))
        let cases: [(args: [String], status: Int32, says: String)] = [
            (["--catalog", dir.path("missing.json")], 66, "no such file"),
            (["--catalog", refused], 78, "catalog refused"),
            (["--catalog", g.inputs.catalog, "--employer", "acmee"], 66, "no employer \"acmee\""),
            (["--catalog", g.inputs.catalog, "--since", "2026-04-01", "--until", "2026-03-01"], 64, "is after --until"),
            (["--catalog", g.inputs.catalog, "--since", "March"], 64, "must be a date"),
        ]
        for c in cases {
            let r = try runProcess(binary, ["preview", "--db", db] + c.args)
            #expect(r.status == c.status, "\(c.args): \(r.stderr)")
            #expect(r.stderr.contains(c.says), "\(c.args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        let none = try runProcess(binary, ["preview", "--db", empty, "--catalog", g.inputs.catalog])
        #expect(none.status == 66)
        #expect(none.stderr.contains("no events are stored yet"))
    }
}
