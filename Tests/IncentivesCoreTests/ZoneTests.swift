import IncentivesCore
import Testing

@Suite("Local days in the user's zone")
struct ZoneTests {
    private func localDay(_ zone: String, _ at: String) throws -> LocalDate {
        let rules = try #require(ZoneRules(identifier: zone))
        return rules.localDate(of: instant(at))
    }

    @Test(arguments: [
        // +14 and -11: the same instant is two calendar days apart.
        ("Pacific/Kiritimati", "2026-03-01T10:00:00Z", "2026-03-02"),
        ("Pacific/Kiritimati", "2026-03-01T09:59:59Z", "2026-03-01"),
        ("Pacific/Pago_Pago", "2026-03-01T10:59:59Z", "2026-02-28"),
        ("Pacific/Pago_Pago", "2026-03-01T11:00:00Z", "2026-03-01"),
        // Half-hour and 45-minute offsets.
        ("Asia/Kolkata", "2026-03-01T18:29:59Z", "2026-03-01"),
        ("Asia/Kolkata", "2026-03-01T18:30:00Z", "2026-03-02"),
        ("Asia/Kathmandu", "2026-03-01T18:14:59Z", "2026-03-01"),
        ("Asia/Kathmandu", "2026-03-01T18:15:00Z", "2026-03-02"),
        ("Pacific/Chatham", "2026-06-30T11:15:00Z", "2026-07-01"), // +12:45 in winter
        // New York: DST starts 2026-03-08 (02:00 -> 03:00), ends 2026-11-01 (02:00 -> 01:00).
        ("America/New_York", "2026-03-08T04:59:59Z", "2026-03-07"), // 23:59:59 EST
        ("America/New_York", "2026-03-09T03:59:59Z", "2026-03-08"), // 23:59:59 EDT
        ("America/New_York", "2026-03-09T04:00:00Z", "2026-03-09"),
        ("America/New_York", "2026-11-02T03:59:59Z", "2026-11-01"), // 22:59:59 EST after the change
        ("America/New_York", "2026-11-02T04:59:59Z", "2026-11-01"), // 23:59:59 EST
        ("America/New_York", "2026-11-02T05:00:00Z", "2026-11-02"),
        // Lord Howe: a half-hour DST (+10:30 / +11), starts 2026-10-04, ends 2026-04-05.
        ("Australia/Lord_Howe", "2026-04-04T12:59:59Z", "2026-04-04"), // 23:59:59 +11
        ("Australia/Lord_Howe", "2026-04-04T13:00:00Z", "2026-04-05"),
        ("Australia/Lord_Howe", "2026-04-05T13:29:59Z", "2026-04-05"), // 23:59:59 +10:30
        ("Australia/Lord_Howe", "2026-04-05T13:30:00Z", "2026-04-06"),
        ("Australia/Lord_Howe", "2026-10-04T12:59:59Z", "2026-10-04"), // 23:59:59 +11 on the start day
        ("Australia/Lord_Howe", "2026-10-04T13:00:00Z", "2026-10-05"),
    ])
    func localDayFollowsTheZoneNotTheWrittenOffset(zone: String, at: String, expected: String) throws {
        #expect(try localDay(zone, at) == date(expected))
    }

    @Test func theWrittenOffsetDoesNotDecideTheDay() throws {
        // 23:30 in Chicago written as -06:00 is 05:30Z next day; in Chicago it is still the 2nd.
        #expect(try localDay("America/Chicago", "2026-03-02T23:30:00-06:00") == date("2026-03-02"))
        // The same instant for an Auckland user is the 3rd.
        #expect(try localDay("Pacific/Auckland", "2026-03-02T23:30:00-06:00") == date("2026-03-03"))
    }

    @Test func theTableAgreesWithFoundationAcrossYears() throws {
        for zone in ["America/New_York", "Australia/Lord_Howe", "Europe/London", "Asia/Tehran", "America/Sao_Paulo"] {
            let rules = try #require(ZoneRules(identifier: zone))
            let tz = try #require(TimeZoneProbe(zone))
            var t: Int64 = 1_500_000_000
            while t < 2_000_000_000 {
                #expect(rules.offset(at: Instant(seconds: t)) == tz.offset(t), "\(zone) at \(t)")
                t += 86_400 * 3 + 3_601
            }
        }
    }

    @Test func aStreakAcrossTheDSTStartDayIsUnbroken() throws {
        var w = World()
        w.offer("s3", StreakRule(days: 3))
        w.member("nyc", zone: "America/New_York")
        // Late evening logs on Mar 7, 8 (the 23-hour day) and 9, each written in the offset of the day.
        let got = feed(try w.engine(), [log("a", "nyc", "2026-03-07T23:30:00-05:00"), log("b", "nyc", "2026-03-08T23:30:00-04:00"),
                                        log("c", "nyc", "2026-03-09T23:30:00-04:00")])
        #expect(got.map(\.1.evidenceDays) == [[date("2026-03-07"), date("2026-03-08"), date("2026-03-09")]])
    }

    @Test func aStreakAcrossTheDSTEndDayIsUnbroken() throws {
        var w = World()
        w.offer("s3", StreakRule(days: 3))
        w.member("lh", zone: "Australia/Lord_Howe")
        // Lord Howe leaves DST on 2026-04-05: early-morning logs on the 4th, 5th (the 24.5-hour day) and 6th.
        let got = feed(try w.engine(), [log("a", "lh", "2026-04-04T00:10:00+11:00"), log("b", "lh", "2026-04-05T01:45:00+10:30"),
                                        log("c", "lh", "2026-04-06T00:10:00+10:30")])
        #expect(got.map(\.1.evidence) == [["a", "b", "c"]])
    }

    @Test func unknownZonesAreRefused() {
        #expect(ZoneRules(identifier: "Mars/Olympus_Mons") == nil)
        #expect(ZoneRules(identifier: "") == nil)
    }
}

import Foundation

/// Foundation's own answer, to check the transition table against.
private struct TimeZoneProbe {
    let zone: TimeZone
    init?(_ id: String) {
        guard let z = TimeZone(identifier: id) else { return nil }
        zone = z
    }
    func offset(_ t: Int64) -> Int { zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))) }
}

/// Local date and time → instant, the one way (`ZoneRules.instant(day:secondOfDay:)`): on every DST-change day of
/// the demo's zones and Lord Howe, both directions, the day before and after, at 23:xx and 00:xx, the instant is
/// the one a wall clock in the zone shows that time at (Foundation's reading), and the engine's local day of it is
/// that day. Adding the change day's elapsed seconds to its start (the simulator's old arithmetic) was an hour off
/// (half an hour at Lord Howe) for every time after the change.
@Suite("Wall-clock time to instant across DST changes")
struct WallTimeTests {
    static let times = [0 * 60 + 5, 30 * 60, 23 * 3600, 23 * 3600 + 30 * 60, 23 * 3600 + 55 * 60, 23 * 3600 + 59 * 60]

    @Test func everyDemoZoneChangesBothWaysIn2026() {
        for zone in DSTDays.zones {
            let changes = DSTDays.changes(in: zone, year: 2026)
            #expect(changes.contains { $0.shift > 0 } && changes.contains { $0.shift < 0 }, "\(zone): \(changes)")
        }
    }

    @Test(arguments: DSTDays.all())
    func nearMidnightOnAndAroundAChangeDay(change: DSTDays.Change) throws {
        let rules = try #require(ZoneRules(identifier: change.zone))
        for day in [change.day.adding(days: -1), change.day, change.day.adding(days: 1)] {
            for sod in Self.times {
                let (at, resolution) = rules.instant(day: day, secondOfDay: sod)
                let (y, m, d) = day.components
                #expect(resolution == .exact, "\(change) \(day) \(sod)")
                #expect(DSTDays.wallClock(at, zone: change.zone) == [y, m, d, sod / 3600, sod / 60 % 60], "\(change) \(day) \(sod): \(at)")
                #expect(rules.localDate(of: at) == day)
                #expect(rules.wallTime(at: at) == ZoneRules.WallTime(day: day, secondOfDay: sod))
            }
        }
    }

    @Test(arguments: DSTDays.all())
    func addingADayKeepsTheWallClock(change: DSTDays.Change) throws {
        let rules = try #require(ZoneRules(identifier: change.zone))
        let before = rules.instant(day: change.day.adding(days: -1), secondOfDay: 23 * 3600 + 55 * 60).instant
        let next = rules.adding(days: 1, to: before)
        #expect(rules.wallTime(at: next) == ZoneRules.WallTime(day: change.day, secondOfDay: 23 * 3600 + 55 * 60))
        // The change day is 24 hours minus the shift long.
        #expect(next.seconds - before.seconds == Int64(86_400 - change.shift), "\(change)")
        #expect(rules.adding(days: -1, to: next) == before)
    }

    @Test(arguments: [
        // Skipped: the clocks go forward over it; the time moves on by the gap.
        ("America/Chicago", "2026-03-08", "02:30", "2026-03-08T08:30:00Z", ZoneRules.Resolution.skipped),
        ("Australia/Lord_Howe", "2026-10-04", "02:15", "2026-10-03T15:45:00Z", .skipped), // 02:45 +11
        ("Pacific/Chatham", "2026-09-27", "03:00", "2026-09-26T14:15:00Z", .skipped),    // 04:00 +13:45
        // Twice: the clocks go back over it; the first (the offset before the change) is taken.
        ("America/Chicago", "2026-11-01", "01:30", "2026-11-01T06:30:00Z", .earlierOfTwo),
        ("Europe/London", "2026-10-25", "01:30", "2026-10-25T00:30:00Z", .earlierOfTwo),
        ("Australia/Lord_Howe", "2026-04-05", "01:45", "2026-04-04T14:45:00Z", .earlierOfTwo),
        // Just outside either.
        ("America/Chicago", "2026-03-08", "03:00", "2026-03-08T08:00:00Z", .exact),
        ("America/Chicago", "2026-11-01", "02:00", "2026-11-01T08:00:00Z", .exact),
    ])
    func aTimeTheClocksSkipOrRepeat(zone: String, day: String, time: String, expected: String, resolution: ZoneRules.Resolution) throws {
        let rules = try #require(ZoneRules(identifier: zone))
        let parts = time.split(separator: ":").compactMap { Int($0) }
        let got = rules.instant(day: date(day), secondOfDay: parts[0] * 3600 + parts[1] * 60)
        #expect(got.instant == instant(expected))
        #expect(got.resolution == resolution)
    }

    @Test func anInstantWrittenWithItsOffsetReadsBack() throws {
        let at = instant("2026-03-09T04:55:00Z")
        #expect(at.rfc3339(offsetSeconds: -5 * 3600) == "2026-03-08T23:55:00-05:00")
        #expect(at.rfc3339(offsetSeconds: 0) == "2026-03-09T04:55:00Z")
        #expect(Instant(seconds: 0).rfc3339(offsetSeconds: 10 * 3600 + 1800) == "1970-01-01T10:30:00+10:30")
        #expect(Instant.offsetText(-(3 * 3600 + 1800)) == "-03:30")
        #expect(try Instant.parseRFC3339(at.rfc3339(offsetSeconds: 12 * 3600 + 45 * 60)).get() == at)
    }
}
