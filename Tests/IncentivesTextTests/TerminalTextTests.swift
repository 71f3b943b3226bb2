import Testing
import IncentivesCore
import IncentivesText

@Suite("TerminalText: text from data made safe for a terminal, measured in cells")
struct TerminalTextTests {
    /// Every character a terminal acts on: C0, DEL, C1, the bidi controls, the line and paragraph separators.
    static let hazards: [UInt32] = Array(0x00...0x1F) + Array(0x7F...0x9F)
        + [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029]

    @Test func everyHazardIsShownAsItsEscape() {
        for v in Self.hazards {
            let s = String(Unicode.Scalar(v)!)
            let safe = TerminalText.safe("a" + s + "b")
            let hex = String(v, radix: 16, uppercase: true)
            #expect(safe == "a\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}b", "U+\(hex)")
            #expect(!safe.unicodeScalars.contains(where: TerminalText.isHazard))
        }
    }

    @Test func theReportedAttacksComeOutInert() {
        #expect(TerminalText.safe("x-\u{1B}]0;pwned\u{07}") == "x-\\u{1B}]0;pwned\\u{07}")
        #expect(TerminalText.safe("mood\u{1B}[2J") == "mood\\u{1B}[2J")
        #expect(TerminalText.safe("\u{202E}gnp.exe") == "\\u{202E}gnp.exe")
        #expect(TerminalText.safe("a\u{8}\u{8}b\r\nc") == "a\\u{08}\\u{08}b\\u{0D}\\u{0A}c")
    }

    @Test func ordinaryTextIsUnchanged() {
        for s in ["u-1001", "Acme Corp", "日本語の報酬", "café", "e\u{301}", "👍🏽 done", "Zoë's $50 gift card", ""] {
            #expect(TerminalText.safe(s) == s, "\(s)")
        }
    }

    /// Invisible format characters are shown; a mark that would join what is drawn before a value is shown
    /// at its start (found by the fuzzer: padding merged with it and came out a column short).
    @Test func hiddenFormatAndLeadingJoinersAreShown() {
        #expect(TerminalText.safe("zero\u{200B}width") == "zero\\u{200B}width")
        #expect(TerminalText.safe("x\u{070F}") == "x\\u{70F}")
        #expect(TerminalText.safe("\u{301}e") == "\\u{301}e")
        #expect(TerminalText.safe("\u{200D}\u{FE0F}") == "\\u{200D}\u{FE0F}")
        #expect(TerminalText.safe("e\u{301}") == "e\u{301}", "a mark after its letter stays")
        for (width, text, right) in [(2, "\u{200D}\u{FE0F}", true), (10, "\u{2019}\u{301}x!~\u{0}\u{70F}", false)] {
            #expect(TerminalText.cells(TerminalText.pad(text, to: width, right: right)) == width, "\(text.debugDescription)")
        }
    }

    @Test func newlinesStayOnlyWhenAskedFor() {
        #expect(TerminalText.safe("one\ntwo", keepingNewlines: true) == "one\ntwo")
        #expect(TerminalText.safe("one\ntwo\u{1B}[2J", keepingNewlines: true) == "one\ntwo\\u{1B}[2J")
        #expect(TerminalText.safe("one\ntwo") == "one\\u{0A}two")
    }

    @Test func widthsAreTerminalCells() {
        #expect(TerminalText.cells("abc") == 3)
        #expect(TerminalText.cells("日本") == 4)
        #expect(TerminalText.cells("日本✓é") == 6)
        #expect(TerminalText.cells("e\u{301}") == 1)           // a combining accent takes no cell
        #expect(TerminalText.cells("\u{1B}") == 6)             // measured as shown: \u{1B}
        #expect(TerminalText.cells("a\u{202E}b") == TerminalText.safe("a\u{202E}b").count)
    }

    @Test func padAndTruncateCountCellsAndNeverSplitAWideCharacter() {
        #expect(TerminalText.pad("日本", to: 6) == "日本  ")
        #expect(TerminalText.pad("7", to: 3, right: true) == "  7")
        let cut = TerminalText.truncate("日本語の報酬", to: 6)
        #expect(TerminalText.cells(cut) <= 6)
        #expect(cut.hasSuffix("…"))
        #expect(TerminalText.cells(TerminalText.pad("日本語の報酬", to: 5)) == 5)
        #expect(TerminalText.pad("\u{1B}[2J", to: 12) == "\\u{1B}[2J   ")
    }

    /// Property over many random strings (seeded, so a failure repeats): the safe form holds no hazard, keeps
    /// every other character in order, and `pad` fills exactly the cells asked for.
    @Test func randomTextNeverCarriesAHazardAndPadsExactly() {
        var rng = SplitMix64(seed: 2026)
        let pool: [UInt32] = Self.hazards + Array(0x20...0x7E) + [0xE9, 0x301, 0x65E5, 0x672C, 0x1F44D, 0xFE0F, 0x200B, 0x5831]
        for _ in 0..<2_000 {
            let n = Int(rng.next() % 24)
            let s = String(String.UnicodeScalarView((0..<n).map { _ in Unicode.Scalar(pool[Int(rng.next() % UInt64(pool.count))])! }))
            let safe = TerminalText.safe(s)
            #expect(!safe.unicodeScalars.contains(where: TerminalText.isHazard), "\(s.debugDescription)")
            #expect(safe.unicodeScalars.filter { $0 != "\\" }.count >= s.unicodeScalars.filter { !TerminalText.isHazard($0) && $0 != "\\" }.count)
            let width = Int(rng.next() % 30) + 1
            #expect(TerminalText.cells(TerminalText.pad(s, to: width)) == width, "\(s.debugDescription) to \(width)")
            #expect(TerminalText.safe(safe) == safe, "escaping is idempotent")
        }
    }
}
