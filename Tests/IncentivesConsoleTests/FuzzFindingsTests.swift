import Foundation
import IncentivesText
import XCTest

/// Inputs Tests/Fuzz/FuzzTextWidth found, inlined; fixed in `TerminalText.safe`, which shows a leading joiner and
/// invisible format characters escaped, so that padding can no longer merge with them.
final class TextWidthFuzzFindingsTests: XCTestCase {

    /// `pad` measures the text and the padding apart, but joined their clusters merge: a leading ZWJ or combining
    /// mark swallows the last space of a right alignment, a trailing prepend character (U+070F) the first of a
    /// left one. The padded text comes out a column short.
    func testPaddingIsExactlyTheWidthAskedFor() throws {
        // Fuzzer inputs: first byte the width, then the text.
        for (input, right) in [([0x02, 0xe2, 0x80, 0x8d, 0xef, 0xb8, 0x8f] as [UInt8], true),
                               ([0x0a, 0xe2, 0x80, 0xcc, 0x81, 0x78, 0x21, 0x7e, 0x00, 0xdc, 0x8f], false)] {
            let width = Int(input[0])
            let text = String(decoding: input.dropFirst(), as: UTF8.self)
            XCTAssertEqual(TerminalText.cells(TerminalText.pad(text, to: width, right: right)), width, text.debugDescription)
        }
    }
}
