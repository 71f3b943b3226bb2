/// Progress for `days_in_period`: the counted days of the periods that have not earned yet, and the
/// evidence of those that have.
///
/// Both are short sorted lists of day numbers, so the state grows with the days a user logged, never
/// with the program's calendar length (a program may run from 0001 to 9999). An awarded period keeps
/// only its evidence: nothing it holds can count again, so its other days are dropped, and a day logged
/// in it later is not kept either.
final class DaysInPeriodProgress: RuleProgress {
    let days: Int
    let period: CalendarPeriod
    /// The local days that can count (program ∩ eligibility); nil when none can.
    let span: ClosedRange<LocalDate>?
    /// Counted days of periods without an award, ascending. Late events insert in place.
    private(set) var pending: [Int32] = []
    /// Every award's evidence, ascending: exactly `days` days in each awarded period, and a period is
    /// awarded exactly when it holds some of these (one award per period).
    private(set) var used: [Int32] = []
    /// The latest day that counted, awarded period or not.
    private var latest: Int32?

    init(days: Int, period: CalendarPeriod, span: ClosedRange<LocalDate>?) {
        self.days = days
        self.period = period
        self.span = span
    }

    func record(_ event: QualifyingEvent) -> Evidence? {
        guard let span, span.contains(event.day) else { return nil }
        let day = event.day.dayNumber
        if latest.map({ day > $0 }) ?? true { latest = day }
        // The period as far as it can count: a program or eligibility that cuts it leaves fewer days.
        let whole = period.days(holding: event.day)
        let lo = max(whole.lowerBound, span.lowerBound).dayNumber, hi = min(whole.upperBound, span.upperBound).dayNumber
        guard Self.count(used, from: lo, through: hi) == 0 else { return nil }
        let i = Self.firstIndex(in: pending, notBelow: day)
        guard i == pending.count || pending[i] != day else { return nil } // a day already counted
        pending.insert(day, at: i)
        let first = Self.firstIndex(in: pending, notBelow: lo), end = Self.firstIndex(in: pending, notBelow: hi + 1)
        guard end - first >= days else { return nil }
        // CONTRACT §3: the earliest `days` qualifying days of the period are the evidence.
        let evidence = pending[first..<(first + days)]
        used.insert(contentsOf: evidence, at: Self.firstIndex(in: used, notBelow: lo))
        pending.removeSubrange(first..<end)
        return evidence.map { .firstEventOn(LocalDate(dayNumber: $0)) }
    }

    /// Days counted in the period of `today` (or of the latest counted day); once that period has earned,
    /// the next award can only come from the following period, so that one is shown.
    func status(today: LocalDate?) -> ProgressStatus {
        let lastDay = latest.map(LocalDate.init(dayNumber:))
        guard let reference = today ?? lastDay else { return ProgressStatus(done: 0, needed: days, lastDay: nil) }
        var shown = period.days(holding: reference)
        if Self.count(used, from: shown.lowerBound.dayNumber, through: shown.upperBound.dayNumber) > 0 {
            shown = period.days(holding: shown.upperBound.adding(days: 1))
        }
        let done = Self.count(pending, from: shown.lowerBound.dayNumber, through: shown.upperBound.dayNumber)
        return ProgressStatus(done: min(done, days), needed: days, lastDay: lastDay, within: shown)
    }

    var countedDays: [LocalDate] { (pending + used).sorted().map(LocalDate.init(dayNumber:)) }
    var usedDays: [LocalDate] { used.map(LocalDate.init(dayNumber:)) }

    // MARK: - Sorted lists

    /// The position of the first element ≥ `value` (binary search).
    private static func firstIndex(in list: [Int32], notBelow value: Int32) -> Int {
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private static func count(_ list: [Int32], from lo: Int32, through hi: Int32) -> Int {
        lo > hi ? 0 : firstIndex(in: list, notBelow: hi + 1) - firstIndex(in: list, notBelow: lo)
    }

    // MARK: - Saved form

    /// Each list as a count and ascending days (the first as is, then the gaps); then the latest day.
    func encode(into w: inout ByteWriter) {
        for list in [pending, used] {
            w.write(list.count)
            var previous: Int32 = 0
            for (i, d) in list.enumerated() {
                w.write(Int(i == 0 ? d : d - previous))
                previous = d
            }
        }
        if let latest {
            w.write(1)
            w.write(Int(latest))
        } else {
            w.write(0)
        }
    }

    /// Checks everything `record` guarantees, so that corrupt or foreign bytes throw rather than trap or
    /// mislead: days inside the span and strictly ascending, each awarded period holding exactly `days`
    /// evidence days and no pending day, each other period fewer than `days` pending days.
    static func decode(days: Int, period: CalendarPeriod, span: ClosedRange<LocalDate>?,
                       from r: inout ByteReader) throws -> DaysInPeriodProgress {
        let p = DaysInPeriodProgress(days: days, period: period, span: span)
        p.pending = try readDays(from: &r, span: span)
        p.used = try readDays(from: &r, span: span)
        switch try r.readInt() {
        case 0: p.latest = nil
        case 1:
            let latest = try r.readInt32()
            guard span != nil else { throw mismatch("its latest day is outside the span") }
            // A span moved since the save (program dates, a reward's effective day, eligibility) leaves the days
            // outside it behind (`readDays`): the latest day is then the latest one kept.
            p.latest = span!.contains(LocalDate(dayNumber: latest)) ? latest : [p.pending.last, p.used.last].compactMap { $0 }.max()
        default: throw mismatch("it is malformed")
        }
        if let newest = [p.pending.last, p.used.last].compactMap({ $0 }).max() {
            guard let latest = p.latest, latest >= newest else { throw mismatch("its latest day is before a counted day") }
        }
        for (start, n) in p.runs(of: p.used) {
            guard n == days else { throw mismatch("an award's evidence does not hold \(days) days") }
            let whole = period.days(holding: LocalDate(dayNumber: start))
            guard count(p.pending, from: whole.lowerBound.dayNumber, through: whole.upperBound.dayNumber) == 0 else {
                throw mismatch("an awarded period still holds pending days")
            }
        }
        for (_, n) in p.runs(of: p.pending) where n >= days {
            throw mismatch("a period that should have earned did not")
        }
        return p
    }

    /// The list's days grouped by period: each group's first day and size.
    private func runs(of list: [Int32]) -> [(Int32, Int)] {
        var out: [(Int32, Int)] = []
        var end = Int32.min
        for d in list {
            if d <= end, !out.isEmpty {
                out[out.count - 1].1 += 1
            } else {
                out.append((d, 1))
                end = period.days(holding: LocalDate(dayNumber: d)).upperBound.dayNumber
            }
        }
        return out
    }

    private static func readDays(from r: inout ByteReader, span: ClosedRange<LocalDate>?) throws -> [Int32] {
        let n = try r.readCount()
        guard n == 0 || span != nil else { throw mismatch("it counts days where none can count") }
        var list: [Int32] = []
        list.reserveCapacity(n)
        var previous = 0
        for i in 0..<n {
            let step = try r.readInt()
            guard i == 0 || step >= 1 else { throw mismatch("its days are not in ascending order") }
            let (day, overflow) = (i == 0 ? 0 : previous).addingReportingOverflow(step)
            guard !overflow, let span, let d = Int32(exactly: day) else {
                throw mismatch("it counts a day outside the program and eligibility")
            }
            // Days outside today's span (it moved since the save) stop counting.
            if span.contains(LocalDate(dayNumber: d)) { list.append(d) }
            previous = day
        }
        return list
    }

    private static func mismatch(_ why: String) -> ByteReader.Failure {
        .mismatch("saved \(DaysInPeriodRule.kind) progress does not fit: \(why)")
    }
}
