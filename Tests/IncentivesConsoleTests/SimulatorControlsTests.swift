import IncentivesConsole
import IncentivesCore
import Testing

/// What QA asked of the simulator: the time of day (a near-midnight log in two keys), a jump to a typed day, and
/// the last event sent again (a duplicate) or with other content (a conflict), each answered in the feed.
struct SimulatorControlsTests {
    private func feed(_ s: AppState) -> [String] { s.simulator.feed.map(\.text) }

    @Test func aNearMidnightLogIsTwoKeysAway() throws {
        var s = try Fixture.state(.simulator)
        #expect(s.simulator.user?.timezone == "America/Chicago")
        let day = s.simulator.day
        s.press(.character("t"), .character("l"))
        // 23:55 in Chicago is already tomorrow in UTC: the feed shows the instant and offset, and the local day is
        // the one that counts.
        #expect(feed(s).contains("\(day.iso) 23:55 test-1 logs mood · sim-1 · \(day.adding(days: 1).iso)T05:55:00Z -06:00"))
        #expect(feed(s).contains("  Pregnancy pillow: counted a new day: day 1 of 5"))
        #expect(s.simulator.standings.first?.countedDays == [day])
    }

    @Test func tStepsThroughTheTimesOfDay() throws {
        var s = try Fixture.state(.simulator)
        var seen: [String] = []
        for _ in 0..<4 {
            s.press(.character("t"))
            seen.append(String(s.simulator.clockLabel.suffix(5)))
        }
        #expect(seen == ["23:55", "00:05", "08:00", "12:00"])
        #expect(Fixture.text(s).contains("clock \(s.simulator.day.iso) 12:00"))
    }

    /// Issue 20, item 13: 23:55 → 00:05 was ten minutes back to the same day's morning, a day earlier than meant.
    @Test func tAfter2355GoesToTheNextDayNeverBack() throws {
        var s = try Fixture.state(.simulator)
        let day = s.simulator.day
        s.press(.character("t"))
        #expect(s.simulator.clockLabel == "\(day.iso) 23:55")
        s.press(.character("t"))
        #expect(s.simulator.clockLabel == "\(day.adding(days: 1).iso) 00:05")
        #expect(feed(s).last == "-- clock set to \(day.adding(days: 1).iso) 00:05 (next day) --")
        // A typed time with +1d is that time on the next day.
        s.press(.character("T"))
        s.type("00:10 +1d")
        s.press(.enter)
        #expect(s.simulator.clockLabel == "\(day.adding(days: 2).iso) 00:10")
    }

    /// Issue 20, item 13: `e` made a new test user; it moves the current one to the next employer, events and all.
    @Test func eChangesTheCurrentTestUsersEmployer() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("l"))
        let before = try #require(s.simulator.user)
        s.press(.character("e"))
        let after = try #require(s.simulator.user)
        #expect(s.simulator.sandbox.members.count == 1, "no new test user")
        #expect(after.id == before.id && after.timezone == before.timezone)
        #expect(after.employer != before.employer)
        #expect(feed(s).last?.hasPrefix("test-1 now works for ") == true, "\(feed(s))")
        // The standings are the new employer's programs.
        let programs = Set(s.simulator.sandbox.catalog.employer(after.employer!)!.programs.map(\.id))
        #expect(!s.simulator.standings.isEmpty && s.simulator.standings.allSatisfy { programs.contains($0.slot.program.id) })
    }

    @Test func aTypedTimeSetsTheClockAndAWrongOneSaysWhy() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("T"))
        s.type("6:30")
        #expect(Fixture.text(s).contains("time of day (HH:MM, +1d next day): 6:30"))
        s.press(.enter)
        #expect(s.simulator.clockLabel.hasSuffix("06:30"))
        for wrong in ["25:00", "12:60", "noon", "12"] {
            s.press(.character("T"))
            s.type(wrong)
            s.press(.enter)
            #expect(feed(s).last == "not a time of day \"\(wrong)\": type HH:MM, from 00:00 to 23:59 (e.g. 23:58), or HH:MM +1d for the next day")
            #expect(s.simulator.clockLabel.hasSuffix("06:30"), "the clock is unchanged")
        }
        // Esc leaves the clock alone.
        s.press(.character("T"))
        s.type("01:00")
        s.press(.escape)
        #expect(s.simulator.clockLabel.hasSuffix("06:30"))
    }

    @Test func aTypedDayMovesTheClockAndAWrongOneSaysWhy() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("d"))
        s.type("2026-12-24")
        #expect(Fixture.text(s).contains("jump to day (YYYY-MM-DD): 2026-12-24"))
        s.press(.enter)
        #expect(s.simulator.day == LocalDate(iso: "2026-12-24"))
        #expect(feed(s).last == "-- jumped to Thu 24 Dec 2026-12-24 --")
        for wrong in ["2026-13-01", "2026-02-30", "24/12/2026", "tomorrow"] {
            s.press(.character("d"))
            s.type(wrong)
            s.press(.enter)
            #expect(feed(s).last == "not a day \"\(wrong)\": type YYYY-MM-DD, a real date (e.g. 2026-12-31)")
            #expect(s.simulator.day == LocalDate(iso: "2026-12-24"), "the day is unchanged")
        }
        // The next log is on the typed day.
        s.press(.character("l"))
        #expect(feed(s).contains { $0.hasPrefix("2026-12-24 12:00 test-1 logs mood") })
    }

    @Test func resendingTheLastEventIsADuplicateAndOtherContentAConflict() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("a"))
        #expect(feed(s).last == "nothing to send again: test-1 has sent no event yet (l logs one)")
        s.press(.character("A"))
        #expect(feed(s).last == "nothing to send again: test-1 has sent no event yet (l logs one)")
        #expect(s.simulator.sandbox.eventCount == 0)

        s.press(.character("l"))
        let standing = s.simulator.standings.map(\.countedDays)
        s.press(.character("a"))
        let day = s.simulator.day.iso
        #expect(feed(s).suffix(2) == ["\(day) test-1 sends sim-1 again (same id and content) · \(day)T18:00:00Z -06:00",
                                      "  duplicate: the same event was sent again: it changes nothing"])
        s.press(.character("A"))
        #expect(feed(s).suffix(2) == ["\(day) test-1 sends sim-1 again (same id, category sleep instead of mood) · \(day)T18:00:00Z -06:00",
                                      "  conflict: id: \"sim-1\" was already accepted with other content; the first one stands"])
        #expect(s.simulator.standings.map(\.countedDays) == standing, "neither changed any progress")
        #expect(s.simulator.sandbox.eventCount == 3)
        // Sending again after the conflict is still a duplicate of the first: the first one stands.
        s.press(.character("a"))
        #expect(feed(s).last == "  duplicate: the same event was sent again: it changes nothing")
    }

    @Test func aBirthSentWithOtherContentMovesAnHour() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("b"), .character("A"))
        #expect(feed(s).contains { $0.contains("sends sim-1 again (same id, an hour later) · ") })
        #expect(feed(s).last?.hasPrefix("  conflict: ") == true)
    }

    @Test func eachTestUserResendsTheirOwnLastEvent() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("l"), .character("u"), .character("a"))
        #expect(feed(s).last == "nothing to send again: test-2 has sent no event yet (l logs one)")
        s.press(.left, .character("a"))
        #expect(feed(s).last == "  duplicate: the same event was sent again: it changes nothing")
    }

    /// Issue 20, item 13: `q q` at the top level quits (the second q confirms, as y does).
    @Test func qTwiceQuitsAfterPlaying() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("l"), .character("q"))
        #expect(!s.quitting)
        #expect(s.status == "quit and discard 1 test user and 1 event? y or q quits, any other key stays")
        s.press(.character("q"))
        #expect(s.quitting)
    }

    /// Issue 20, item 11: a zone typed with a slip gets the nearest IANA names.
    @Test func aMistypedZoneGetsTheNearestNames() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("/"))
        s.type("Europe/Pari")
        s.press(.enter)
        #expect(feed(s).last == "unknown time zone \"Europe/Pari\" (an IANA name such as Europe/Paris); did you mean Europe/Paris?")
        #expect(s.simulator.sandbox.members.count == 1, "no test user made")
    }
}
