import IncentivesCore
import Testing

@Suite("Rules: days_in_period")
struct DaysInPeriodTests {
    static let month3 = DaysInPeriodRule(days: 3, period: .month)
    static let week4 = DaysInPeriodRule(days: 4, period: .week)

    /// One log at 12:00 UTC on each day, ids `prefix` + the day's ISO date.
    func logs(_ user: String, _ days: [String], prefix: String = "") -> [Event] {
        days.map { log(prefix + $0, user, $0 + "T12:00:00Z") }
    }

    @Test func daysMustFallInOneCalendarMonth() throws {
        var w = World()
        w.offer("m3", Self.month3, limit: 12)
        w.member("ana")
        let e = try w.engine()
        #expect(feed(e, logs("ana", ["2026-01-30", "2026-01-31", "2026-02-01", "2026-02-02"])).isEmpty)
        let got = feed(e, logs("ana", ["2026-02-03"]))
        #expect(got.map(\.1.evidence) == [["2026-02-01", "2026-02-02", "2026-02-03"]])
        #expect(got.first?.1.completedOn == date("2026-02-03"))
    }

    @Test func weeksRunMondayToSundayInTheUsersZone() throws {
        // 2026-03-08 is a Sunday; 23:30 that evening in Chicago (CDT since 02:00) is Monday 04:30 UTC.
        for (zone, earns) in [("America/Chicago", true), ("UTC", false)] {
            var w = World()
            w.offer("w4", Self.week4)
            w.member("ana", zone: zone)
            let e = try w.engine()
            let week = [log("mon", "ana", "2026-03-02T18:00:00Z"), log("tue", "ana", "2026-03-03T18:00:00Z"),
                        log("wed", "ana", "2026-03-04T18:00:00Z"),
                        log("sun", "ana", "2026-03-08T23:30:00-05:00")]
            let got = feed(e, week)
            #expect(got.map(\.1.evidence) == (earns ? [["mon", "tue", "wed", "sun"]] : []), "\(zone)")
            if earns { #expect(got[0].1.completedOn == date("2026-03-08")) }
        }
    }

    @Test func oncePerPeriodWithTheLimitAcrossPeriods() throws {
        var w = World()
        w.offer("w4", Self.week4, limit: 2)
        w.member("ana")
        let e = try w.engine()
        // Seven days in the week of Mon 2 Mar earn once; four the next week earn again; the limit stops the third.
        let days = (2...8).map { "2026-03-0\($0)" } + ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12"]
            + ["2026-03-16", "2026-03-17", "2026-03-18", "2026-03-19"]
        let got = feed(e, logs("ana", days))
        #expect(got.map(\.0) == ["2026-03-05", "2026-03-12"])
        #expect(got.map(\.1.ordinal) == [1, 2])
        #expect(got[1].1.evidence == ["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12"])
    }

    @Test func aLateEventFillsAPeriodThatHasNotEarned() throws {
        var w = World()
        w.offer("m3", Self.month3, limit: 5)
        w.member("ana")
        let e = try w.engine()
        #expect(feed(e, logs("ana", ["2026-03-01", "2026-03-20"])).isEmpty)
        #expect(feed(e, logs("ana", ["2026-04-01", "2026-04-02", "2026-04-03"])).map(\.0) == ["2026-04-03"])
        let late = feed(e, logs("ana", ["2026-03-10"]))
        #expect(late.map(\.1.evidence) == [["2026-03-01", "2026-03-10", "2026-03-20"]], "evidence by day, not by arrival")
        #expect(late.first?.1.completedOn == date("2026-03-20"))
        // A late day in a period that already earned earns nothing.
        #expect(feed(e, logs("ana", ["2026-04-20", "2026-04-21", "2026-04-22", "2026-03-25"])).isEmpty)
    }

    @Test func aDayAlreadyCountedEarnsNothingAndTheFirstArrivalIsTheEvidence() throws {
        var w = World()
        w.offer("m3", Self.month3, limit: 3)
        w.member("ana")
        let e = try w.engine()
        let got = feed(e, [log("a", "ana", "2026-05-04T15:00:00Z"), log("b", "ana", "2026-05-04T08:00:00Z"),
                           log("c", "ana", "2026-05-05T12:00:00Z"), log("d", "ana", "2026-05-05T13:00:00Z"),
                           log("f", "ana", "2026-05-06T12:00:00Z"), log("g", "ana", "2026-05-06T18:00:00Z")])
        #expect(got.map(\.0) == ["f"])
        #expect(got[0].1.evidence == ["a", "c", "f"], "b is earlier in the day but arrived second")
        #expect(got[0].1.achievedAt == instant("2026-05-06T12:00:00Z"))
    }

    @Test func theProgramCutsAPeriodThatStraddlesItsStart() throws {
        // The program starts Thursday 1 January 2026: that week holds four days of it, so seven cannot be reached.
        for (rule, earnedBy) in [(DaysInPeriodRule(days: 7, period: .week), [String]()),
                                 (DaysInPeriodRule(days: 3, period: .week), ["2026-01-03"])] {
            var w = World()
            w.programStarts = "2026-01-01"
            w.offer("w", rule)
            w.member("ana")
            let e = try w.engine()
            let got = feed(e, logs("ana", ["2025-12-29", "2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]))
            #expect(got.map(\.0) == earnedBy, "\(rule.summary)")
            if !earnedBy.isEmpty { #expect(got[0].1.evidence == ["2026-01-01", "2026-01-02", "2026-01-03"]) }
        }
    }

    @Test func eligibilityCutsAPeriod() throws {
        var w = World()
        w.offer("m3", Self.month3)
        w.member("ana", from: "2026-03-30")
        w.member("bob", until: "2026-04-02")
        let e = try w.engine()
        // ana: 29 and 28 March are before her eligibility; bob: 3 and 4 April after his.
        #expect(feed(e, logs("ana", ["2026-03-28", "2026-03-29", "2026-03-30", "2026-03-31"])).isEmpty)
        #expect(feed(e, logs("bob", ["2026-04-01", "2026-04-02", "2026-04-03", "2026-04-04"], prefix: "b")).isEmpty)
        #expect(feed(e, logs("ana", ["2026-04-01", "2026-04-02", "2026-04-03"])).map(\.0) == ["2026-04-03"])
    }

    @Test func aWeekSpansTheYearBoundary() throws {
        var w = World()
        w.programStarts = "2025-01-01"
        w.offer("w4", Self.week4)
        w.offer("m3", Self.month3)
        w.member("ana")
        let got = feed(try w.engine(), logs("ana", ["2025-12-29", "2025-12-30", "2026-01-01", "2026-01-04"]))
        // Mon 29 Dec 2025 to Sun 4 Jan 2026 is one week; December and January are two months.
        #expect(got.map(\.1.incentive) == ["w4"])
        #expect(got[0].1.evidence == ["2025-12-29", "2025-12-30", "2026-01-01", "2026-01-04"])
    }

    @Test func februaryTwentyNinthOnlyInLeapYears() throws {
        var w = World()
        w.programEnds = "2028-12-31"
        w.offer("m29", DaysInPeriodRule(days: 29, period: .month), limit: 3)
        w.member("ana")
        let e = try w.engine()
        let feb2027 = (1...28).map { date("2027-02-01").adding(days: $0 - 1).iso } + ["2027-03-01"]
        #expect(feed(e, logs("ana", feb2027)).isEmpty, "February 2027 has 28 days")
        let feb2028 = (1...29).map { date("2028-02-01").adding(days: $0 - 1).iso }
        let got = feed(e, logs("ana", feb2028))
        #expect(got.map(\.0) == ["2028-02-29"])
        #expect(got[0].1.evidence.count == 29)
    }

    @Test func theWholeCalendarKeepsStateBoundedByTheDaysLogged() throws {
        let span = date("0001-01-01")...date("9999-12-31")
        let p = Self.week4.makeProgress(span: span)
        // 0001-01-01 was a Monday (proleptic Gregorian), 9999-12-27 too.
        var earned: [Evidence] = []
        for day in ["0001-01-01", "0001-01-02", "0001-01-03", "0001-01-07", "9999-12-27", "9999-12-29", "9999-12-30", "5000-06-15"] {
            if let ev = p.record(QualifyingEvent(id: day, day: date(day))) { earned.append(ev) }
        }
        #expect(earned.map { $0.count } == [4])
        #expect(p.countedDays.count == 8)
        var w = ByteWriter()
        p.encode(into: &w)
        #expect(w.bytes.count < 64, "the saved form holds the logged days, not the calendar")
        var r = ByteReader(w.bytes)
        let restored = try Self.week4.decodeProgress(span: span, from: &r)
        #expect(restored.record(QualifyingEvent(id: "x", day: date("9999-12-28")))?.count == 4, "the week of Mon 27 Dec 9999, cut by the calendar's end")
    }

    @Test func peopleReadWhatItAsksAndWhereTheyStand() throws {
        #expect(Self.month3.summary == "3 days in a calendar month")
        #expect(Self.week4.summary == "4 days in a week (Mon–Sun)")
        #expect(Self.month3.parameters.map(\.description) == ["days=3", "period=month"])
        let p = Self.month3.makeProgress(span: date("2026-01-01")...date("2026-12-31"))
        _ = p.record(QualifyingEvent(id: "a", day: date("2026-03-02")))
        _ = p.record(QualifyingEvent(id: "b", day: date("2026-03-04")))
        #expect(Self.month3.describe(p.status(today: date("2026-03-20"))) == "2 of 3 days in March")
        #expect(Self.month3.describe(p.status(today: date("2026-04-01"))) == "0 of 3 days in April")
        #expect(p.status(today: nil).lastDay == date("2026-03-04"))
        _ = p.record(QualifyingEvent(id: "c", day: date("2026-03-05")))
        #expect(Self.month3.describe(p.status(today: date("2026-03-20"))) == "0 of 3 days in April", "March has earned: April is next")
        let w = Self.week4.makeProgress(span: date("2026-01-01")...date("2026-12-31"))
        _ = w.record(QualifyingEvent(id: "a", day: date("2026-03-04")))
        #expect(Self.week4.describe(w.status(today: date("2026-03-08"))) == "1 of 4 days, week of Mon 2 Mar")
        #expect(Self.week4.describe(Self.week4.freshStatus(today: nil)) == "0 of 4 days in a week (Mon–Sun)")
    }

    @Test func theSimulatorPlaysDaysThatFitOnePeriod() {
        #expect(Self.month3.daysThatEarn(from: date("2026-01-30")) == [date("2026-02-01"), date("2026-02-02"), date("2026-02-03")])
        #expect(Self.month3.daysThatEarn(from: date("2026-01-29")).first == date("2026-01-29"))
        // Saturday 7 March: too little of the week is left for four days.
        #expect(Self.week4.daysThatEarn(from: date("2026-03-07")).first == date("2026-03-09"))
        #expect(DaysInPeriodRule(days: 31, period: .month).daysThatEarn(from: date("2026-02-10")).first == date("2026-03-01"))
    }

    @Test func savedProgressThatCannotBeRightIsRefused() throws {
        let span = date("2026-01-01")...date("2026-12-31")
        func blob(_ pending: [String], _ used: [String], latest: String?) -> [UInt8] {
            var w = ByteWriter()
            for list in [pending, used] {
                w.write(list.count)
                var previous: Int32 = 0
                for (i, d) in list.enumerated() {
                    let n = date(d).dayNumber
                    w.write(Int(i == 0 ? n : n - previous))
                    previous = n
                }
            }
            if let latest { w.write(1); w.write(Int(date(latest).dayNumber)) } else { w.write(0) }
            return w.bytes
        }
        func decodes(_ bytes: [UInt8]) -> Bool {
            var r = ByteReader(bytes)
            return (try? Self.month3.decodeProgress(span: span, from: &r)) != nil
        }
        #expect(decodes(blob(["2026-03-01", "2026-03-02"], ["2026-04-01", "2026-04-02", "2026-04-03"], latest: "2026-04-03")))
        #expect(!decodes(blob(["2026-03-02", "2026-03-01"], [], latest: "2026-03-02")), "not ascending")
        #expect(!decodes(blob(["2026-03-01", "2026-03-01"], [], latest: "2026-03-01")), "a day twice")
        // A day outside today's span (the span moved since the save: program dates, eligibility) stops counting.
        var outside = ByteReader(blob(["2025-12-31", "2026-03-01"], [], latest: "2026-03-01"))
        let kept = try Self.month3.decodeProgress(span: span, from: &outside)
        #expect(kept.countedDays == [date("2026-03-01")], "outside the span")
        #expect(!decodes(blob([], ["2026-04-01", "2026-04-02"], latest: "2026-04-02")), "an award of two days")
        #expect(!decodes(blob(["2026-04-05"], ["2026-04-01", "2026-04-02", "2026-04-03"], latest: "2026-04-05")), "a pending day in an awarded month")
        #expect(!decodes(blob(["2026-03-01", "2026-03-02", "2026-03-03"], [], latest: "2026-03-03")), "a month that should have earned")
        #expect(!decodes(blob(["2026-03-01"], [], latest: nil)), "days but no latest day")
        #expect(!decodes(blob(["2026-03-05"], [], latest: "2026-03-01")), "the latest day before a counted one")
        var huge = ByteWriter()
        huge.write(1); huge.write(Int.max); huge.write(0); huge.write(0)
        #expect(!decodes(huge.bytes), "a day out of range")
        // No byte changed anywhere traps.
        let good = blob(["2026-03-01", "2026-03-02"], ["2026-04-01", "2026-04-02", "2026-04-03"], latest: "2026-04-03")
        for i in good.indices {
            for v: UInt8 in [0, 1, 0x7f, 0x80, 0xff] {
                var bytes = good
                bytes[i] = v
                _ = decodes(bytes)
            }
        }
    }
}
