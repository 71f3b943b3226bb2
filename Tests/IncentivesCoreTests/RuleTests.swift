import IncentivesCore
import Testing

@Suite("Rules: single, streak, days_in_window")
struct RuleTests {
    @Test func singleEarnsOnTheEventItselfUpToTheLimit() throws {
        var w = World()
        w.offer("birth", SingleEventRule(), event: .birthReported, limit: 2)
        w.member("ana")
        let e = try w.engine()
        let got = feed(e, [birth("b1", "ana", "2026-06-14T09:12:00Z"), birth("b2", "ana", "2026-06-14T10:00:00Z"),
                           birth("b3", "ana", "2026-07-01T10:00:00Z")])
        #expect(got.map(\.1.evidence) == [["b1"], ["b2"]])
        #expect(got.map(\.1.ordinal) == [1, 2])
        #expect(got[0].1.completedOn == date("2026-06-14"))
    }

    @Test func streakNeedsConsecutiveDays() throws {
        var w = World()
        w.offer("s3", StreakRule(days: 3))
        w.member("ana")
        let e = try w.engine()
        // Days 1, 2, (gap), 4, 5, 6: only 4-5-6 is three in a row.
        let got = feed(e, [log("a", "ana", "2026-03-01T10:00:00Z"), log("b", "ana", "2026-03-02T10:00:00Z"),
                           log("c", "ana", "2026-03-04T10:00:00Z"), log("d", "ana", "2026-03-05T10:00:00Z"),
                           log("f", "ana", "2026-03-06T10:00:00Z")])
        #expect(got.count == 1)
        #expect(got[0].0 == "f")
        #expect(got[0].1.evidence == ["c", "d", "f"])
        #expect(got[0].1.completedOn == date("2026-03-06"))
        #expect(got[0].1.achievedAt == instant("2026-03-06T10:00:00Z"))
    }

    @Test func streakOfOneIsAnyQualifyingDay() throws {
        var w = World()
        w.offer("s1", StreakRule(days: 1), limit: 3)
        w.member("ana")
        let got = feed(try w.engine(), dailyLogs("ana", from: "2026-03-01", days: 4))
        #expect(got.map(\.1.evidence) == [["e1"], ["e2"], ["e3"]])
    }

    @Test func daysInWindowCountsDistinctDaysWithinTheWindow() throws {
        var w = World()
        w.offer("w", DaysInWindowRule(days: 3, window: 5))
        w.member("ana")
        let e = try w.engine()
        // Days 1 and 5 are 5 days apart (window 1..5): a third day inside earns.
        var got = feed(e, [log("a", "ana", "2026-03-01T10:00:00Z"), log("b", "ana", "2026-03-05T10:00:00Z")])
        #expect(got.isEmpty)
        got = feed(e, [log("c", "ana", "2026-03-03T10:00:00Z")])
        #expect(got.map(\.1.evidence) == [["a", "c", "b"]])
        #expect(got[0].1.completedOn == date("2026-03-05"))
    }

    @Test func daysInWindowDoesNotReachAcrossAWiderGap() throws {
        var w = World()
        w.offer("w", DaysInWindowRule(days: 2, window: 3))
        w.member("ana")
        // Days 1 and 4 are four days apart: no window of three holds both.
        let got = feed(try w.engine(), [log("a", "ana", "2026-03-01T10:00:00Z"), log("b", "ana", "2026-03-04T10:00:00Z")])
        #expect(got.isEmpty)
    }

    @Test func earliestStartingWindowWinsAndItsEarliestDaysAreEvidence() throws {
        var w = World()
        w.offer("w", DaysInWindowRule(days: 2, window: 4), limit: 5)
        w.member("ana")
        let e = try w.engine()
        // 1 and 6 are too far apart; 4 completes both [1..4] and [3..6]: the earlier window wins with days 1 and 4.
        var got = feed(e, [log("d1", "ana", "2026-03-01T10:00:00Z"), log("d6", "ana", "2026-03-06T10:00:00Z")])
        #expect(got.isEmpty)
        got = feed(e, [log("d4", "ana", "2026-03-04T10:00:00Z")])
        #expect(got.map(\.1.evidence) == [["d1", "d4"]])
        // Day 6 is still unused: day 7 pairs with it.
        got = feed(e, [log("d7", "ana", "2026-03-07T10:00:00Z")])
        #expect(got.map(\.1.evidence) == [["d6", "d7"]])
    }

    @Test func categoriesNarrowWhatCounts() throws {
        var w = World()
        w.offer("mood", DaysInWindowRule(days: 2, window: 7), categories: ["mood", "symptom"])
        w.member("ana")
        let got = feed(try w.engine(), [log("s", "ana", "2026-03-01T10:00:00Z", "sleep"),
                                        log("m", "ana", "2026-03-02T10:00:00Z", "mood"),
                                        log("s2", "ana", "2026-03-03T10:00:00Z", "sleep"),
                                        log("y", "ana", "2026-03-04T10:00:00Z", "symptom")])
        #expect(got.map(\.1.evidence) == [["m", "y"]])
    }

    @Test func evidenceIsTheFirstQualifyingEventOfEachDayForThatReward() throws {
        var w = World()
        w.offer("any", StreakRule(days: 2))
        w.offer("mood", StreakRule(days: 2), categories: ["mood"])
        w.member("ana")
        // Day 1: sleep first, then mood. The unfiltered streak names the sleep log, the mood streak the mood log.
        let got = feed(try w.engine(), [log("sleep1", "ana", "2026-03-01T08:00:00Z", "sleep"),
                                        log("mood1", "ana", "2026-03-01T09:00:00Z", "mood"),
                                        log("mood2", "ana", "2026-03-02T09:00:00Z", "mood")])
        #expect(got.map(\.1.incentive) == ["any", "mood"])
        #expect(got.map(\.1.evidence) == [["sleep1", "mood2"], ["mood1", "mood2"]])
    }

    @Test func oneEventEarningSeveralRewardsRecordsThemInCatalogOrder() throws {
        var w = World()
        w.offer("zeta", StreakRule(days: 2))
        w.offer("alpha", DaysInWindowRule(days: 2, window: 2))
        w.member("ana")
        let got = feed(try w.engine(), dailyLogs("ana", from: "2026-03-01", days: 2))
        #expect(got.map(\.1.incentive) == ["zeta", "alpha"])
    }

    @Test func typeMustMatchTheIncentivesEvent() throws {
        var w = World()
        w.offer("s2", StreakRule(days: 1))
        w.member("ana")
        let got = feed(try w.engine(), [birth("b", "ana", "2026-03-01T10:00:00Z")])
        #expect(got.isEmpty)
    }
}
