import IncentivesCore
import Testing

@Suite("Dates and RFC 3339 timestamps")
struct TimeTests {
    @Test func datesRoundTripAndKnowTheCalendar() {
        #expect(LocalDate(iso: "2028-02-29")?.iso == "2028-02-29")
        #expect(LocalDate(iso: "2026-02-29") == nil)
        #expect(LocalDate(iso: "1900-02-29") == nil)
        #expect(LocalDate(iso: "2000-02-29") != nil)
        #expect(LocalDate(iso: "2026-13-01") == nil)
        #expect(LocalDate(iso: "2026-1-01") == nil)
        #expect(LocalDate(iso: "2026-12-31")!.adding(days: 1).iso == "2027-01-01")
        #expect(LocalDate(iso: "1970-01-01")!.dayNumber == 0)
        #expect(LocalDate(iso: "1969-12-31")!.dayNumber == -1)
        #expect(LocalDate(iso: "2026-03-04")!.weekday == 3) // a Wednesday
    }

    @Test func everyDayOfFourCenturiesRoundTrips() {
        var d = LocalDate(iso: "1900-01-01")!
        let end = LocalDate(iso: "2300-01-01")!
        while d < end {
            let (y, m, day) = d.components
            #expect(LocalDate(year: y, month: m, day: day) == d)
            d = d.adding(days: 1)
        }
    }

    @Test(arguments: [
        ("2026-03-02T23:30:00-06:00", "2026-03-03T05:30:00Z"),
        ("2026-06-14T09:12:00Z", "2026-06-14T09:12:00Z"),
        ("2026-06-14t09:12:00z", "2026-06-14T09:12:00Z"),
        ("2026-06-14T09:12:00.250+02:00", "2026-06-14T07:12:00.25Z"),
        ("2026-06-14T09:12:00.123456789Z", "2026-06-14T09:12:00.123456789Z"),
        // A leap second reads as :59 of its minute, fraction kept (CONTRACT §1): it stays on its day and year.
        ("2026-12-31T23:59:60Z", "2026-12-31T23:59:59Z"),
        ("2026-12-31T23:59:60.5Z", "2026-12-31T23:59:59.5Z"),
        ("2026-12-31T17:59:60-06:00", "2026-12-31T23:59:59Z"),
        ("9999-12-31T23:59:60Z", "9999-12-31T23:59:59Z"),
        ("9999-12-31T23:59:59.999999999Z", "9999-12-31T23:59:59.999999999Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z"),
        ("0001-01-01T05:00:00+05:00", "0001-01-01T00:00:00Z"),
        ("9999-12-31T11:59:59-12:00", "9999-12-31T23:59:59Z"),
        ("2026-03-01T00:00:00+14:00", "2026-02-28T10:00:00Z"),
        ("2026-03-01T00:00:00+05:45", "2026-02-28T18:15:00Z"),
    ])
    func timestampsParseToInstants(text: String, utc: String) throws {
        let i = try Instant.parseRFC3339(text).get()
        #expect(i.rfc3339 == utc)
    }

    @Test(arguments: [
        ("2026-03-02T10:00:00", TimestampError.missingOffset),
        ("2026-03-02 10:00:00Z", .malformed),
        ("2026-02-30T10:00:00Z", .noSuchDate),
        ("2026-03-02T24:00:00Z", .timeOutOfRange),
        ("2026-03-02T10:00:00+25:00", .timeOutOfRange),
        ("2026-03-02T10:00:00.Z", .malformed),
        ("2026-03-02T10:00:00Zjunk", .malformed),
        ("2026-03-02", .malformed),
        ("", .malformed),
        ("tomorrow", .malformed),
        // The instant, in UTC, must fall in years 0001 to 9999 (CONTRACT §1), whatever the offset.
        ("9999-12-31T23:00:00-12:00", .outsideYears),
        ("9999-12-31T12:00:00-12:00", .outsideYears),
        ("0001-01-01T00:30:00+01:00", .outsideYears),
        ("0001-01-01T00:00:00.5+00:01", .outsideYears),
    ])
    func badTimestampsAreRefusedWithAReason(text: String, why: TimestampError) {
        #expect(throws: why) { try Instant.parseRFC3339(text).get() }
    }

    @Test func sameInstantWrittenTwoWaysIsEqual() throws {
        #expect(try Instant.parseRFC3339("2026-03-02T12:00:00-06:00").get() == Instant.parseRFC3339("2026-03-02T18:00:00Z").get())
    }
}

@Suite("Date arithmetic on values from data never traps")
struct SaturatingDateTests {
    @Test func addingDaysSaturatesInsteadOfTrapping() {
        let d = LocalDate(iso: "9999-12-31")!
        #expect(d.adding(days: 1).dayNumber == d.dayNumber + 1)
        #expect(d.adding(days: Int.max).dayNumber == Int32.max)
        #expect(d.adding(days: Int.min).dayNumber == Int32.min)
        #expect(LocalDate(dayNumber: Int32.max).adding(days: 1).dayNumber == Int32.max)
    }

    @Test func localDaysOfExtremeInstantsClampRatherThanWrap() {
        #expect(Instant(seconds: Int64.max).localDate(offsetSeconds: 3600).dayNumber == Int32.max)
        #expect(Instant(seconds: Int64.min).localDate(offsetSeconds: -3600).dayNumber == Int32.min)
        #expect(Instant(seconds: -1).localDate(offsetSeconds: 0) == LocalDate(iso: "1969-12-31"))
        #expect(Instant(seconds: -86_400).localDate(offsetSeconds: 0) == LocalDate(iso: "1969-12-31"))
        #expect(Instant(seconds: -86_401).localDate(offsetSeconds: 0) == LocalDate(iso: "1969-12-30"))
    }
}
