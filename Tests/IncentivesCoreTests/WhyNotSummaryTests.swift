import IncentivesCore
import Testing

/// The why-not summary (`WhyNotSummary`), from an explanation's outcomes: runs and the exact days that broke them
/// (a streak, and N of any W days, whose allowed gap is W − N), calendar periods that ended short, days outside the
/// program and the eligibility, and late events, each spelled out day by day.
@Suite struct WhyNotSummaryTests {
    static func day(_ s: String) -> LocalDate { LocalDate(iso: s)! }

    /// The explanation of `user` after `events` (in arrival order), as of `today`.
    static func explain(_ w: World, _ user: String, _ events: [Event], today: String) throws -> Explanation {
        let explainer = try Explainer(intake: Intake(engine: try w.engine()), user: user)
        for e in events { explainer.take(e) }
        return explainer.explanation(today: day(today))
    }

    static func at(_ d: String) -> String { d + "T12:00:00Z" }

    @Test func streakRunsBreaksOutsideDaysAndLateEvents() throws {
        var w = World()
        w.programStarts = "2026-03-02"
        w.programEnds = "2026-03-31"
        w.offer("log-5", StreakRule(days: 5), reward: "Pillow")
        w.member("ana", until: "2026-03-20")
        let events = [
            log("e0", "ana", Self.at("2026-03-01")),                       // before the program
            log("e1", "ana", Self.at("2026-03-02")), log("e3", "ana", Self.at("2026-03-04")),
            log("e2", "ana", Self.at("2026-03-03")),                       // late: after the 4th
            // the 5th missed: the run of 3 broke on it
            log("e6", "ana", Self.at("2026-03-06")), log("e7", "ana", Self.at("2026-03-07")),
            log("e7b", "ana", "2026-03-07T18:00:00Z"),                // the same day again: no new day
            // the 8th missed
            log("e9", "ana", Self.at("2026-03-09")),
            birth("b1", "ana", Self.at("2026-03-10")),                     // not a log: nothing for this reward
            log("e21", "ana", Self.at("2026-03-21")),                      // after the eligibility ends
        ]
        let x = try Self.explain(w, "ana", events, today: "2026-03-15")
        let s = WhyNotSummary(x, slotIndex: 0)
        #expect(s.countedDays == 6)
        #expect(s.runs.map { $0.days } == [3, 2, 1])
        #expect(s.runs.map { $0.first } == [Self.day("2026-03-02"), Self.day("2026-03-06"), Self.day("2026-03-09")])
        // The last run's break (the 10th) is before today (the 15th), inside the eligibility: broken too.
        #expect(s.breaks == [Self.day("2026-03-05"), Self.day("2026-03-08"), Self.day("2026-03-10")])
        #expect(s.longestRun?.first == Self.day("2026-03-02") && s.longestRun?.days == 3)
        #expect(s.outside.map { "\($0.day.iso) \($0.reason.rawValue) \($0.events)" } == ["2026-03-01 before-program 1", "2026-03-21 not-eligible 1"])
        #expect(s.late.map { "\($0.id) \($0.day.iso) \($0.after.iso) \($0.outcome)" } == ["e2 2026-03-03 2026-03-04 counted"])
        let words = s.sentences.joined(separator: "\n")
        #expect(words.contains("longest run: 3 days (Mon 2 Mar 2026 to Wed 4 Mar 2026); 5 days earn it; 6 days counted in all"), "\(words)")
        #expect(words.contains("broke on Thu 5 Mar 2026: no log that day ended a run of 3 days (Mon 2 Mar to Wed 4 Mar, 2 short)"), "\(words)")
        // The latest break first.
        #expect(s.sentences.filter { $0.hasPrefix("broke") }.map { String($0.prefix(25)) } == ["broke on Tue 10 Mar 2026:", "broke on Sun 8 Mar 2026: ", "broke on Thu 5 Mar 2026: "])
        #expect(words.contains("late: e2 for Tue 3 Mar 2026 arrived after an event of Wed 4 Mar 2026: counted"), "\(words)")
        #expect(words.contains("Sun 1 Mar 2026: before the program"), "\(words)")
        #expect(words.contains("Sat 21 Mar 2026: outside the user's eligibility"), "\(words)")
    }

    /// A run whose break day is today or later may still go on; one that reached the last day that counts ended
    /// with it: neither broke.
    @Test func aRunThatMayGoOnOrEndedWithTheProgramIsNotBroken() throws {
        var w = World()
        w.programStarts = "2026-03-02"
        w.programEnds = "2026-03-10"
        w.offer("log-5", StreakRule(days: 5))
        w.member("ana")
        let going = try Self.explain(w, "ana", [log("a", "ana", Self.at("2026-03-03")), log("b", "ana", Self.at("2026-03-04"))], today: "2026-03-05")
        #expect(WhyNotSummary(going, slotIndex: 0).breaks == [])
        let yesterday = try Self.explain(w, "ana", [log("a", "ana", Self.at("2026-03-03"))], today: "2026-03-05")
        #expect(WhyNotSummary(yesterday, slotIndex: 0).breaks == [Self.day("2026-03-04")])
        let ended = try Self.explain(w, "ana", [log("a", "ana", Self.at("2026-03-09")), log("b", "ana", Self.at("2026-03-10"))], today: "2026-03-20")
        #expect(WhyNotSummary(ended, slotIndex: 0).breaks == [])
    }

    /// 3 of any 5 days allows 2 missed days in a row: a gap of 2 keeps the run, a gap of 3 breaks it on its third day.
    @Test func aWindowRuleBreaksOnlyWhenNoWindowSpansTheGap() throws {
        var w = World()
        w.offer("three-of-five", DaysInWindowRule(days: 3, window: 5))
        w.member("ana")
        let x = try Self.explain(w, "ana", [
            log("a", "ana", Self.at("2026-03-02")),
            log("b", "ana", Self.at("2026-03-05")),    // 3rd and 4th missed: still one run
            log("c", "ana", Self.at("2026-03-09")),    // 6th, 7th, 8th missed: broke on the 8th
        ], today: "2026-03-10")
        let s = WhyNotSummary(x, slotIndex: 0)
        #expect(s.runs.map(\.days) == [2, 1])
        #expect(s.runs.first?.brokenOn == Self.day("2026-03-08"))
        #expect(s.runs.last?.brokenOn == nil, "the 12th is still to come")
    }

    @Test func weeksThatEndedShortAndTheOneThatEarned() throws {
        var w = World()
        w.offer("week-3", DaysInPeriodRule(days: 3, period: .week))
        w.member("ana")
        let x = try Self.explain(w, "ana", [
            log("a", "ana", Self.at("2026-03-02")), log("b", "ana", Self.at("2026-03-03")),               // week of Mon 2 Mar: 2 of 3
            log("c", "ana", Self.at("2026-03-09")), log("d", "ana", Self.at("2026-03-10")), log("e", "ana", Self.at("2026-03-11")),  // earned
            log("f", "ana", Self.at("2026-03-16")),                                                  // this week, in progress
        ], today: "2026-03-17")
        let s = WhyNotSummary(x, slotIndex: 0)
        #expect(s.periods.map(\.counted) == [2, 3, 1])
        #expect(s.periods.map(\.earned) == [false, true, false])
        #expect(s.periods.map(\.missed) == [true, false, false])
        #expect(s.runs.isEmpty)
        #expect(s.sentences.first == "Mon 2 Mar to Sun 8 Mar 2026: 2 of 3 days, ended short")
    }

    /// A run after the last award the limit allows is not "short": nothing could come of it.
    @Test func aRunAfterTheLimitIsNotShort() throws {
        var w = World()
        w.offer("log-2", StreakRule(days: 2), limit: 1)
        w.member("ana")
        let x = try Self.explain(w, "ana", [
            log("a", "ana", Self.at("2026-03-02")), log("b", "ana", Self.at("2026-03-03")),   // earned: the limit
            log("c", "ana", Self.at("2026-03-05")),                                        // broke on the 6th
        ], today: "2026-03-10")
        let s = WhyNotSummary(x, slotIndex: 0)
        #expect(s.limitReachedOn == Self.day("2026-03-03"))
        #expect(s.sentences.contains("broke on Fri 6 Mar 2026: no log that day ended a run of 1 day (Thu 5 Mar to Thu 5 Mar, after the limit was reached)"),
                "\(s.sentences)")
    }

    /// One summary per reward of the explanation; a single-event reward has no runs.
    @Test func oneSummaryPerReward() throws {
        var w = World()
        w.offer("log-2", StreakRule(days: 2))
        w.offer("birth", SingleEventRule(), event: .birthReported)
        w.member("ana")
        let x = try Self.explain(w, "ana", [log("a", "ana", Self.at("2026-03-02")), log("b", "ana", Self.at("2026-03-03"))], today: "2026-03-05")
        let all = WhyNotSummary.all(x)
        #expect(all.map(\.slot.incentive.id) == ["log-2", "birth"])
        #expect(all[0].runs.first?.earned == 1)
        #expect(all[1].runs.isEmpty && all[1].countedDays == 0)
        #expect(all[1].sentences == ["no event counted for it yet"])
    }
}
