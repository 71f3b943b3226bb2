import Foundation
import IncentivesCore
import Testing

@Suite("JSON text written byte by byte")
struct JSONTextTests {
    @Test(arguments: [
        ("plain", #""plain""#),
        ("say \"hi\" \\ bye", #""say \"hi\" \\ bye""#),
        ("a\nb\rc\td", #""a\nb\rc\td""#),
        ("\u{0}\u{1}\u{1f}", #""\u0000\u0001\u001f""#),
        ("Zoë 🍼 ∑", "\"Zoë 🍼 ∑\""),
        ("", #""""#),
    ])
    func stringsAreQuotedAndEscaped(text: String, json: String) throws {
        #expect(JSONText.quote(text) == json)
        // And a real parser reads back the text it started from.
        let back = try JSONSerialization.jsonObject(with: Data(("[" + json + "]").utf8)) as? [String]
        #expect(back == [text])
    }

    @Test func datesAndInstantsArePaddedAndFractionsTrimmed() throws {
        #expect(LocalDate(dayNumber: 0).iso == "1970-01-01")
        #expect(try Instant.parseRFC3339("0999-02-03T04:05:06.000000001Z").get().rfc3339 == "0999-02-03T04:05:06.000000001Z")
        #expect(try Instant.parseRFC3339("2026-03-01T00:00:00.100Z").get().rfc3339 == "2026-03-01T00:00:00.1Z")
    }

    @Test func arraysOfStringsAndDays() {
        var ids = JSONBytes(), days = JSONBytes(), none = JSONBytes()
        ids.array(["e-1", "say \"hi\"", "tab\t"])
        days.array([LocalDate(dayNumber: 0), LocalDate(dayNumber: 20_513)])
        none.array([String]())
        #expect(ids.text == #"["e-1","say \"hi\"","tab\t"]"#)
        #expect(days.text == #"["1970-01-01","2026-03-01"]"#)
        #expect(none.text == "[]")
    }
}
