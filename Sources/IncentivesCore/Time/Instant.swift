/// A point in time, exact to the nanosecond, independent of any zone. Event timestamps are compared
/// as instants: `2026-03-02T12:00:00-06:00` and `2026-03-02T18:00:00Z` are the same instant.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public let seconds: Int64
    /// 0 ..< 1_000_000_000.
    public let nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Every instant a valid timestamp can name: years 0001 to 9999 written with any offset up to ±23:59, so
    /// from 0000-12-31T00:01Z to 10000-01-01T23:59Z. Readers of stored instants check against it.
    public static let storable: ClosedRange<Int64> = {
        let first = Int64(LocalDate(year: 1, month: 1, day: 1)!.dayNumber) * 86_400 - 86_399
        let last = Int64(LocalDate(year: 9999, month: 12, day: 31)!.dayNumber) * 86_400 + 2 * 86_400 - 1
        return first...last
    }()

    /// The seconds of every instant an event may name: in UTC, 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999…Z
    /// (CONTRACT §1). A timestamp whose offset carries it outside is refused, so every accepted instant prints
    /// as a four-digit year in UTC.
    public static let contractRange: ClosedRange<Int64> = {
        let first = Int64(LocalDate(year: 1, month: 1, day: 1)!.dayNumber) * 86_400
        let last = Int64(LocalDate(year: 9999, month: 12, day: 31)!.dayNumber) * 86_400 + 86_399
        return first...last
    }()

    public static func < (a: Instant, b: Instant) -> Bool {
        a.seconds != b.seconds ? a.seconds < b.seconds : a.nanoseconds < b.nanoseconds
    }

    /// The UTC calendar date of this instant shifted by `offsetSeconds`. Exact for every `storable` instant and
    /// any real offset; anything further out (only a hand-made `Instant` can be) is clamped, never wrapped.
    public func localDate(offsetSeconds: Int) -> LocalDate {
        let (shifted, overflow) = seconds.addingReportingOverflow(Int64(clamping: offsetSeconds))
        let s = overflow ? (seconds < 0 ? Int64.min : Int64.max) : shifted
        // Floor division, so instants before 1970 fall on the right day.
        let day = s / 86_400 - (s % 86_400 < 0 ? 1 : 0)
        return LocalDate(dayNumber: Int32(clamping: day))
    }

    /// RFC 3339 in UTC with `Z`; fractional seconds only when present, without trailing zeros.
    public var rfc3339: String {
        var bytes: [UInt8] = []
        writeRFC3339(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` appended as bytes; the fraction without trailing zeros.
    public func writeRFC3339(into out: inout [UInt8]) {
        let day = localDate(offsetSeconds: 0)
        let secOfDay = Int(seconds - Int64(day.dayNumber) * 86_400)
        day.writeISO(into: &out)
        out.append(UInt8(ascii: "T"))
        Digits.write(secOfDay / 3600, width: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        Digits.write(secOfDay / 60 % 60, width: 2, into: &out)
        out.append(UInt8(ascii: ":"))
        Digits.write(secOfDay % 60, width: 2, into: &out)
        if nanoseconds != 0 {
            var frac = Int(nanoseconds), width = 9
            while frac % 10 == 0 { frac /= 10; width -= 1 }
            out.append(UInt8(ascii: "."))
            Digits.write(frac, width: width, into: &out)
        }
        out.append(UInt8(ascii: "Z"))
    }

    public var description: String { rfc3339 }

    /// Parses RFC 3339 (`2026-03-02T23:30:00-06:00`, `...Z`, fractional seconds allowed).
    /// A timestamp without an offset is refused: its instant would be a guess.
    public static func parseRFC3339(_ text: String) -> Result<Instant, TimestampError> {
        var t = text
        return t.withUTF8 { parseRFC3339(UnsafeRawBufferPointer($0)) }
    }

    public static func parseRFC3339(_ u: UnsafeRawBufferPointer) -> Result<Instant, TimestampError> {
        let n = u.count
        func digits(_ start: Int, _ count: Int) -> Int? { Digits.value(u, start, count) }
        guard n >= 19, let y = digits(0, 4), u[4] == UInt8(ascii: "-"), let mo = digits(5, 2),
              u[7] == UInt8(ascii: "-"), let d = digits(8, 2),
              u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t"),
              let h = digits(11, 2), u[13] == UInt8(ascii: ":"), let mi = digits(14, 2),
              u[16] == UInt8(ascii: ":"), let s = digits(17, 2)
        else { return .failure(.malformed) }
        guard let date = LocalDate(year: y, month: mo, day: d) else { return .failure(.noSuchDate) }
        guard h < 24, mi < 60, s <= 60 else { return .failure(.timeOutOfRange) }
        var i = 19
        var nanos = 0
        if i < n, u[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            var scale = 100_000_000
            while i < n, u[i] &- UInt8(ascii: "0") < 10 {
                nanos += Int(u[i] &- UInt8(ascii: "0")) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return .failure(.malformed) }
        }
        guard i < n else { return .failure(.missingOffset) }
        var offset = 0
        if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
            i += 1
        } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            guard let oh = digits(i + 1, 2), i + 3 < n, u[i + 3] == UInt8(ascii: ":"), let om = digits(i + 4, 2)
            else { return .failure(.malformed) }
            guard oh < 24, om < 60 else { return .failure(.timeOutOfRange) }
            offset = (oh * 3600 + om * 60) * (u[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        } else {
            return .failure(.malformed)
        }
        guard i == n else { return .failure(.malformed) }
        // A leap second (:60) reads as :59 of the same minute, its fraction kept (CONTRACT §1): it stays on the
        // local day it was written on, and `23:59:60Z` of 9999-12-31 stays in year 9999.
        let secs = Int64(date.dayNumber) * 86_400 + Int64(h * 3600 + mi * 60 + min(s, 59)) - Int64(offset)
        guard contractRange.contains(secs) else { return .failure(.outsideYears) }
        return .success(Instant(seconds: secs, nanoseconds: Int32(nanos)))
    }
}

public enum TimestampError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformed, noSuchDate, timeOutOfRange, missingOffset, outsideYears

    public var description: String {
        switch self {
        case .malformed: return "not an RFC 3339 timestamp"
        case .noSuchDate: return "no such calendar date"
        case .timeOutOfRange: return "time of day out of range"
        case .missingOffset: return "no UTC offset (add Z or ±HH:MM)"
        case .outsideYears: return "the instant falls outside years 0001 to 9999 in UTC"
        }
    }
}
