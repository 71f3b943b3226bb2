import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore
import Testing

/// Programs change: each rule of DESIGN §13 as a readable case. One user, ana (UTC), logs on the days named; the
/// catalog changes in the middle; the awards expected, and why, follow.
@Suite(.timeLimit(.minutes(10)))
struct CatalogVersionTests {
    /// A catalog of one program (1 Jan – 31 Dec 2026) of employer acme: `rewards` as `(incentive, reward, limit)`,
    /// with incentives `streak-3` (3 days in a row, or `streakDays`), `streak-2` and `birth`.
    static func catalog(_ rewards: [(String, String, Int)], streakDays: Int = 3, ends: String = "2026-12-31") -> String {
        let list = rewards.map { #"{"incentive": "\#($0.0)", "reward": "\#($0.1)", "limit": \#($0.2)}"# }.joined(separator: ", ")
        return """
        {"incentives": [
          {"id": "streak-3", "name": "Log days in a row", "kind": "streak", "event": "health_data_logged", "days": \(streakDays)},
          {"id": "streak-2", "name": "Log 2 days in a row", "kind": "streak", "event": "health_data_logged", "days": 2},
          {"id": "birth", "name": "Report a birth", "kind": "single", "event": "birth_reported"}],
         "employers": [{"id": "acme", "name": "Acme", "programs": [
           {"id": "p", "starts": "2026-01-01", "ends": "\(ends)", "rewards": [\(list)]}]}]}
        """
    }

    /// A store with ana on the roster, the catalogs loaded in turn with logs ingested between them.
    final class World {
        let dir = TempDir()
        let store: Store
        private var files = 0
        let roster = #"{"id": "ana", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#

        init(_ catalog: String) throws {
            store = try Store(path: dir.path("db.sqlite"))
            try load(catalog, effective: nil)
        }

        @discardableResult
        func load(_ catalog: String, effective: String?, backfill: Bool = false) throws -> Store.LoadSummary {
            let c = try CatalogDecoder.decode(Data(catalog.utf8), file: "catalog.json")
            let r = try RosterDecoder.decode(Data(roster.utf8), file: "roster.jsonl", catalog: c)
            return try store.load(catalogJSON: Data(catalog.utf8), catalogFile: "catalog.json", roster: r, rosterFile: "roster.jsonl",
                                  effective: effective.flatMap(LocalDate.init(iso:)), backfill: backfill)
        }

        /// Logs by ana at noon UTC on each day (`MM-DD` in 2026), in one ingest.
        func log(_ days: [String], type: String = "health_data_logged") throws {
            files += 1
            let lines = days.map { d in
                #"{"id": "e-\#(d)-\#(type.prefix(1))", "type": "\#(type)", "user": "ana", "at": "2026-\#(d)T12:00:00Z", "category": "mood"}"#
            }
            let path = dir.write("events-\(files).jsonl", lines.joined(separator: "\n") + "\n")
            _ = try Ingestor(store: store).ingest(path: path)
        }

        var awards: [AchievementRecord] { get throws { try StoreReader(path: store.path).achievements(AchievementQuery()) } }
    }

    static func summary(_ r: AchievementRecord) -> String {
        let a = r.achievement
        return "\(a.reward) #\(a.ordinal) v\(r.catalogVersion) " + a.evidenceDays.map { String($0.iso.dropFirst(5)) }.joined(separator: ",")
    }

    @Test func anUnchangedRewardKeepsItsProgress() throws {
        let w = try World(Self.catalog([("streak-3", "Pillow", 1)]))
        try w.log(["03-01", "03-02"])
        // Version 2 adds a reward; the pillow's definition is the same, so the two days made count on.
        let v2 = try w.load(Self.catalog([("streak-3", "Pillow", 1), ("birth", "Gift card", 1)]), effective: "2026-03-03")
        #expect(v2.version == 2)
        #expect(v2.change?.rewards.map(\.kind) == [.added])
        try w.log(["03-03"])
        let got = try w.awards.map(Self.summary)
        #expect(got == ["Pillow #1 v2 03-01,03-02,03-03"], "\(got)")
    }

    @Test func aRaisedLimitLetsMoreAwardsFollowALoweredOneTakesNoneBack() throws {
        let raised = try World(Self.catalog([("streak-3", "Pillow", 1)]))
        try raised.log(["03-01", "03-02", "03-03"])
        try raised.load(Self.catalog([("streak-3", "Pillow", 2)]), effective: "2026-03-04")
        try raised.log(["03-04", "03-05", "03-06"])
        #expect(try raised.awards.map(Self.summary) == ["Pillow #1 v1 03-01,03-02,03-03", "Pillow #2 v2 03-04,03-05,03-06"])

        let lowered = try World(Self.catalog([("streak-3", "Pillow", 3)]))
        try lowered.log(["03-01", "03-02", "03-03", "03-04", "03-05", "03-06"])
        try lowered.load(Self.catalog([("streak-3", "Pillow", 1)]), effective: "2026-03-07")
        try lowered.log(["03-07", "03-08", "03-09"])
        // Two awards under the limit of three stay; none follows under the limit of one.
        #expect(try lowered.awards.map(Self.summary) == ["Pillow #1 v1 03-01,03-02,03-03", "Pillow #2 v1 03-04,03-05,03-06"])
    }

    @Test func anAddedRewardCountsFromTheEffectiveDay() throws {
        let w = try World(Self.catalog([("streak-3", "Pillow", 5)]))
        try w.load(Self.catalog([("streak-3", "Pillow", 5), ("streak-2", "Mug", 1)]), effective: "2026-03-10")
        // 8 and 9 March arrive after the change but are before its effective day: the pillow counts them, the mug not.
        try w.log(["03-08", "03-09", "03-10", "03-11"])
        #expect(try w.awards.map(Self.summary) == ["Pillow #1 v2 03-08,03-09,03-10", "Mug #1 v2 03-10,03-11"])
        // Why did the 8th not count for the mug? `why` says from which day it counts.
        let why = try #require(try StoreReader(path: w.store.path).explain(user: "ana", today: LocalDate(iso: "2026-03-11")))
        let mugOnThe8th = why.lines.first { $0.event.id == "e-03-08-h" && why.slot(of: $0)?.reward.reward == "Mug" }
        #expect(mugOnThe8th?.outcome == .beforeProgram(starts: try #require(LocalDate(iso: "2026-03-10"))))
    }

    @Test func aBackfilledRewardIsEvaluatedOverHistoryAndGoesOn() throws {
        let w = try World(Self.catalog([("streak-3", "Pillow", 1)]))
        try w.log(["03-01", "03-02", "03-03"])
        // The mug (2 days in a row, twice) is added with --backfill: history gives it 1–2 March at once, and the
        // 3rd, counted but not used, waits for the 4th.
        let v2 = try w.load(Self.catalog([("streak-3", "Pillow", 1), ("streak-2", "Mug", 2)]), effective: "2026-03-10", backfill: true)
        #expect(v2.backfilled == 1)
        #expect(try w.awards.map(Self.summary) == ["Pillow #1 v1 03-01,03-02,03-03", "Mug #1 v2 03-01,03-02"])
        try w.log(["03-04"])
        #expect(try w.awards.map(Self.summary).last == "Mug #2 v2 03-03,03-04")
        // Delivered like any other: an outbox row for each partner that serves it (none here), and no award twice
        // when the same version is loaded again.
        let again = try w.load(Self.catalog([("streak-3", "Pillow", 1), ("streak-2", "Mug", 2)]), effective: nil, backfill: true)
        #expect(again.version == 2 && again.backfilled == 0)
        #expect(try w.awards.count == 3)
    }

    @Test func aChangedIncentiveEndsTheOldRewardAndStartsANewOne() throws {
        let w = try World(Self.catalog([("streak-3", "Pillow", 1)]))
        try w.log(["03-01", "03-02", "03-03"]) // the 3-day pillow is earned
        try w.log(["03-05", "03-06"])
        let v2 = try w.load(Self.catalog([("streak-3", "Pillow", 1)], streakDays: 4), effective: "2026-03-07")
        guard case .redefined = v2.change?.rewards.first?.kind else { Issue.record("a 3 → 4 day streak is a new reward"); return }
        // The two days under the old rule do not carry over; the 4-day pillow is a new reward with an award of its own.
        try w.log(["03-07", "03-08", "03-09"])
        #expect(try w.awards.count == 1)
        try w.log(["03-10"])
        let awards = try w.awards
        #expect(awards.map(Self.summary) == ["Pillow #1 v1 03-01,03-02,03-03", "Pillow #1 v2 03-07,03-08,03-09,03-10"])
        #expect(awards[0].id != awards[1].id, "partners receive the new reward's award under its own id")
        #expect(awards.map(\.achievement.generation) == [1, 2])
    }

    @Test func aRemovedRewardEarnsNothingMoreAndTheOthersKeepTheirProgress() throws {
        let w = try World(Self.catalog([("streak-2", "Mug", 3), ("streak-3", "Pillow", 1)]))
        try w.log(["03-01", "03-02"]) // a mug; two days toward the pillow
        try w.load(Self.catalog([("streak-3", "Pillow", 1)]), effective: "2026-03-03")
        try w.log(["03-03", "03-04"])
        #expect(try w.awards.map(Self.summary) == ["Mug #1 v1 03-01,03-02", "Pillow #1 v2 03-01,03-02,03-03"])
    }

    @Test func daysOutsideMovedProgramDatesStopCounting() throws {
        let w = try World(Self.catalog([("streak-3", "Pillow", 2)]))
        try w.log(["03-01", "03-02"])
        try w.load(Self.catalog([("streak-3", "Pillow", 2)], ends: "2026-03-03"), effective: "2026-03-03")
        try w.log(["03-03", "03-04", "03-05", "03-06"])
        let got = try w.awards.map(Self.summary)
        #expect(got == ["Pillow #1 v2 03-01,03-02,03-03"], "\(got)")
    }

    @Test func theSameCatalogAgainMakesNoVersion() throws {
        let w = try World(Self.catalog([("streak-3", "Pillow", 1)]))
        let again = try w.load(Self.catalog([("streak-3", "Pillow", 1)]), effective: nil)
        #expect(again.version == 1)
        #expect(again.change?.isEmpty == true)
        #expect(try w.store.catalogVersions().count == 1)
    }

    /// `init` prints the changes; `--dry-run` stores nothing; an effective day after the end of a program that
    /// gets a reward is refused; an ingest running blocks the change (75).
    @Test func initPrintsDryRunsAndRefuses() throws {
        let binary = try #require(Binary.path)
        let dir = TempDir()
        let db = dir.path("db.sqlite")
        let roster = dir.write("roster.jsonl", #"{"id": "ana", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n")
        let v1 = dir.write("v1.json", Self.catalog([("streak-3", "Pillow", 1)]))
        let v2 = dir.write("v2.json", Self.catalog([("streak-3", "Pillow", 2), ("birth", "Gift card", 1)], streakDays: 4))
        #expect(try runProcess(binary, ["init", "--db", db, "--catalog", v1, "--roster", roster]).status == 0)
        let dry = try runProcess(binary, ["init", "--db", db, "--catalog", v2, "--roster", roster, "--effective", "2026-06-01", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains(#"acme / p / "Pillow" (streak-3): now 4 days in a row (was 3 days in a row)"#))
        #expect(dry.stdout.contains(#"acme / p / "Gift card" (birth): added; counts from 2026-06-01"#))
        #expect(dry.stdout.contains("dry run: nothing stored"))
        #expect(try Store(path: db).catalogVersions().count == 1)
        let late = try runProcess(binary, ["init", "--db", db, "--catalog", v2, "--roster", roster, "--effective", "2027-01-05"])
        #expect(late.status == 78)
        #expect(late.stderr.contains("after program p ends on 2026-12-31"))
        let early = try runProcess(binary, ["init", "--db", db, "--catalog", v2, "--roster", roster, "--effective", "2025-12-01"])
        #expect(early.status == 78)
        #expect(early.stderr.contains("--effective 2025-12-01 is before program p starts on 2026-01-01"), "\(early.stderr)")
        #expect(try Store(path: db).catalogVersions().count == 1, "a refused change stores nothing")
        let bad = try runProcess(binary, ["init", "--db", db, "--catalog", v2, "--roster", roster, "--effective", "June"])
        #expect(bad.status == 64)
        let applied = try runProcess(binary, ["init", "--db", db, "--catalog", v2, "--roster", roster, "--effective", "2026-06-01"])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("catalog version 2"))
        let versions = try Store(path: db).catalogVersions()
        #expect(versions.map(\.version) == [1, 2])
        #expect(versions[1].effective == LocalDate(iso: "2026-06-01"))
        #expect(versions[1].changes.count == 2)
        let listed = try runProcess(binary, ["programs", "--db", db, "--versions", "--format", "csv"])
        #expect(listed.stdout.split(separator: "\n").count == 3, "a header and two versions: \(listed.stdout)")
        let first = try runProcess(binary, ["programs", "--db", db, "--version", "1", "--format", "csv"])
        #expect(first.stdout.contains("streak-3,streak,days=3,health_data_logged,Pillow,1"), "\(first.stdout)")
        #expect(!first.stdout.contains("Gift card"))
        let missing = try runProcess(binary, ["programs", "--db", db, "--version", "7"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no catalog version 7 (versions: 1, 2)"))
    }

    /// The effective day is checked against the programs a change touches, and only those: a limit change
    /// does not care about the day, an added reward does (before the start, after the end).
    @Test func anEffectiveDayOutsideAChangedProgramIsRefused() throws {
        let v1 = try CatalogDecoder.decode(Data(Self.catalog([("streak-3", "Pillow", 1)]).utf8), file: "v1.json")
        let limit = try CatalogDecoder.decode(Data(Self.catalog([("streak-3", "Pillow", 3)]).utf8), file: "v2.json")
        let added = try CatalogDecoder.decode(Data(Self.catalog([("streak-3", "Pillow", 1), ("birth", "Gift card", 1)]).utf8), file: "v3.json")
        let day = { (s: String) in LocalDate(iso: s)! }
        #expect(CatalogChange.between(v1, limit).refusal(effective: day("2025-06-01"), in: limit) == nil)
        #expect(CatalogChange.between(v1, added).refusal(effective: day("2026-01-01"), in: added) == nil)
        #expect(CatalogChange.between(v1, added).refusal(effective: day("2026-12-31"), in: added) == nil)
        #expect(CatalogChange.between(v1, added).refusal(effective: day("2025-12-31"), in: added)?.contains("before program p starts on 2026-01-01") == true)
        #expect(CatalogChange.between(v1, added).refusal(effective: day("2027-01-01"), in: added)?.contains("after program p ends on 2026-12-31") == true)
    }

    /// Two `init`s at once: one holds the database while it changes the catalog, the other gets 75 and a message
    /// that says why (or, if it starts after the first is done, finds nothing left to change); never two versions
    /// of one change, never a half-applied one.
    @Test func twoInitsAtOnceNeverApplyHalfAChange() throws {
        let binary = try #require(Binary.path)
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 60, events: 20_000)
        let db = dir.path("db.sqlite")
        _ = try Ingestor(store: try Fixtures.initStore(db, g.inputs)).ingest(path: g.inputs.events)
        let v2 = dir.write("v2.json", PreviewTests.proposed)

        // Held by hand: the change waits for nothing and says who holds the database.
        let lock = open(db + "-ingest.lock", O_RDWR | O_CREAT, 0o600)
        #expect(flock(lock, LOCK_EX) == 0)
        let refused = try runProcess(binary, ["init", "--db", db, "--catalog", v2, "--roster", g.inputs.roster])
        #expect(refused.status == 75)
        #expect(refused.stderr.contains("another ingest (or init) is running on this database"), "\(refused.stderr)")
        #expect(try Store(path: db).catalogVersions().count == 1)
        flock(lock, LOCK_UN)
        close(lock)

        // Two at once, for real.
        let results = ConcurrentResults()
        DispatchQueue.concurrentPerform(iterations: 2) { _ in
            let r = try? runProcess(binary, ["init", "--db", db, "--catalog", v2, "--roster", g.inputs.roster])
            results.add(r)
        }
        let statuses = results.all.map { $0?.status ?? -1 }.sorted()
        #expect(statuses == [0, 0] || statuses == [0, 75], "\(results.all.map { $0?.stderr ?? "" })")
        let versions = try Store(path: db).catalogVersions()
        #expect(versions.map(\.version) == [1, 2], "one change, one version")
        #expect(results.all.contains { $0?.stdout.contains("catalog version 2") == true })
        // What the change left is whole: the stored catalog is the proposal, reward by reward.
        let proposal = try CatalogDecoder.decode(Data(PreviewTests.proposed.utf8), file: "v2")
        #expect(try Store(path: db).catalog().rewardKeys().map(\.key) == proposal.rewardKeys().map(\.key))
    }
}

/// What concurrent test work collects, behind a lock.
final class ConcurrentResults: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [ProcessOutput?] = []
    func add(_ r: ProcessOutput?) { lock.lock(); items.append(r); lock.unlock() }
    var all: [ProcessOutput?] { lock.lock(); defer { lock.unlock() }; return items }
}
