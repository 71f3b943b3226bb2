import CNcursesw
#if canImport(Glibc)
import Glibc
#endif

/// How many terminal columns text takes. `"日本✓é".count` is 4 but it takes 6 columns, so widths come
/// from `wcwidth` (the C library's table for the current locale), with an ASCII fast path.
public enum TextWidth {
    /// Columns of one character: 0 for combining marks, 2 for wide CJK and emoji, 1 otherwise.
    /// Characters the locale cannot print count as 1 (they are drawn as `?`).
    public static func of(_ c: Character) -> Int {
        let scalars = c.unicodeScalars
        let first = scalars.first!
        if first.value < 0x7f { return first.value >= 0x20 ? 1 : 1 }
        let w = Int(cn_wcwidth(first.value))
        if w < 0 { return 1 }
        // An emoji presentation selector makes a narrow symbol wide.
        if w == 1, scalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return max(w, scalars.count > 1 ? 1 : w)
    }

    public static func of(_ s: String) -> Int {
        var n = 0
        for c in s { n += of(c) }
        return n
    }

    /// The longest prefix that fits `width` columns, with `…` when something was cut.
    public static func truncate(_ s: String, to width: Int, ellipsis: String = "…") -> String {
        guard width > 0 else { return "" }
        if of(s) <= width { return s }
        var out = ""
        var used = 0
        let room = width - of(ellipsis)
        for c in s {
            let w = of(c)
            if used + w > room { break }
            out.append(c)
            used += w
        }
        return out + ellipsis
    }

    /// `s` padded with spaces (or cut) to exactly `width` columns; `right` aligns numbers.
    public static func pad(_ s: String, to width: Int, right: Bool = false) -> String {
        let t = truncate(s, to: width)
        let gap = max(0, width - of(t))
        return right ? String(repeating: " ", count: gap) + t : t + String(repeating: " ", count: gap)
    }
}
