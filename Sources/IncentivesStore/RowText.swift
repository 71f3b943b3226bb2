import IncentivesCore

/// JSON arrays for the achievements' `evidence` and `evidence_days` columns, written byte by byte.
///
/// They are formatted on the engine thread for every award (about ten ids and days each), and `JSONText.quote`
/// and `LocalDate.iso` build them a character and a small string at a time: a sixth of that thread's time on the
/// benchmark load. Ids rarely need escaping; those that do still go through `JSONText.quote`.
enum RowText {
    /// `["e-1","e-2"]`: as `"[" + ids.map(JSONText.quote).joined(separator: ",") + "]"`.
    static func jsonArray(_ ids: [String]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(2 + ids.reduce(0) { $0 + $1.utf8.count + 3 })
        out.append(UInt8(ascii: "["))
        for (i, id) in ids.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if id.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
                out.append(UInt8(ascii: "\""))
                out.append(contentsOf: id.utf8)
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: JSONText.quote(id).utf8)
            }
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `["2026-03-01","2026-03-02"]`: as `"[" + days.map { "\"" + $0.iso + "\"" }.joined(separator: ",") + "]"`.
    static func jsonArray(_ days: [LocalDate]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(2 + days.count * 13)
        out.append(UInt8(ascii: "["))
        for (i, day) in days.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            let (y, m, d) = day.components
            if (0...9999).contains(y) {
                digits(y, 4, into: &out)
                out.append(UInt8(ascii: "-"))
                digits(m, 2, into: &out)
                out.append(UInt8(ascii: "-"))
                digits(d, 2, into: &out)
            } else {
                out.append(contentsOf: day.iso.utf8)
            }
            out.append(UInt8(ascii: "\""))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// `v` (0 ≤ v < 10^width) in `width` digits, zero-padded.
    @inline(__always)
    private static func digits(_ v: Int, _ width: Int, into out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = v
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(v / divisor))
            v %= divisor
            divisor /= 10
        }
    }
}
