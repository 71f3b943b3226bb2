import Foundation
import IncentivesConsole
import IncentivesCore
import Testing

/// The simulator's clock on the days clocks change (issue 20, item 1): a wall-clock time typed or stepped to in the
/// test user's zone is the instant a clock there shows it at, and the day the engine counts is that local day, in
/// every DST rule of the demo's zones and at Lord Howe, both directions, at 23:xx and 00:xx. The old clock added the
/// elapsed seconds of a 23- or 25-hour day to its start: 23:55 on Chicago's spring-forward day was 00:55 the next
/// day, and the five-day streak that should have been awarded restarted at day 1.
@Suite("The simulator's clock on DST-change days")
struct SimulatorDSTTests {
    /// A new test user in `zone`, the clock on `day`.
    private func state(zone: String, day: LocalDate) throws -> AppState {
        var s = try Fixture.state(.simulator)
        s.press(.character("/"))
        s.type(zone)
        s.press(.enter)
        try #require(s.simulator.user?.timezone == zone)
        s.press(.character("d"))
        s.type(day.iso)
        s.press(.enter)
        try #require(s.simulator.day == day)
        return s
    }

    private func setTime(_ s: inout AppState, _ hhmm: String) {
        s.press(.character("T"))
        s.type(hhmm)
        s.press(.enter)
    }

    /// Every event sent reads, on a wall clock in the zone, as the day and time the simulator's clock said.
    private func expectWallClock(_ s: AppState, _ zone: String, _ expected: [(LocalDate, Int)], _ change: DSTDays.Change) {
        let events = s.simulator.sandbox.events
        #expect(events.count == expected.count, "\(change)")
        for (e, (day, minute)) in zip(events, expected) {
            let (y, m, d) = day.components
            #expect(DSTDays.wallClock(e.at, zone: zone) == [y, m, d, minute / 60, minute % 60], "\(change): \(e.id) at \(e.at)")
            #expect(s.simulator.sandbox.localDay(of: e) == day, "\(change): \(e.id)")
            // The feed shows that instant and the offset the zone has then (Foundation's, independently).
            let offset = TimeZone(identifier: zone)!.secondsFromGMT(for: Date(timeIntervalSince1970: Double(e.at.seconds)))
            let shown = "· \(e.id) · \(e.at.rfc3339) \(Instant.offsetText(offset))"
            #expect(s.simulator.feed.contains { $0.text.hasSuffix(shown) }, "\(change): \(shown)")
        }
    }

    @Test(arguments: DSTDays.all())
    func fiveNightsAt2355EndingOnTheChangeDayEarnTheStreak(change: DSTDays.Change) throws {
        let first = change.day.adding(days: -4)
        var s = try state(zone: change.zone, day: first)
        // t (12:00 → 23:55) and l on the first day, then n, t, l four times: the issue's keystrokes.
        s.press(.character("t"), .character("l"))
        for _ in 0..<4 { s.press(.character("n"), .character("t"), .character("l")) }
        let days = (0..<5).map { first.adding(days: $0) }
        expectWallClock(s, change.zone, days.map { ($0, 23 * 60 + 55) }, change)
        let pillow = try #require(s.simulator.standings.first { $0.slot.reward.reward == "Pregnancy pillow" })
        #expect(pillow.awards == 1, "\(change): \(s.simulator.feed.suffix(4).map(\.text))")
        #expect(s.simulator.feed.contains { $0.text.contains("AWARDED Pregnancy pillow") }, "\(change)")
        #expect(!s.simulator.feed.contains { $0.text.contains("day 1 of 5") && $0.text != s.simulator.feed.first { $0.text.contains("day 1 of 5") }?.text }, "\(change): the run never restarted")
    }

    @Test(arguments: DSTDays.all())
    func justAfterMidnightAroundTheChangeDay(change: DSTDays.Change) throws {
        // 23:30 and 23:55 the day before, then `t` to 00:05 on the change day (the next day, never back), 23:59
        // there, then 00:30 after it.
        var s = try state(zone: change.zone, day: change.day.adding(days: -1))
        setTime(&s, "23:30")
        s.press(.character("l"), .character("t"), .character("l"), .character("t"))
        #expect(s.simulator.day == change.day, "t after 23:55 goes to 00:05 the next day")
        s.press(.character("l"))
        setTime(&s, "23:59")
        s.press(.character("l"))
        setTime(&s, "00:30 +1d")
        s.press(.character("l"))
        expectWallClock(s, change.zone, [(change.day.adding(days: -1), 23 * 60 + 30), (change.day.adding(days: -1), 23 * 60 + 55), (change.day, 5),
                                         (change.day, 23 * 60 + 59), (change.day.adding(days: 1), 30)], change)
        let pillow = try #require(s.simulator.standings.first { $0.slot.reward.reward == "Pregnancy pillow" })
        #expect(pillow.countedDays == [change.day.adding(days: -1), change.day, change.day.adding(days: 1)], "\(change)")
    }

    @Test func theFeedShowsTheUTCInstantAndOffsetOfEveryEvent() throws {
        // The issue's case: Chicago, Sun 8 Mar 2026 (clocks forward) at 23:55 is 04:55Z, at -05:00.
        var s = try state(zone: "America/Chicago", day: LocalDate(iso: "2026-03-08")!)
        s.press(.character("t"), .character("l"))
        #expect(s.simulator.feed.contains { $0.text == "2026-03-08 23:55 test-2 logs mood · sim-1 · 2026-03-09T04:55:00Z -05:00" })
        // Fall back (1 Nov): 23:55 is 05:55Z, at -06:00.
        s.press(.character("d"))
        s.type("2026-11-01")
        s.press(.enter)
        setTime(&s, "23:55")
        s.press(.character("l"))
        #expect(s.simulator.feed.contains { $0.text == "2026-11-01 23:55 test-2 logs mood · sim-2 · 2026-11-02T05:55:00Z -06:00" })
    }

    @Test func aTimeTheClocksSkipOrRepeatIsSaidInTheFeed() throws {
        var s = try state(zone: "America/Chicago", day: LocalDate(iso: "2026-03-08")!)
        setTime(&s, "02:30")
        s.press(.character("l"))
        #expect(s.simulator.feed.contains { $0.text == "2026-03-08 03:30 test-2 logs mood · sim-1 · 2026-03-08T08:30:00Z -05:00" })
        #expect(s.simulator.feed.contains { $0.text == "  no 02:30 on 2026-03-08 in America/Chicago: the clocks went forward, so it is 03:30 (-05:00)" })
        s.press(.character("d"))
        s.type("2026-11-01")
        s.press(.enter)
        setTime(&s, "01:30")
        s.press(.character("l"))
        #expect(s.simulator.feed.contains { $0.text == "2026-11-01 01:30 test-2 logs mood · sim-2 · 2026-11-01T06:30:00Z -05:00" })
        #expect(s.simulator.feed.contains { $0.text == "  01:30 happens twice on 2026-11-01 in America/Chicago (the clocks went back): the first, -05:00" })
    }
}

/// The rehearsal exported (`x`) as files `replay` runs: across the DST changes, what `replay` records over them is
/// exactly what the simulator announced — the same awards, the same evidence days and events.
@Suite("A simulator rehearsal replayed")
struct SimulatorExportTests {
    @Test(arguments: DSTDays.all())
    func replayOfTheExportAgreesWithTheFeed(change: DSTDays.Change) throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("/"))
        s.type(change.zone)
        s.press(.enter)
        s.press(.character("d"))
        s.type(change.day.adding(days: -4).iso)
        s.press(.enter)
        // Five nights at 23:55 up to the change day, then three just after midnight (t from 23:56 wraps to 00:05).
        s.press(.character("t"), .character("l"))
        for _ in 0..<4 { s.press(.character("n"), .character("t"), .character("l")) }
        for _ in 0..<3 { s.press(.character("t"), .character("l"), .character("t"), .character("t"), .character("t")) }
        let awarded = s.simulator.sandbox.awarded
        #expect(!awarded.isEmpty, "\(change)")
        let dir = TempDir(prefix: "sim-export")
        s.press(.character("x"))
        s.type(dir.path("case"))
        s.press(.enter)
        let feed = s.simulator.feed.map(\.text)
        #expect(feed.contains { $0.hasPrefix("exported \(s.simulator.sandbox.eventCount) events of 2 test users to \(dir.path("case"))") }, "\(feed.suffix(3))")
        let replay = try Binary.run(["replay", "--catalog", dir.path("case/catalog.json"), "--roster", dir.path("case/roster.jsonl"),
                                     "--events", dir.path("case/events.jsonl")])
        #expect(replay.status == 0, "\(replay.stderr)")
        let lines = replay.stdout.split(separator: "\n").map(String.init)
        let got = try lines.map { line -> [String] in
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return [o["user"], o["program"], o["reward"], o["completedOn"], o["achievedAt"]].map { "\($0 ?? "")" } + (o["evidence"] as? [String] ?? [])
        }
        let expected = awarded.map { [$0.user, $0.program, $0.reward, $0.completedOn.iso, $0.achievedAt.rfc3339] + $0.evidence }
        #expect(got == expected, "\(change)")
    }

    @Test func nothingToExportSaysSo() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("x"))
        s.type("/tmp/never-written")
        s.press(.enter)
        #expect(s.simulator.feed.last?.text == "nothing to export: no event sent yet (l logs one)")
        s.press(.character("l"), .character("x"))
        s.type("/proc/no/such")
        s.press(.enter)
        #expect(s.simulator.feed.last?.text.hasPrefix("cannot export to /proc/no/such: ") == true, "\(s.simulator.feed.last?.text ?? "")")
    }
}

/// The DST-day preset QA asked for (issue 20, wanted): `D` moves the clock to 23:55 on the eve of the test user's
/// next clock change, so five nights over the change are `l` then `n t l` four times... from the eve.
@Suite("The simulator's DST-day preset")
struct SimulatorDSTPresetTests {
    @Test(arguments: DSTDays.all())
    func dGoesToTheEveOfTheNextChange(change: DSTDays.Change) throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("/"))
        s.type(change.zone)
        s.press(.enter)
        s.press(.character("d"))
        s.type(change.day.adding(days: -20).iso)
        s.press(.enter)
        s.press(.character("D"))
        #expect(s.simulator.clockLabel == "\(change.day.adding(days: -1).iso) 23:55", "\(change)")
        let said = try #require(s.simulator.feed.last?.text)
        #expect(said.hasPrefix("-- clocks go \(change.shift > 0 ? "forward" : "back") \(abs(change.shift) / 60) min on "), "\(said)")
        #expect(said.contains(change.day.iso) && said.contains(change.zone), "\(said)")
    }

    @Test func aZoneWithoutDSTSaysSo() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("/"))
        s.type("Asia/Tokyo")
        s.press(.enter)
        let day = s.simulator.day
        s.press(.character("D"))
        #expect(s.simulator.feed.last?.text == "no DST change in Asia/Tokyo within a year of \(day.iso)")
        #expect(s.simulator.day == day)
    }
}
