/// A calendar date with no zone attached: a local day in some user's time zone, or a program's
/// `starts`/`ends`. Stored as the number of days since 1970-01-01 so that "consecutive days" is
/// integer arithmetic and a day fits in a bitset slot.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let dayNumber: Int32

    public init(dayNumber: Int32) { self.dayNumber = dayNumber }

    /// A date from its year, month and day; nil when the day does not exist (2026-02-29).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= LocalDate.daysIn(month: month, year: year) else { return nil }
        self.dayNumber = Int32(LocalDate.daysFromCivil(year: year, month: month, day: day))
    }

    /// Parses exactly `YYYY-MM-DD`.
    public init?(iso text: String) {
        var text = text
        guard let date = text.withUTF8({ u -> LocalDate? in
            let u = UnsafeRawBufferPointer(u)
            guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
                  let y = Digits.value(u, 0, 4), let m = Digits.value(u, 5, 2), let d = Digits.value(u, 8, 2)
            else { return nil }
            return LocalDate(year: y, month: m, day: d)
        }) else { return nil }
        self = date
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool { a.dayNumber < b.dayNumber }

    /// The date `days` later (earlier when negative). Saturates at the ends of `dayNumber`'s range, which lie
    /// over five million years past the contract's dates: no count from data can make it trap.
    public func adding(days: Int) -> LocalDate {
        let (sum, overflow) = Int(dayNumber).addingReportingOverflow(days)
        return LocalDate(dayNumber: Int32(clamping: overflow ? (days > 0 ? Int.max : Int.min) : sum))
    }
    public func days(since other: LocalDate) -> Int { Int(dayNumber) - Int(other.dayNumber) }

    public var components: (year: Int, month: Int, day: Int) { LocalDate.civil(fromDays: Int(dayNumber)) }

    /// 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday).
    public var weekday: Int { ((Int(dayNumber) % 7) + 7 + 4) % 7 }

    /// `YYYY-MM-DD`.
    public var iso: String {
        var bytes: [UInt8] = []
        writeISO(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `YYYY-MM-DD` appended as bytes.
    public func writeISO(into out: inout [UInt8]) {
        let (y, m, d) = components
        Digits.write(y, width: 4, into: &out)
        out.append(UInt8(ascii: "-"))
        Digits.write(m, width: 2, into: &out)
        out.append(UInt8(ascii: "-"))
        Digits.write(d, width: 2, into: &out)
    }

    public var description: String { iso }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// Small helpers for fixed-width decimal fields, shared by dates and timestamps.
enum Digits {
    /// The decimal number in `count` bytes from `start`, or nil if any is not a digit or the bytes run out.
    static func value(_ u: UnsafeRawBufferPointer, _ start: Int, _ count: Int) -> Int? {
        guard start + count <= u.count else { return nil }
        var v = 0
        for i in start..<(start + count) {
            let c = u[i] &- UInt8(ascii: "0")
            guard c < 10 else { return nil }
            v = v * 10 + Int(c)
        }
        return v
    }
}
