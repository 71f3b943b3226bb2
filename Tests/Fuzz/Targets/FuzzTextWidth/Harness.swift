// (g) Text made safe for a terminal: `TerminalText` (module IncentivesText), the one sanitiser every string
// passes through on its way to a terminal, in the CLI and in the console's cell grid.
//
// Input: the first byte is a width in 0...79, the rest is text (invalid UTF-8 repaired as a terminal would get it).
// Properties:
// - no C0/C1 control character, DEL or bidi control survives `safe`, and `safe` is idempotent;
// - `cells` of any text is the width of its safe form;
// - the width of the safe form is the C library's `wcswidth` of it (C.UTF-8) whenever that is defined and each
//   character's further code points take no column (a cluster of several wide code points, such as two regional
//   indicators or a ZWJ emoji sequence, counts its first as ncurses does: DESIGN, not the C library's sum);
// - every character of the safe form takes 0, 1 or 2 columns, and a string's width is the sum of its characters';
// - truncate(s, w) is s itself when it fits, else a prefix of s plus "…", and never wider than w;
// - pad(s, w) (left and right aligned) is exactly w columns wide.
import CTextWidth
import FuzzSupport
import IncentivesText

/// The sanitiser under test.
let sanitise: ((String) -> String)? = { TerminalText.safe($0) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTextWidth(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    withInput(data, size) { bytes in
        var s = ByteStream(bytes)
        let width = s.below(80)
        let text = String(decoding: s.rest(), as: UTF8.self)
        if let sanitise {
            let clean = sanitise(text)
            require(!clean.unicodeScalars.contains { isUnsafe($0) }, "sanitised text keeps a control character: \(clean.debugDescription)")
            require(sanitise(clean) == clean, "sanitising is not idempotent: \(clean.debugDescription)")
            require(TerminalText.cells(text) == TerminalText.cells(clean), "the width of text is not the width of what is shown: \(text.debugDescription)")
            checkAgainstWcswidth(clean)
            check(clean, width: width)
        }
    }
    return 0
}

/// C0 and C1 controls, DEL, and the bidi embeddings, overrides and isolates (listed here, not taken from the
/// code under test).
func isUnsafe(_ u: Unicode.Scalar) -> Bool {
    u.value < 0x20 || (0x7F...0x9F).contains(u.value) || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value)
        || [0x061C, 0x200E, 0x200F, 0x2028, 0x2029].contains(u.value)
}

func check(_ text: String, width: Int) {
    var sum = 0
    for c in text {
        let w = TerminalText.cells(c)
        require((0...2).contains(w), "\(c.unicodeScalars.map { String($0.value, radix: 16) }) is \(w) columns")
        sum += w
    }
    let total = TerminalText.cells(text)
    require(total == sum, "width \(total) is not the sum \(sum) of its characters'")

    let cut = TerminalText.truncate(text, to: width)
    if width == 0 {
        require(cut.isEmpty, "truncated to 0 columns: \(cut.debugDescription)")
    } else if total <= width {
        require(cut == text, "text that fits was changed: \(text.debugDescription) → \(cut.debugDescription)")
    } else {
        // Scalar by scalar: "…" can join the cluster before it (after a prepend character such as U+0600).
        let scalars = Array(cut.unicodeScalars)
        require(scalars.last == "…" && text.unicodeScalars.starts(with: scalars.dropLast()), "not a prefix plus …: \(cut.debugDescription)")
        require(TerminalText.cells(cut) <= width, "truncated to \(width) but \(TerminalText.cells(cut)) wide: \(cut.debugDescription)")
    }
    for right in [false, true] {
        let padded = TerminalText.pad(text, to: width, right: right)
        require(TerminalText.cells(padded) == width,
                "pad(\(text.debugDescription), \(width), right: \(right)) is \(TerminalText.cells(padded)) wide: \(padded.debugDescription)")
    }
}

/// `TerminalText.cells` against glibc's `wcswidth`, an oracle that shares none of its cluster logic.
func checkAgainstWcswidth(_ clean: String) {
    let scalars = clean.unicodeScalars.map(\.value)
    let wcs = scalars.withUnsafeBufferPointer { Int(incentives_wcswidth($0.baseAddress, UInt($0.count))) }
    guard wcs >= 0 else { return } // a code point the C library cannot measure: TerminalText counts it as 1, by choice
    let trailingZero = clean.allSatisfy { c in c.unicodeScalars.dropFirst().allSatisfy { incentives_wcwidth($0.value) == 0 } }
    guard trailingZero else { return }
    require(TerminalText.cells(clean) == wcs, "cells \(TerminalText.cells(clean)) but wcswidth \(wcs): \(clean.debugDescription) \(scalars.map { String($0, radix: 16) })")
}
