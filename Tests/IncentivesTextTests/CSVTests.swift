import Testing
import IncentivesText

/// `--format csv` is opened in spreadsheets: a cell that a spreadsheet would run as a formula gets a leading `'`
/// and quotes (issue 25), and every field stays RFC 4180.
@Suite("CSV fields")
struct CSVTests {
    @Test(arguments: [
        ("=1+2", #""'=1+2""#), ("+1", #""'+1""#), ("-2", #""'-2""#), ("@SUM(A1)", #""'@SUM(A1)""#), ("\tx", "\"'\tx\""), ("\rx", "\"'\rx\""),
        (#"=HYPERLINK("http://x","y")"#, #""'=HYPERLINK(""http://x"",""y"")""#),
    ])
    func formulaCellsAreNeutralised(cell: String, written: String) {
        #expect(CSV.field(cell) == written)
        #expect(CSV.line([cell, "ok"]) == written + ",ok")
    }

    @Test(arguments: [("plain", "plain"), ("a,b", #""a,b""#), (#"say "hi""#, #""say ""hi""""#), ("x=1", "x=1"), ("2026-03", "2026-03"), ("", "")])
    func otherCellsAreAsRFC4180Writes(cell: String, written: String) {
        #expect(CSV.field(cell) == written)
    }

    /// "\r\n" is one Character in Swift, equal to neither "\r" nor "\n": a cell holding it must still be quoted.
    @Test func aCRLFInsideACellIsQuoted() {
        #expect(CSV.exactField("a\r\nb") == "\"a\r\nb\"")
        #expect(CSV.field("a\r\nb") == "\"a\r\nb\"")
    }

    @Test func machinesGetTheExactField() {
        #expect(CSV.exactField("-5") == "-5")
        #expect(CSV.exactField("=x,y") == #""=x,y""#)
    }
}
