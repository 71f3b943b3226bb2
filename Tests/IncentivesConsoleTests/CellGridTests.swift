import IncentivesText
import Foundation
import IncentivesConsole
import XCTest

final class CellGridTests: XCTestCase {
    // Widths come from the C library's tables for the locale: use a UTF-8 one whatever the runner's LANG.
    override func setUp() { setlocale(LC_CTYPE, "C.UTF-8") }

    /// Text from data cannot move the cursor or reach the terminal raw: each control shows as its escape,
    /// on its own row, and the next row keeps what was there.
    func testControlCharactersInDataAreShownEscapedAndStayOnTheirRow() {
        var g = CellGrid(width: 40, height: 2)
        g.put("0123456789", x: 0, y: 1)
        g.put("a\u{8}\u{8}b\r\nc\u{1B}[2J\u{202E}", x: 0, y: 0)
        XCTAssertEqual(g.row(0).trimmingCharacters(in: .whitespaces), "a\\u{08}\\u{08}b\\u{0D}\\u{0A}c\\u{1B}[2J\\u{202E}".prefix(39).description + "…")
        XCTAssertEqual(g.row(1).trimmingCharacters(in: .whitespaces), "0123456789")
        for cell in g.cells {
            XCTAssertFalse(cell.character.unicodeScalars.contains(where: TerminalText.isHazard), "\(cell.character.debugDescription)")
        }
    }

    func testWideCharactersTakeTwoCells() {
        XCTAssertEqual(TerminalText.cells("日本✓é"), 6)
        var g = CellGrid(width: 10, height: 1)
        XCTAssertEqual(g.put("日本✓é", x: 0, y: 0), 6)
        XCTAssertEqual(g.text, "日本✓é\n")
        XCTAssertTrue(g[1, 0].isContinuation)
    }

    /// Cut text ends in an ellipsis (issue 20): a wide character that does not fit is left out for it.
    func testAWideCharacterThatDoesNotFitIsCutWithAnEllipsis() {
        var g = CellGrid(width: 3, height: 1)
        g.put("a日本", x: 0, y: 0)
        XCTAssertEqual(g.text, "a…\n")
        var h = CellGrid(width: 4, height: 1)
        h.put("ab日", x: 0, y: 0, maxWidth: 3)
        XCTAssertEqual(h.row(0), "ab… ")
    }

    func testOverwritingHalfAWideCharacterClearsTheOtherHalf() {
        var g = CellGrid(width: 4, height: 1)
        g.put("日本", x: 0, y: 0)
        g.put("x", x: 1, y: 0)
        XCTAssertEqual(g.row(0), " x本")
    }

    func testTruncationMeasuresColumns() {
        XCTAssertEqual(TerminalText.truncate("日本語テキスト", to: 7), "日本語…")
        XCTAssertEqual(TerminalText.pad("42", to: 5, right: true), "   42")
    }

    func testAsciiFallbackReplacesEverythingOutsideAscii() {
        var c = Canvas(width: 20, height: 1, glyphs: .ascii)
        c.text("a · b → ü", x: 0, y: 0)
        XCTAssertEqual(c.grid.text, "a | b -> ?\n")
    }

    func testTableKeepsTheSelectionVisible() {
        XCTAssertEqual(Table.scrollOffset(selected: 0, count: 100, height: 10), 0)
        XCTAssertEqual(Table.scrollOffset(selected: 99, count: 100, height: 10), 90)
        let mid = Table.scrollOffset(selected: 50, count: 100, height: 10)
        XCTAssertTrue((mid..<(mid + 10)).contains(50))
    }
}
