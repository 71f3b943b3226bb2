import Testing
import IncentivesCore

/// Streak and days-in-window progress over a long span (a program "until 9999-12-31") keeps only the
/// words a user logged in, and decides exactly as over a short span.
@Suite("Day-window marks: dense and sparse decide alike; state follows the days logged")
struct DayWindowMarksTests {
    static let rules: [any IncentiveRule] = [StreakRule(days: 5), DaysInWindowRule(days: 4, window: 7), DaysInWindowRule(days: 3, window: 366)]

    /// The same days (late, repeated, out of order) into progress over 2026 only (dense) and over 2026 to
    /// 9999 (sparse): the same awards with the same evidence, the same standing, the same calendars.
    @Test(arguments: 0..<Self.rules.count)
    func aLongSpanDecidesAsAShortOne(rule index: Int) throws {
        let rule = Self.rules[index]
        let short = rule.makeProgress(span: date("2026-01-01")...date("2026-12-31"))
        let long = rule.makeProgress(span: date("2026-01-01")...date("9999-12-31"))
        var rng = SplitMix64(seed: UInt64(index) + 7)
        var awards = 0
        for i in 0..<3_000 {
            let day = date("2026-01-01").adding(days: Int(rng.next() % 365))
            let event = QualifyingEvent(id: "e\(i)", day: day)
            let a = short.record(event), b = long.record(event)
            #expect(a == b, "event \(i) on \(day)")
            if a != nil { awards += 1 }
            if i % 97 == 0 {
                #expect(short.status(today: day) == long.status(today: day))
                #expect(short.status(today: nil) == long.status(today: nil))
            }
        }
        #expect(awards > 10)
        #expect(short.countedDays == long.countedDays)
        #expect(short.usedDays == long.usedDays)
    }

    /// Five days logged in a program from year 1 to 9999, some in year 1 and some in 9999: a few words
    /// saved, and a late event in either century is still judged exactly.
    @Test func theWholeCalendarCostsWhatWasLogged() throws {
        let span = date("0001-01-01")...date("9999-12-31")
        let streak = StreakRule(days: 3)
        let p = streak.makeProgress(span: span)
        var earned: [Evidence] = []
        for d in ["0001-01-01", "0001-01-03", "9999-12-30", "9999-12-31", "5000-01-01"] {
            if let e = p.record(QualifyingEvent(id: d, day: date(d))) { earned.append(e) }
        }
        #expect(earned.isEmpty)
        var w = ByteWriter()
        p.encode(into: &w)
        #expect(w.bytes.count < 100, "\(w.bytes.count) bytes: the saved form holds the logged days, not 3.6M days of calendar")
        var r = ByteReader(w.bytes)
        let restored = try streak.decodeProgress(span: span, from: &r)
        #expect(restored.countedDays == p.countedDays)
        // The late log for 2 January of year 1 completes that run; 29 December 9999 completes the other.
        #expect(restored.record(QualifyingEvent(id: "late", day: date("0001-01-02"))) == [.firstEventOn(date("0001-01-01")), .firstEventOn(date("0001-01-02")), .firstEventOn(date("0001-01-03"))])
        #expect(restored.record(QualifyingEvent(id: "end", day: date("9999-12-29")))?.count == 3)
        #expect(restored.status(today: date("9999-12-31")).done == 0, "every day of that run is used")
    }

    /// Blobs the previous version wrote (every word over the span) restore into either form.
    @Test func theDenseLayoutOfEarlierVersionsStillRestores() throws {
        let rule = DaysInWindowRule(days: 2, window: 3)
        for span in [date("2026-01-01")...date("2026-12-31"), date("2026-01-01")...date("9999-12-31")] {
            let length = Int(span.upperBound.dayNumber - span.lowerBound.dayNumber) + 1
            var w = ByteWriter()
            w.write(Int(span.lowerBound.dayNumber)); w.write(length); w.write(40)
            let words = (length + 63) / 64
            for i in 0..<words { w.write(i == 0 ? UInt64(1) << 10 : 0) }          // counted: day 10
            for _ in 0..<words { w.write(UInt64(0)) }                                 // used: none
            var r = ByteReader(w.bytes)
            let p = try rule.decodeProgress(span: span, from: &r)
            #expect(p.countedDays == [date("2026-01-11")])
            #expect(p.record(QualifyingEvent(id: "x", day: date("2026-01-12"))) == [.firstEventOn(date("2026-01-11")), .firstEventOn(date("2026-01-12"))])
        }
    }

    @Test func savedMarksThatCannotBeRightAreRefused() throws {
        let span = date("2026-01-01")...date("9999-12-31")
        let length = Int(span.upperBound.dayNumber - span.lowerBound.dayNumber) + 1
        func sparse(_ words: [(step: Int, counted: UInt64, used: UInt64)], last: Int = 5) -> Bool {
            var w = ByteWriter()
            w.write(Int(span.lowerBound.dayNumber)); w.write(-1); w.write(length); w.write(last); w.write(words.count)
            for word in words { w.write(word.step); w.write(word.counted); w.write(word.used) }
            var r = ByteReader(w.bytes)
            return (try? StreakRule(days: 3).decodeProgress(span: span, from: &r)) != nil
        }
        #expect(sparse([(1, 0b111, 0b011)]))
        #expect(!sparse([(1, 0b011, 0b100)]), "a used day that never counted")
        #expect(!sparse([(0, 1, 0)]), "word indices must ascend")
        #expect(!sparse([(1, 1, 0), (Int.max, 1, 0)]), "a word beyond the span, even when the step would overflow")
        #expect(!sparse([(1, 1, 0)], last: length), "the latest day outside the span")
        #expect(!sparse([((length + 63) / 64 + 1, 1, 0)]), "a word past the span's end")
    }
}
