import CTextWidth
#if canImport(Glibc)
import Glibc
#endif

/// Text from data made safe to put on a terminal, and measured in terminal cells.
///
/// Ids, names, categories, file names and partners' answers come from outside. A terminal acts on some
/// characters instead of showing them: C0 controls (ESC starts sequences that clear the screen or retitle
/// the window; `\b`, `\r`, `\n` move the cursor), DEL, C1 controls (U+009B is a one-character CSI), and the
/// bidi controls that reorder what follows them (U+202E shows `exe.txt` as `txt.exe`). Every string that
/// reaches a terminal, in the CLI's tables and messages and in the console's cell grid, goes through `safe`:
/// each such character is shown as `\u{XX}`, visibly and unambiguously, and nothing else changes.
/// Columns are counted with `cells`, the terminal's own measure (wide CJK and emoji take two).
public enum TerminalText {
    /// Whether a terminal would act on this character rather than show it.
    @inline(__always)
    public static func isHazard(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true                 // C0, DEL, C1
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true  // bidi controls
        case 0x2028, 0x2029: return true                           // line and paragraph separators
        default: return false
        }
    }

    /// Invisible format characters (general category Cf: zero-width space, soft hyphen, U+070F and the other
    /// prepended marks, which join the character after them into one cell) are shown escaped too, the joiners
    /// (U+200C, U+200D) and tags (U+E0000–E007F) that emoji sequences are made of included. Shown, they are
    /// harmless; hidden, they make two strings that look alike differ, a prepended mark merges with padding
    /// placed after it, and a ZWJ or tag sequence is one character to us but several cells to ncurses and the
    /// terminal (each emoji of `👩‍👧` its own two cells; a flag's tags past what a cell holds), so rows came out
    /// wider than measured (issue 21). Escaped, each emoji is its own character and the width is what is drawn.
    @inline(__always)
    static func isHiddenFormat(_ s: Unicode.Scalar) -> Bool {
        s.value >= 0xAD && s.properties.generalCategory == .format
    }

    /// A mark that joins the character before it: at the very start of a value it would join whatever is
    /// drawn before (padding, a column gap), so there it is shown escaped.
    @inline(__always)
    static func joinsPrevious(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return true
        default: return (0xFE00...0xFE0F).contains(s.value)
        }
    }

    /// `text` with every hazard escaped as `\u{XX}`. With `keepingNewlines`, `\n` stays (whole messages whose
    /// lines are ours); a newline inside a value must never pass, so values are escaped without it.
    public static func safe(_ text: String, keepingNewlines: Bool = false) -> String {
        // Fast path: printable ASCII, by far the most common, comes back as it is.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F || (keepingNewlines && $0 == 0x0A) }) { return text }
        func escaped(_ s: Unicode.Scalar, first: Bool) -> Bool {
            (isHazard(s) && !(keepingNewlines && s == "\n")) || isHiddenFormat(s) || (first && joinsPrevious(s))
        }
        var first = true
        if !text.unicodeScalars.contains(where: { s in defer { first = false }; return escaped(s, first: first) }) { return text }
        var out = String.UnicodeScalarView()
        first = true
        for s in text.unicodeScalars {
            defer { first = false }
            if escaped(s, first: first) {
                out.append(contentsOf: "\\u{".unicodeScalars)
                out.append(contentsOf: String(s.value, radix: 16, uppercase: true).leftPadded(to: 2).unicodeScalars)
                out.append("}")
            } else {
                out.append(s)
            }
        }
        return String(out)
    }

    /// Columns one character takes on a terminal: 0 for combining marks and other zero-width characters,
    /// 2 for wide CJK and emoji, 1 otherwise (and for anything the C library cannot measure), summed over its
    /// code points (`👍🏽` is 4, as ncurses draws it; see `drawnParts`). A hazard is measured as the escape `safe`
    /// turns it into.
    public static func cells(_ c: Character) -> Int {
        let scalars = c.unicodeScalars
        let first = scalars.first!
        if first.value >= 0x20 && first.value < 0x7F && scalars.count == 1 { return 1 }
        if scalars.contains(where: isHazard) { return safe(String(c)).unicodeScalars.reduce(0) { $0 + scalarCells($1) } }
        // As ncurses draws it: each code point that takes columns gets cells of its own (a skin-tone modifier after
        // its emoji, the second of two regional indicators), and zero-width ones ride along with the one before
        // (an emoji presentation selector does not widen a narrow symbol). Counting the first alone made rows
        // wider than measured (issue 21).
        var n = scalarCells(first)
        for s in scalars.dropFirst() { n += max(Int(incentives_wcwidth(s.value)), 0) }
        return n
    }

    /// A character as the terminal draws it: one part per code point that takes columns, with the zero-width ones
    /// after it, and the columns each takes (1 or 2; a part of 0 only when the whole character takes none). The
    /// console's grid gives each part its own cells, so a cluster of two wide emoji holds the four cells ncurses
    /// writes. A part that would not stand as one character on its own keeps only its first code point.
    public static func drawnParts(_ c: Character) -> [(character: Character, cells: Int)] {
        let scalars = c.unicodeScalars
        guard scalars.count > 1, !scalars.contains(where: isHazard),
              scalars.dropFirst().contains(where: { incentives_wcwidth($0.value) > 0 }) else { return [(c, cells(c))] }
        var parts: [(character: Character, cells: Int)] = []
        var current = String.UnicodeScalarView(), width = 0
        func flush() {
            guard let head = current.first else { return }
            let text = String(current)
            parts.append((text.count == 1 ? Character(text) : Character(head), width))
        }
        for (i, s) in scalars.enumerated() {
            let w = i == 0 ? scalarCells(s) : max(Int(incentives_wcwidth(s.value)), 0)
            if i > 0, w > 0 { flush(); current = String.UnicodeScalarView(); width = 0 }
            current.append(s)
            width += w
        }
        flush()
        return parts
    }

    /// Columns `text` takes once made safe.
    public static func cells(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var n = 0
        for c in safe(text) { n += cells(c) }
        return n
    }

    /// The safe form of `text` cut to at most `width` columns, with `…` when something was cut. A wide
    /// character that would straddle the edge is left out rather than split.
    public static func truncate(_ text: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        let t = safe(text)
        if cells(t) <= width { return t }
        let room = width - cells(ellipsis)
        guard room >= 0 else { return "" }
        var out = ""
        var used = 0
        for c in t {
            let w = cells(c)
            if used + w > room { break }
            out.append(c)
            used += w
        }
        return out + ellipsis
    }

    /// The safe form of `text`, padded with spaces (or cut) to exactly `width` columns; `right` aligns numbers.
    public static func pad(_ text: String, to width: Int, right: Bool = false) -> String {
        let t = truncate(text, to: width)
        let gap = String(repeating: " ", count: max(0, width - cells(t)))
        return right ? gap + t : t + gap
    }

    /// `wcwidth` under C.UTF-8 (see `CTextWidth`), whatever the process's locale.
    private static func scalarCells(_ s: Unicode.Scalar) -> Int {
        if s.value >= 0x20 && s.value < 0x7F { return 1 }
        let w = Int(incentives_wcwidth(s.value))
        return w < 0 ? 1 : w
    }

}

private extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
