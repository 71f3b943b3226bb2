import IncentivesCore
import Testing

/// Issue 21, item 10, as a class: every year written for people or files has four digits, as ISO dates do.
@Suite struct YearTextTests {
    @Test(arguments: [(1, "0001"), (100, "0100"), (999, "0999"), (2026, "2026"), (9999, "9999")])
    func fourDigits(year: Int, text: String) throws {
        let d = try #require(LocalDate(year: year, month: 3, day: 4))
        #expect(DayFormat.year(d) == text)
        #expect(Outcome.dayName(d).hasSuffix(" " + text), "\(Outcome.dayName(d))")
        #expect(d.iso.hasPrefix(text + "-"))
    }
}
