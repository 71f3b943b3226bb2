import IncentivesCore
import Testing

/// CONTRACT §1 "Points and tiers" and §3 "Tiers": what the engine records, in which order, with which evidence,
/// and that saved progress carries the totals across restarts. Expectations are written out by hand from the
/// contract's words, not derived from the engine.
@Suite("Points and tiers")
struct TierTests {
    /// A world whose rewards carry points: two single-event rewards on births (10 and 25 points), a 2-day streak
    /// (30 points, limit 3) and a 0-point single; the ladder is given.
    private func world(tiers: [Tier]) -> World {
        var w = World()
        w.offer("birth-a", SingleEventRule(), event: .birthReported, reward: "A", limit: 5, points: 10)
        w.offer("birth-b", SingleEventRule(), event: .birthReported, reward: "B", limit: 5, points: 25)
        w.offer("streak-2", StreakRule(days: 2), reward: "S", limit: 3, points: 30)
        w.offer("birth-zero", SingleEventRule(), event: .birthReported, reward: "Z", limit: 5, points: 0)
        w.tiers = tiers
        w.member("ana")
        return w
    }

    /// The earned lines as (incentive or "tier:ID", reward, evidence).
    private func lines(_ earned: [(String, Achievement)]) -> [String] {
        earned.map { _, a in "\(a.tier.map { "tier:" + $0 } ?? a.incentive) \(a.reward) \(a.evidence.joined(separator: ","))" }
    }

    @Test func oneEventCrossingTwoTiersRecordsBothInOrderRightAfterTheAwardThatCrossedThem() throws {
        let engine = try world(tiers: [Tier(id: "bronze", points: 10, reward: "$5"), Tier(id: "silver", points: 30, reward: "$10"),
                                       Tier(id: "gold", points: 100, reward: "$50")]).engine()
        let earned = feed(engine, [birth("b1", "ana", "2026-03-02T10:00:00Z")])
        // A (10) reaches bronze; B (25) makes 35, reaching silver; Z adds nothing and comes after.
        #expect(lines(earned) == ["birth-a A b1", "tier:bronze $5 b1", "birth-b B b1", "tier:silver $10 b1", "birth-zero Z b1"])
        let silver = try #require(earned.map(\.1).first { $0.tier == "silver" })
        #expect(silver.incentive == "")
        #expect(silver.completedOn == date("2026-03-02"))
        #expect(silver.achievedAt == instant("2026-03-02T10:00:00Z"))
        #expect(silver.jsonLine == #"{"user":"ana","employer":"acme","program":"p","tier":"silver","reward":"$10","completedOn":"2026-03-02","achievedAt":"2026-03-02T10:00:00Z","evidence":["b1"]}"#)
    }

    @Test func aTierIsReachedOnceAndItsEvidenceIsTheEarningEventsUpToTheCrossingEachOnce() throws {
        let engine = try world(tiers: [Tier(id: "t70", points: 70, reward: "R70"), Tier(id: "t100", points: 100, reward: "R100")]).engine()
        let earned = feed(engine, [
            birth("b1", "ana", "2026-03-02T10:00:00Z"),          // A 10, B 35
            log("l1", "ana", "2026-03-03T10:00:00Z"),
            log("l2", "ana", "2026-03-04T10:00:00Z"),            // S 65
            birth("b2", "ana", "2026-03-05T10:00:00Z"),          // A 75 → t70; B 100 → t100
            birth("b3", "ana", "2026-03-06T10:00:00Z"),          // A, B: 135, no tier again
        ])
        let tiers = earned.map(\.1).filter { $0.tier != nil }
        #expect(tiers.map(\.tier) == ["t70", "t100"])
        // Each event once: b1 earned two point-carrying awards, b2 too.
        #expect(tiers[0].evidence == ["b1", "l2", "b2"])
        #expect(tiers[0].evidenceDays == [date("2026-03-02"), date("2026-03-04"), date("2026-03-05")])
        #expect(tiers[1].evidence == ["b1", "l2", "b2"])
        #expect(engine.pointsStandings(of: "ana").map(\.total) == [135])
        #expect(engine.pointsStandings(of: "ana").first?.text == "135 points, every tier reached")
    }

    @Test func zeroPointAwardsAreNoEvidenceAndPointsOfOneProgramNeverReachAnother() throws {
        var w = World()
        w.offer("birth-zero", SingleEventRule(), event: .birthReported, reward: "Z", limit: 5, points: 0)
        w.offer("streak-2", StreakRule(days: 2), reward: "S", limit: 3, points: 5)
        w.tiers = [Tier(id: "t", points: 5, reward: "T")]
        w.member("ana")
        let catalog = w.catalog()
        // The same program twice under another id, without points: its awards add nothing to the first's total.
        let first = catalog.employers[0].programs[0]
        let other = Program(id: "q", name: "Q", starts: first.starts, ends: first.ends,
                            rewards: [Reward(incentive: "streak-2", reward: "S2", limit: 3)], tiers: [Tier(id: "t", points: 1, reward: "never")])
        let two = Catalog(incentives: catalog.incentives, employers: [Employer(id: "acme", name: "Acme", programs: [first, other])])
        let engine = try Engine(catalog: two, roster: w.roster())
        let earned = feed(engine, [birth("b1", "ana", "2026-03-02T10:00:00Z"), log("l1", "ana", "2026-03-03T10:00:00Z"),
                                   log("l2", "ana", "2026-03-04T10:00:00Z")])
        #expect(lines(earned) == ["birth-zero Z b1", "streak-2 S l1,l2", "tier:t T l2", "streak-2 S2 l1,l2"])
        #expect(engine.pointsStandings(of: "ana").map(\.total) == [5, 0])
        #expect(engine.pointsStandings(of: "ana").last?.text == "0 of 1 points to t")
    }

    @Test func aTotalSavedMidwayGoesOnAfterARestoreAsIfNeverStopped() throws {
        let tiers = [Tier(id: "bronze", points: 40, reward: "$5"), Tier(id: "silver", points: 70, reward: "$10")]
        let events = [birth("b1", "ana", "2026-03-02T10:00:00Z"), log("l1", "ana", "2026-03-03T10:00:00Z"),
                      log("l2", "ana", "2026-03-04T10:00:00Z"), birth("b2", "ana", "2026-03-05T10:00:00Z")]
        let whole = feed(try world(tiers: tiers).engine(), events).map(\.1)

        let before = try world(tiers: tiers).engine()
        var earned = feed(before, Array(events.prefix(1))).map(\.1)
        let saved = try #require(before.encodedProgress(of: "ana"))
        let after = try world(tiers: tiers).engine()
        try after.restoreProgress(of: "ana", from: saved)
        earned += feed(after, Array(events.dropFirst())).map(\.1)
        #expect(earned == whole)
        #expect(whole.compactMap(\.tier) == ["bronze", "silver"])
        // b1: A 10, B 35; l2's streak: 65 reaches bronze; b2's A: 75 reaches silver.
        #expect(whole.first { $0.tier == "bronze" }?.evidence == ["b1", "l2"])
        #expect(whole.first { $0.tier == "silver" }?.evidence == ["b1", "l2", "b2"])
    }

    @Test func savedPointsThatDoNotAddUpAreRefused() throws {
        let engine = try world(tiers: [Tier(id: "gold", points: 1000, reward: "$")]).engine()
        feed(engine, [birth("b1", "ana", "2026-03-02T10:00:00Z")])
        var bytes = try #require(engine.encodedProgress(of: "ana"))
        // The ledger is last: its final entry's running total (35, one byte) is the last byte. Make it 36.
        #expect(bytes.last == 35 << 1)
        bytes[bytes.count - 1] = 36 << 1
        #expect(throws: (any Error).self) { try world(tiers: []).engine().restoreProgress(of: "ana", from: bytes) }
    }

    @Test func tierIDsAreKeptApartFromEveryAwardsID() throws {
        let award = Achievement(user: "u", employer: "e", program: "p", incentive: "bronze", reward: "R", completedOn: date("2026-01-01"),
                                achievedAt: instant("2026-01-01T00:00:00Z"), evidence: [], evidenceDays: [], ordinal: 1)
        let tier = Achievement(user: "u", employer: "e", program: "p", incentive: "", reward: "R", completedOn: date("2026-01-01"),
                               achievedAt: instant("2026-01-01T00:00:00Z"), evidence: [], evidenceDays: [], ordinal: 1, tier: "bronze")
        #expect(award.id != tier.id)
        #expect(tier.jsonLine.contains(#""tier":"bronze""#) && !tier.jsonLine.contains("incentive"))
    }
}

/// `why` in the same vocabulary: an award that carries points says what it added and how far the next tier is,
/// and a tier reached is a line of its own (`tier-reached`) right after it.
@Suite("Points and tiers explained")
struct TierExplainTests {
    @Test func anAwardSaysWhatItAddedAndATierReachedIsALineOfItsOwn() throws {
        var w = World()
        w.offer("badge", SingleEventRule(), event: .birthReported, reward: "Weekly badge", limit: 5, points: 20)
        w.tiers = [Tier(id: "bronze", points: 40, reward: "$25 wallet credit"), Tier(id: "silver", points: 100, reward: "$50")]
        w.member("ana")
        let explainer = try Explainer(intake: Intake(engine: try w.engine()), user: "ana")
        explainer.take(birth("b1", "ana", "2026-03-02T10:00:00Z"))
        let second = Array(explainer.take(birth("b2", "ana", "2026-03-03T10:00:00Z")))
        #expect(second.map(\.outcome.code) == ["earned", "points-added", "tier-reached"])
        #expect(second[1].outcome.sentence == "the award added 20 points: 40 of 100 to silver")
        #expect(second[2].outcome.sentence == #"reached tier "bronze": "$25 wallet credit" (completed Tue 3 Mar 2026); evidence b1 (Mon 2 Mar), b2 (Tue 3 Mar)"#)
        #expect(Outcome.codes.contains("tier-reached") && Outcome.codes.contains("points-added"))
    }
}

/// A catalog version that changes points or tiers (DESIGN §13): nothing reached is taken back, a tier added below
/// a user's total is reached with their next award that carries points, and awards keep the points they added.
@Suite("Points and tiers across catalog versions")
struct TierChangeTests {
    private func world(points: Int, tiers: [Tier]) -> World {
        var w = World()
        w.offer("birth", SingleEventRule(), event: .birthReported, reward: "B", limit: 9, points: points)
        w.tiers = tiers
        w.member("ana")
        return w
    }

    /// Feeds `before` under the first world, saves, restores under the second and feeds `after`.
    private func across(_ first: World, _ second: World, before: [Event], after: [Event]) throws -> (before: [Achievement], after: [Achievement]) {
        let old = try first.engine()
        let a = feed(old, before).map(\.1)
        let saved = try #require(old.encodedProgress(of: "ana"))
        let new = try second.engine()
        try new.restoreProgress(of: "ana", from: saved)
        return (a, feed(new, after).map(\.1))
    }

    /// One birth a day: b1 on Mon 2 Mar, b2 on Tue 3 Mar, ... (the number in the id gives the day).
    private func births(_ ids: [String]) -> [Event] {
        ids.map { id in birth(id, "ana", "2026-03-0\(Int(id.dropFirst())! + 1)T10:00:00Z") }
    }

    @Test func raisingATiersPointsTakesNothingBackAndDoesNotReachItAgain() throws {
        let (before, after) = try across(world(points: 10, tiers: [Tier(id: "t", points: 20, reward: "T")]),
                                         world(points: 10, tiers: [Tier(id: "t", points: 50, reward: "T")]),
                                         before: births(["b1", "b2"]), after: births(["b3", "b4", "b5", "b6"]))
        #expect(before.compactMap(\.tier) == ["t"])
        #expect(after.compactMap(\.tier).isEmpty)
    }

    @Test func aTierAddedBelowATotalIsReachedWithTheNextAwardThatCarriesPoints() throws {
        let (before, after) = try across(world(points: 10, tiers: []),
                                         world(points: 10, tiers: [Tier(id: "low", points: 15, reward: "L"), Tier(id: "high", points: 40, reward: "H")]),
                                         before: births(["b1", "b2"]), after: births(["b3", "b4"]))
        #expect(before.compactMap(\.tier).isEmpty)
        // b3 makes 30: "low" (15) is reached now, with the evidence up to the award whose total first reached 15.
        let tiers = after.filter { $0.tier != nil }
        #expect(tiers.map(\.tier) == ["low", "high"])
        #expect(tiers[0].evidence == ["b1", "b2"])
        #expect(tiers[0].achievedAt == instant("2026-03-04T10:00:00Z"), "the award that reached it is b3's")
        #expect(tiers[1].evidence == ["b1", "b2", "b3", "b4"])
    }

    @Test func awardsKeepThePointsTheyAddedWhenARewardsPointsChange() throws {
        let (_, after) = try across(world(points: 10, tiers: [Tier(id: "t", points: 100, reward: "T")]),
                                    world(points: 40, tiers: [Tier(id: "t", points: 100, reward: "T")]),
                                    before: births(["b1", "b2"]), after: births(["b3", "b4"]))
        // 10 + 10 before; 40 + 40 after: 100 with b4, not with b3 (which 40-point old awards would have given).
        #expect(after.filter { $0.tier != nil }.map(\.achievedAt) == [instant("2026-03-05T10:00:00Z")])
    }

    @Test func theChangeListsTierAndPointsChangesWithTheirRules() throws {
        let old = world(points: 10, tiers: [Tier(id: "a", points: 20, reward: "A"), Tier(id: "b", points: 50, reward: "B")]).catalog()
        let new = world(points: 15, tiers: [Tier(id: "a", points: 30, reward: "A2"), Tier(id: "c", points: 60, reward: "C")]).catalog()
        let change = CatalogChange.between(old, new)
        #expect(change.rewards.map(\.kind) == [.points(from: 10, to: 15)])
        #expect(change.tiers.map(\.kind) == [.points(from: 20, to: 30), .reward(from: "A", to: "A2"), .added(points: 60), .removed])
        #expect(change.tiers.map(\.tier) == ["a", "a", "c", "b"])
        #expect(change.tiers[0].sentence(effective: date("2026-03-01")) == "acme / p / tier a: 20 → 30 points; users who reached it keep it, the others need 30")
        #expect(!change.isEmpty)
    }

    @Test func aCostChangeIsSaidAndChangesNoReward() throws {
        let usd = { (units: Int64) in Money(units: units, currency: "USD") }
        func catalog(_ cost: Money?) -> Catalog {
            var w = World()
            w.offer("birth", SingleEventRule(), event: .birthReported, reward: "B", limit: 9, points: 10)
            w.tiers = [Tier(id: "t", points: 20, reward: "T", cost: cost)]
            w.member("ana")
            let c = w.catalog(), p = c.employers[0].programs[0]
            let priced = Program(id: p.id, name: p.name, starts: p.starts, ends: p.ends,
                                 rewards: p.rewards.map { Reward(incentive: $0.incentive, reward: $0.reward, limit: $0.limit, points: $0.points, cost: cost) },
                                 tiers: p.tiers)
            return Catalog(incentives: c.incentives, employers: [Employer(id: "acme", name: "Acme", programs: [priced])])
        }
        let change = CatalogChange.between(catalog(usd(250_000)), catalog(usd(990_000)))
        #expect(change.rewards.isEmpty && change.tiers.isEmpty)
        #expect(change.other == [
            #"acme / p / "B" (birth): cost 25.00 USD → 99.00 USD; prices reports and previews, no award changes"#,
            "acme / p / tier t: cost 25.00 USD → 99.00 USD; prices reports and previews, no award changes"])
        #expect(CatalogChange.between(catalog(nil), catalog(usd(10_000))).other.first?.contains("cost none → 1.00 USD") == true)
    }
}
