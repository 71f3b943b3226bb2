import IncentivesCore
import Testing

@Suite("Late events, same-day logs, limits, windows of time")
struct TimingTests {
    @Test func aLateEventFillsTheGapAndCompletesTheRun() throws {
        var w = World()
        w.offer("s5", StreakRule(days: 5))
        w.member("ana", zone: "America/Chicago")
        let e = try w.engine()
        var got = feed(e, [log("a1", "ana", "2026-03-02T12:00:00-06:00"), log("a2", "ana", "2026-03-03T12:00:00-06:00"),
                           log("a3", "ana", "2026-03-05T12:00:00-06:00"), log("a4", "ana", "2026-03-06T12:00:00-06:00")])
        #expect(got.isEmpty)
        got = feed(e, [log("late", "ana", "2026-03-04T20:00:00-06:00")])
        #expect(got.map(\.1.evidence) == [["a1", "a2", "late", "a3", "a4"]])
        #expect(got[0].1.completedOn == date("2026-03-06"))
        #expect(got[0].1.achievedAt == instant("2026-03-05T02:00:00Z"))
    }

    @Test func severalLogsOnOneLocalDayCountOnce() throws {
        var w = World()
        w.offer("s3", StreakRule(days: 3))
        w.member("ana")
        let e = try w.engine()
        let got = feed(e, [log("a", "ana", "2026-03-01T08:00:00Z"), log("b", "ana", "2026-03-01T20:00:00Z"),
                           log("c", "ana", "2026-03-02T08:00:00Z"), log("d", "ana", "2026-03-02T09:00:00Z")])
        #expect(got.isEmpty)
        let third = feed(e, [log("f", "ana", "2026-03-03T08:00:00Z")])
        // The first arriving event of each day is the evidence.
        #expect(third.map(\.1.evidence) == [["a", "c", "f"]])
    }

    @Test func aSecondLogOnAnEvidenceDayEarnsNothing() throws {
        var w = World()
        w.offer("s2", StreakRule(days: 2), limit: 3)
        w.member("ana")
        let e = try w.engine()
        #expect(feed(e, dailyLogs("ana", from: "2026-03-01", days: 2)).count == 1)
        #expect(feed(e, [log("again", "ana", "2026-03-02T18:00:00Z")]).isEmpty)
    }

    @Test func limitTwoUsesDisjointEvidence() throws {
        var w = World()
        w.offer("s5", StreakRule(days: 5), limit: 2)
        w.member("gus")
        let got = feed(try w.engine(), dailyLogs("gus", from: "2026-02-01", days: 12))
        #expect(got.map(\.1.evidence) == [["e1", "e2", "e3", "e4", "e5"], ["e6", "e7", "e8", "e9", "e10"]])
        #expect(got.map(\.1.ordinal) == [1, 2])
        #expect(Set(got[0].1.evidence).isDisjoint(with: got[1].1.evidence))
    }

    @Test func daysUsedByOneRewardStillCountForAnother() throws {
        var w = World()
        w.offer("s2", StreakRule(days: 2))
        w.offer("w2", DaysInWindowRule(days: 2, window: 3))
        w.member("ana")
        let got = feed(try w.engine(), dailyLogs("ana", from: "2026-03-01", days: 2))
        #expect(got.map(\.1.evidence) == [["e1", "e2"], ["e1", "e2"]])
    }

    @Test func programBoundariesAreInclusiveLocalDates() throws {
        var w = World()
        w.programStarts = "2026-03-01"
        w.programEnds = "2026-03-03"
        w.offer("s3", StreakRule(days: 3))
        w.member("ana", zone: "America/Chicago")
        // 2026-03-01T03:00Z is still Feb 28 in Chicago; the run Mar 1-3 local counts.
        let e = try w.engine()
        #expect(feed(e, [log("feb", "ana", "2026-03-01T03:00:00Z"), log("m1", "ana", "2026-03-01T12:00:00-06:00"),
                         log("m2", "ana", "2026-03-02T12:00:00-06:00")]).isEmpty)
        let got = feed(e, [log("m3", "ana", "2026-03-03T23:59:59-06:00"), log("m4", "ana", "2026-03-04T00:00:01-06:00")])
        #expect(got.map(\.1.evidence) == [["m1", "m2", "m3"]])
    }

    @Test func eligibilityWindowCutsARunShort() throws {
        var w = World()
        w.offer("s5", StreakRule(days: 5))
        w.offer("w4", DaysInWindowRule(days: 4, window: 7))
        w.member("gus", zone: "Europe/London", from: "2026-03-31", until: "2026-04-03")
        let got = feed(try w.engine(), [log("g0", "gus", "2026-03-30T09:00:00+01:00")] + (1...5).map {
            log("g\($0)", "gus", date("2026-03-30").adding(days: $0).iso + "T09:00:00+01:00")
        })
        #expect(got.map(\.1.incentive) == ["w4"])
        #expect(got[0].1.evidence == ["g1", "g2", "g3", "g4"])
    }

    @Test func aUserWithoutAnEmployerEarnsNothing() throws {
        var w = World()
        w.offer("s1", StreakRule(days: 1))
        w.member("walk-in", employer: nil)
        let e = try w.engine()
        #expect(feed(e, dailyLogs("walk-in", from: "2026-03-01", days: 3)).isEmpty)
    }

    @Test func anUnknownUserIsRefusedAndChangesNothing() throws {
        var w = World()
        w.offer("s1", StreakRule(days: 1))
        w.member("ana")
        let e = try w.engine()
        guard case .failure(let why) = e.record(log("x", "zed", "2026-03-01T10:00:00Z")) else {
            Issue.record("expected a refusal"); return
        }
        #expect(why.code == .unknownUser)
        #expect(why.description == "user: unknown user \"zed\"")
        #expect(e.takeChangedMembers().isEmpty)
    }

    @Test func limitReachedStopsEarning() throws {
        var w = World()
        w.offer("s1", StreakRule(days: 1), limit: 1)
        w.member("ana")
        let got = feed(try w.engine(), dailyLogs("ana", from: "2026-03-01", days: 5))
        #expect(got.count == 1)
    }

    @Test func windowSpanningYearEndCounts() throws {
        var w = World()
        w.offer("s4", StreakRule(days: 4))
        w.member("ana", zone: "Pacific/Kiritimati")
        // Kiritimati is UTC+14: 10:00Z is already midnight of the next local day.
        let got = feed(try w.engine(), (0..<4).map { log("y\($0)", "ana", date("2026-12-29").adding(days: $0).iso + "T10:00:00Z") })
        #expect(got.count == 1)
        #expect(got[0].1.evidenceDays == [date("2026-12-30"), date("2026-12-31"), date("2027-01-01"), date("2027-01-02")])
        #expect(got[0].1.completedOn == date("2027-01-02"))
    }

    @Test func leapDayIsADayLikeAnyOther() throws {
        var w = World()
        w.offer("s3", StreakRule(days: 3))
        w.member("ana")
        let got = feed(try w.engine(), [log("f28", "ana", "2028-02-28T10:00:00Z"), log("f29", "ana", "2028-02-29T10:00:00Z"),
                                        log("m1", "ana", "2028-03-01T10:00:00Z")])
        #expect(got.map(\.1.evidence) == [["f28", "f29", "m1"]])
        #expect(got[0].1.jsonLine.contains("\"completedOn\":\"2028-03-01\""))
    }

    @Test func noLeapDayIn2027BreaksTheRunOnlyIfADayIsMissing() throws {
        var w = World()
        w.offer("s2", StreakRule(days: 2))
        w.member("ana")
        let got = feed(try w.engine(), [log("f28", "ana", "2027-02-28T10:00:00Z"), log("m1", "ana", "2027-03-01T10:00:00Z")])
        #expect(got.count == 1)
    }
}
