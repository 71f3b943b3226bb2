// (g) Text made safe for a terminal. For now this targets the console's width code (TextWidth.swift here is a
// symlink to Sources/IncentivesConsole/Terminal/TextWidth.swift); the terminal sanitiser is being written
// on another branch. WHEN IT LANDS: point `sanitise` below at it (symlink its file here, or depend on its
// module), which turns on the sanitiser's properties.
//
// Input: the first byte is a width in 0...79, the rest is text (invalid UTF-8 repaired as a terminal would get it).
// Properties now:
// - every character takes 0, 1 or 2 columns, and a string's width is the sum of its characters';
// - truncate(s, w) is s itself when it fits, else a prefix of s plus "…", and never wider than w;
// - pad(s, w) (left and right aligned) is exactly w columns wide.
// Properties once `sanitise` is set: no C0/C1 control characters (ESC, CR, BEL…) and no bidi overrides survive,
// sanitising is idempotent, and the width TextWidth claims is the width of what is drawn.
#if canImport(Glibc)
import Glibc
#endif
import FuzzSupport

/// The sanitiser under test; nil until it lands.
let sanitise: ((String) -> String)? = nil

let localeSet: Bool = {
    // wcwidth answers for the current locale, as in the console.
    setlocale(LC_ALL, "C.UTF-8") != nil || setlocale(LC_ALL, "en_US.UTF-8") != nil
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTextWidth(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    require(localeSet, "no UTF-8 locale")
    withInput(data, size) { bytes in
        var s = ByteStream(bytes)
        let width = s.below(80)
        let text = String(decoding: s.rest(), as: UTF8.self)
        check(text, width: width)
        if let sanitise {
            let clean = sanitise(text)
            require(!clean.unicodeScalars.contains { isUnsafe($0) }, "sanitised text keeps a control character: \(clean.debugDescription)")
            require(sanitise(clean) == clean, "sanitising is not idempotent: \(clean.debugDescription)")
            check(clean, width: width)
        }
    }
    return 0
}

/// C0 and C1 controls, DEL, and the bidi embeddings, overrides and isolates.
func isUnsafe(_ u: Unicode.Scalar) -> Bool {
    u.value < 0x20 || (0x7F...0x9F).contains(u.value) || (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value)
}

func check(_ text: String, width: Int) {
    var sum = 0
    for c in text {
        let w = TextWidth.of(c)
        require((0...2).contains(w), "\(c.unicodeScalars.map { String($0.value, radix: 16) }) is \(w) columns")
        sum += w
    }
    let total = TextWidth.of(text)
    require(total == sum, "width \(total) is not the sum \(sum) of its characters'")

    let cut = TextWidth.truncate(text, to: width)
    if width == 0 {
        require(cut.isEmpty, "truncated to 0 columns: \(cut.debugDescription)")
    } else if total <= width {
        require(cut == text, "text that fits was changed: \(text.debugDescription) → \(cut.debugDescription)")
    } else {
        // Scalar by scalar: "…" can join the cluster before it (after a prepend character such as U+0600).
        let scalars = Array(cut.unicodeScalars)
        require(scalars.last == "…" && text.unicodeScalars.starts(with: scalars.dropLast()), "not a prefix plus …: \(cut.debugDescription)")
        require(TextWidth.of(cut) <= width, "truncated to \(width) but \(TextWidth.of(cut)) wide: \(cut.debugDescription)")
    }
    for right in [false, true] {
        let merges = right ? (" " + text).count != text.count + 1 : (text + " ").count != text.count + 1
        if Known.textWidthPadMergesClusters, merges { continue }
        let padded = TextWidth.pad(text, to: width, right: right)
        require(TextWidth.of(padded) == width,
                "pad(\(text.debugDescription), \(width), right: \(right)) is \(TextWidth.of(padded)) wide: \(padded.debugDescription)")
    }
}
