/// Writing JSON strings (not parsing: reading uses simdjson and Foundation).
public enum JSONText {
    /// `s` as a JSON string literal, quotes included.
    public static func quote(_ s: String) -> String {
        var w = JSONBytes()
        w.string(s)
        return w.text
    }
}

/// JSON text appended as UTF-8 bytes. Output lines are built byte by byte: string concatenation cost
/// several allocations per field, most of `replay`'s output time.
public struct JSONBytes {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8] = []) { self.bytes = bytes }

    /// Text known to need no escaping (keys, punctuation).
    public mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// A quoted, escaped JSON string: quote, backslash and control characters escaped (the short forms
    /// for newline, return and tab, `\u00xx` for the rest); every other byte, UTF-8 included, as it is.
    public mutating func string(_ s: String) {
        bytes.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { utf8 in
            // Most strings (ids, names, dates) need no escaping: copy them whole.
            if !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for b in utf8 {
                switch b {
                case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
                case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(b)
                case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
                case 0..<0x20:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                              hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                default: bytes.append(b)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension JSONBytes {
    /// `["a","b"]`: each string quoted and escaped as `string(_:)` does.
    public mutating func array(_ strings: [String]) {
        bytes.reserveCapacity(bytes.count + 2 + strings.reduce(0) { $0 + $1.utf8.count + 3 })
        raw("[")
        for (i, s) in strings.enumerated() {
            if i > 0 { raw(",") }
            string(s)
        }
        raw("]")
    }

    /// `["2026-03-01","2026-03-02"]`: each day as `LocalDate.iso`.
    public mutating func array(_ days: [LocalDate]) {
        bytes.reserveCapacity(bytes.count + 2 + days.count * 13)
        raw("[")
        for (i, day) in days.enumerated() {
            raw(i > 0 ? ",\"" : "\"")
            day.writeISO(into: &bytes)
            raw("\"")
        }
        raw("]")
    }

    /// The text written so far, as a `String`.
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

extension Digits {
    /// `v` in decimal, left-padded with zeros to `width` digits (wider numbers are written whole).
    static func write(_ v: Int, width: Int, into out: inout [UInt8]) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        var x = v.magnitude
        withUnsafeMutableBytes(of: &digits) { d in
            repeat {
                d[n] = UInt8(ascii: "0") + UInt8(x % 10)
                x /= 10
                n += 1
            } while x > 0
            if v < 0 { out.append(UInt8(ascii: "-")) }
            for _ in n..<max(n, width) { out.append(UInt8(ascii: "0")) }
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }
}
