import IncentivesCore
import Testing

@Suite("Progress: standings, saving and restoring")
struct ProgressTests {
    /// Format 2 as the previous version wrote it, from format 4: slots keyed by position (the test world's
    /// employer `acme` and program `p`), rule bytes unsized; the day log is the same in both; no points ledgers
    /// (the world's rewards carry no points: format 4 ends with a ledger count of 0, one byte).
    static func formatTwo(from v3: [UInt8], incentives: [String]) throws -> [UInt8] {
        var r = ByteReader(v3)
        var w = ByteWriter()
        #expect(try r.readInt() == 4)
        w.write(2)
        let n = try r.readInt()
        w.write(n)
        for i in 0..<n {
            _ = try r.readString()
            w.write("acme\u{1f}p\u{1f}\(i)\u{1f}\(incentives[i])")
            w.write(try r.readInt())
            let hasRule = try r.readInt()
            w.write(hasRule)
            if hasRule == 1 { w.writeRaw(try r.readSizedBytes()) }
        }
        let rest = r.readRest()
        #expect(rest.last == 0, "no points ledgers")
        w.writeRaw(rest.dropLast())
        return w.bytes
    }

    func formatTwo(from v3: [UInt8], incentives: [String]) throws -> [UInt8] { try Self.formatTwo(from: v3, incentives: incentives) }

    private func world() -> World {
        var w = World()
        w.offer("s5", StreakRule(days: 5), limit: 2)
        w.offer("w3", DaysInWindowRule(days: 3, window: 7), categories: ["mood"])
        w.offer("birth", SingleEventRule(), event: .birthReported)
        w.member("ana")
        return w
    }

    @Test func standingsShowHowFarAlongTheNextAwardIs() throws {
        let e = try world().engine()
        feed(e, dailyLogs("ana", from: "2026-03-01", days: 3))
        let s = e.standings(of: "ana")
        #expect(s.map(\.slot.incentive.id) == ["s5", "w3", "birth"])
        #expect(s[0].status == ProgressStatus(done: 3, needed: 5, lastDay: date("2026-03-03")))
        #expect(s[0].countedDays == [date("2026-03-01"), date("2026-03-02"), date("2026-03-03")])
        #expect(s[1].awards == 1)
        #expect(s[1].limitReached)
        #expect(s[1].status == nil) // nothing more to earn: the progress was let go
        #expect(s[2].awards == 0)
        // A streak broken by a missed day shows zero as of two days later.
        #expect(e.standings(of: "ana", today: date("2026-03-05"))[0].status?.done == 0)
        #expect(e.standings(of: "ana", today: date("2026-03-04"))[0].status?.done == 3)
    }

    @Test func savedProgressRestoresToTheSameDecisions() throws {
        let events = dailyLogs("ana", from: "2026-03-01", days: 12) + [log("late", "ana", "2026-02-28T12:00:00Z")]
        // Uninterrupted.
        let straight = feed(try world().engine(), events).map(\.1)
        // Interrupted after every event: save, start a new engine, restore, continue.
        var bytes: [UInt8]?
        var resumed: [Achievement] = []
        for e in events {
            let engine = try world().engine()
            let saved = bytes
            engine.loadProgress = { _ in saved }
            resumed += feed(engine, [e]).map(\.1)
            #expect(engine.takeChangedMembers().map(\.id) == ["ana"])
            bytes = engine.encodedProgress(of: "ana")
        }
        #expect(resumed == straight)
        #expect(straight.map(\.incentive) == ["w3", "s5", "s5"])
    }

    @Test func corruptOrForeignProgressIsRefused() throws {
        let e = try world().engine()
        feed(e, dailyLogs("ana", from: "2026-03-01", days: 2))
        let good = try #require(e.encodedProgress(of: "ana"))
        #expect(throws: (any Error).self) { try e.restoreProgress(of: "ana", from: Array(good.prefix(good.count / 2))) }
        #expect(throws: (any Error).self) { try e.restoreProgress(of: "ana", from: [9, 9, 9]) }
        // A catalog without those rewards leaves their progress behind (format 3 steps over it) and starts its own
        // reward from nothing; in the older format, which cannot step over a rule it does not know, it is refused.
        var other = World()
        other.offer("different", StreakRule(days: 2))
        other.member("ana")
        let foreign = try other.engine()
        try foreign.restoreProgress(of: "ana", from: good)
        #expect(foreign.standings(of: "ana").map { $0.status?.done } == [nil])
        #expect(throws: (any Error).self) { try other.engine().restoreProgress(of: "ana", from: try formatTwo(from: good, incentives: ["s5", "w3", "birth"])) }
        // The engine still works on its own progress.
        try e.restoreProgress(of: "ana", from: good)
        #expect(e.standings(of: "ana")[0].status?.done == 2)
    }

    @Test func achievementIdsAreStableAndDistinct() throws {
        let a = feed(try world().engine(), dailyLogs("ana", from: "2026-03-01", days: 10)).map(\.1)
        let b = feed(try world().engine(), dailyLogs("ana", from: "2026-03-01", days: 10)).map(\.1)
        #expect(a.map(\.id) == b.map(\.id))
        #expect(Set(a.map(\.id)).count == a.count)
    }

    @Test func jsonLineMatchesTheContract() throws {
        var w = World()
        w.offer("log-5-days", StreakRule(days: 1), reward: "Pillow \"deluxe\"")
        w.member("u-1001")
        let got = feed(try w.engine(), [log("e-1", "u-1001", "2026-03-06T23:30:00-06:00")])
        #expect(got[0].1.jsonLine == #"{"user":"u-1001","employer":"acme","program":"p","incentive":"log-5-days","reward":"Pillow \"deluxe\"","completedOn":"2026-03-07","achievedAt":"2026-03-07T05:30:00Z","evidence":["e-1"]}"#)
    }
}

@Suite("Saved progress formats")
struct ProgressFormatTests {
    private func world() -> World {
        var w = World()
        w.offer("s3", StreakRule(days: 3), limit: 2)
        w.offer("w2", DaysInWindowRule(days: 2, window: 7), categories: ["sleep"], limit: 3)
        w.member("ana")
        return w
    }

    /// Format 2 as the previous version wrote it: slots keyed by position, rule bytes unsized.
    func formatTwo(from v3: [UInt8], incentives: [String]) throws -> [UInt8] {
        try ProgressTests.formatTwo(from: v3, incentives: incentives)
    }

    /// Format 1 as the previous version wrote it: each day log entry's day, type and category spelled out.
    private func formatOne(from v2: [UInt8], slots: Int) throws -> [UInt8] {
        var r = ByteReader(v2)
        var w = ByteWriter()
        #expect(try r.readInt() == 2)
        w.write(1)
        w.write(try r.readInt())
        for _ in 0..<slots {
            w.write(try r.readString()); w.write(try r.readInt())
            let hasRule = try r.readInt()
            w.write(hasRule)
            if hasRule == 1 {
                // Day-window marks are saved as the words that hold a bit (base, -1, length, last, then each
                // word's index step, counted and used bits); the previous version wrote every word: base,
                // length, last, then all counted words and all used words.
                let base = try r.readInt()
                #expect(try r.readInt() == -1)
                let length = try r.readInt(), last = try r.readInt()
                let wordCount = (length + 63) / 64
                var counted = [UInt64](repeating: 0, count: wordCount), used = counted
                var index = -1
                for _ in 0..<(try r.readInt()) {
                    index += try r.readInt()
                    counted[index] = try r.readUInt64()
                    used[index] = try r.readUInt64()
                }
                w.write(base); w.write(length); w.write(last)
                for word in counted + used { w.write(word) }
            }
        }
        let names = try (0..<r.readInt()).map { _ in try r.readString() }
        let n = try r.readInt()
        w.write(n)
        var day = 0
        for _ in 0..<n {
            day += try r.readInt()
            let t = try r.readInt(), c = try r.readInt()
            w.write(day); w.write(names[t]); w.write(c < 0 ? "" : names[c]); w.write(try r.readString())
        }
        #expect(r.isAtEnd)
        return w.bytes
    }

    private func logs(_ prefix: String, from first: String, days: Int, _ category: String) -> [Event] {
        (0..<days).map { i in log("\(prefix)\(i)", "ana", date(first).adding(days: i).iso + "T12:00:00Z", category) }
    }

    @Test func bothFormatsRestoreToTheSameDecisions() throws {
        let first = logs("s", from: "2026-03-01", days: 4, "sleep") + logs("m", from: "2026-03-01", days: 2, "mood")
        let rest = logs("t", from: "2026-03-05", days: 6, "sleep") + [log("late", "ana", "2026-02-27T12:00:00Z", "sleep")]
        let straight = try world().engine()
        let expected = feed(straight, first + rest).map(\.1)
        let saved = try world().engine()
        _ = feed(saved, first)
        let v3 = try #require(saved.encodedProgress(of: "ana"))
        let v2 = try formatTwo(from: v3, incentives: ["s3", "w2"])
        let v1 = try formatOne(from: v2, slots: 2)
        #expect(v1.count > v2.count) // names once, days as differences: format 2 is the smaller
        for bytes in [v3, v2, v1] {
            let engine = try world().engine()
            try engine.restoreProgress(of: "ana", from: bytes)
            #expect(feed(engine, rest).map(\.1) == Array(expected.dropFirst(feed(try world().engine(), first).count)))
            #expect(engine.encodedProgress(of: "ana") != nil)
        }
        #expect(!expected.isEmpty)
    }

    /// The day log keeps each entry's type and category packed in one word: a birth that arrives first on a day
    /// must never be named as a log's evidence, in memory or after a save and restore.
    @Test func aDaysFirstBirthIsNeverALogsEvidence() throws {
        var w = World()
        w.offer("s2", StreakRule(days: 2))
        w.offer("birth", SingleEventRule(), event: .birthReported)
        w.member("ana")
        let first = [birth("b1", "ana", "2026-03-01T08:00:00Z"), log("m1", "ana", "2026-03-01T09:00:00Z", "sleep")]
        let rest = [birth("b2", "ana", "2026-03-02T08:00:00Z"), log("m2", "ana", "2026-03-02T09:00:00Z", "mood")]
        let straight = feed(try w.engine(), first + rest).map(\.1)
        #expect(straight.map(\.evidence) == [["b1"], ["m1", "m2"]])
        let saved = try w.engine()
        _ = feed(saved, first)
        let restored = try w.engine()
        try restored.restoreProgress(of: "ana", from: try #require(saved.encodedProgress(of: "ana")))
        #expect(feed(restored, rest).map(\.1).map(\.evidence) == [["m1", "m2"]])
    }

    @Test func corruptCountsAndDaysAreRefusedNotTrapped() throws {
        let e = try world().engine()
        _ = feed(e, logs("s", from: "2026-03-01", days: 3, "sleep"))
        let good = try #require(e.encodedProgress(of: "ana"))
        // A huge or negative count, and a day far out of range, where the day log starts.
        for bad: [Int] in [[Int.max], [-5], [1, 1 << 40, 0, -1, 0]] { // count, count, (count, day, type, category, id)
            var w = ByteWriter()
            w.write(2); w.write(0) // no slots
            w.write(0) // no names
            for v in bad { w.write(v) }
            #expect(throws: (any Error).self) { try e.restoreProgress(of: "ana", from: w.bytes) }
        }
        try e.restoreProgress(of: "ana", from: good)
    }

    /// Found by Tests/Fuzz/ (FuzzProgress): a string length near Int.max overflowed the reader's bounds check and trapped.
    @Test func aHugeStringLengthIsRefusedNotTrapped() throws {
        let e = try world().engine()
        for length in [Int.max, Int.max - 1, Int.max / 2 + 1] {
            var w = ByteWriter()
            w.write(2); w.write(1) // format 2, one slot, whose key is a string of `length` bytes
            w.write(length)
            w.write("acme")
            #expect(throws: (any Error).self) { try e.restoreProgress(of: "ana", from: w.bytes) }
            var r = ByteReader(w.bytes)
            _ = try r.readInt(); _ = try r.readInt()
            #expect(throws: ByteReader.Failure.truncated) { try r.readString() }
        }
        // The length as the fuzzer's input spelled it (LEB128, zig-zag), where a slot key was due.
        var r = ByteReader([0x8e, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x3d, 0x3d, 0x3d])
        #expect(throws: ByteReader.Failure.truncated) { try r.readString() }
    }

    /// Found by Tests/Fuzz/ (FuzzProgress): saved progress whose rule counts a day the day log has no event for restored,
    /// and the award that used that day trapped naming its evidence ("every counted day has a first event").
    @Test func aCountedDayWithoutALoggedEventIsRefused() throws {
        let e = try world().engine()
        _ = feed(e, logs("s", from: "2026-03-01", days: 1, "sleep"))
        // The streak's progress as saved, then an empty day log: day 2026-03-01 counted, no event for it.
        let saved = try formatTwo(from: try #require(e.encodedProgress(of: "ana")), incentives: ["s3", "w2"])
        var r = ByteReader(saved)
        _ = try r.readInt(); _ = try r.readInt()
        var w = ByteWriter()
        w.write(2); w.write(2)
        for _ in 0..<2 {
            w.write(try r.readString()); w.write(try r.readInt())
            let hasRule = try r.readInt()
            w.write(hasRule)
            if hasRule == 1 {
                let base = try r.readInt(), length = try r.readInt(), last = try r.readInt()
                w.write(base); w.write(length); w.write(last)
                for _ in 0..<(2 * ((length + 63) / 64)) { w.write(try r.readUInt64()) }
            }
        }
        w.write(0); w.write(0) // no names, no day log
        let restored = try world().engine()
        #expect(throws: (any Error).self) { try restored.restoreProgress(of: "ana", from: w.bytes) }
        // The engine goes on from scratch and names its evidence.
        #expect(feed(restored, logs("t", from: "2026-03-02", days: 3, "sleep")).map(\.1.evidence) == [["t0", "t1"], ["t0", "t1", "t2"]])
    }

    /// Progress saved under a catalog that counted "mood" days, restored under one whose incentive counts only
    /// "sleep": the incentive now asks something else, so its progress is left behind and the reward starts from
    /// nothing (DESIGN §13: a changed incentive ends the old reward and starts a new one). Nothing traps.
    @Test func aChangedIncentiveStartsFromNothing() throws {
        func engine(_ categories: Set<String>) throws -> Engine {
            var w = World()
            w.offer("w3", DaysInWindowRule(days: 3, window: 7), categories: categories)
            w.member("ana")
            return try w.engine()
        }
        let before = try engine(["sleep", "mood"])
        _ = feed(before, [log("m1", "ana", "2026-03-01T12:00:00Z", "mood")])
        let after = try engine(["sleep"])
        try after.restoreProgress(of: "ana", from: try #require(before.encodedProgress(of: "ana")))
        let got = feed(after, logs("s", from: "2026-03-02", days: 3, "sleep")).map(\.1)
        #expect(got.map(\.evidence) == [["s0", "s1", "s2"]])
    }

    /// Found by Tests/Fuzz/ (FuzzProgress): a format-1 day log spells days out, in any order and as far apart as Int32
    /// allows; re-encoding it as format 2 (differences between days) trapped on the Int32 subtraction.
    @Test func aFormatOneDayLogOutOfOrderOrFarApartDoesNotTrap() throws {
        // Out of order: refused, saying so; in order however far apart: restored, and it round-trips.
        for (days, refused) in [([Int(Int32.max), Int(Int32.min)], true), ([Int(Int32.min), Int(Int32.max)], false)] {
            var w = ByteWriter()
            w.write(1); w.write(0) // format 1, no slots
            w.write(days.count)
            for (k, day) in days.enumerated() { w.write(day); w.write("health_data_logged"); w.write("sleep"); w.write("e\(k)") }
            let e = try world().engine()
            do { try e.restoreProgress(of: "ana", from: w.bytes) } catch {
                #expect(refused, "\(days) refused: \(error)")
                #expect("\(error)".contains("out of order"), "\(error)")
                continue
            }
            #expect(!refused, "\(days): a day log out of order was restored")
            let again = try world().engine()
            let bytes = try #require(e.encodedProgress(of: "ana"))
            try again.restoreProgress(of: "ana", from: bytes)
            #expect(again.encodedProgress(of: "ana") == bytes)
        }
    }
}
