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
