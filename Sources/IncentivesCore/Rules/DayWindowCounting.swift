/// The day-counting kinds (`streak`, `days_in_window`) judged on marks: which local days of the span
/// counted, and which of those earlier awards used as evidence. Two forms keep the marks
/// (`DenseDayMarks` for spans up to `DayWindow.denseSpanLimit` days, `SparseDayMarks` beyond): this
/// extension is the one place that decides, for both.
protocol DayWindowCounting: AnyObject, RuleProgress {
    var days: Int { get }
    var window: Int { get }
    var measure: DayWindow.Measure { get }
    /// Day number of offset 0, and how many days the span covers.
    var base: Int32 { get }
    var length: Int { get }
    /// The latest offset that counted; -1 for none.
    var lastOffset: Int32 { get set }
    func isCounted(_ off: Int) -> Bool
    func isUnused(_ off: Int) -> Bool
    func markCounted(_ off: Int)
    func markUsed(_ off: Int)
    /// Unused days in `lo...hi` (both within the span).
    func countUnused(from lo: Int, through hi: Int) -> Int
    /// The marked offsets in ascending order: counted days, or with `used` the days used as evidence.
    func offsets(used: Bool) -> [Int]
    /// Every word of marks that holds a bit: its index (offset / 64) and its counted and used bits.
    func words() -> [(index: Int, counted: UInt64, used: UInt64)]
}

extension DayWindowCounting {
    @inline(__always)
    func recordDay(_ event: QualifyingEvent) -> Evidence? {
        let off = Int(event.day.dayNumber) - Int(base)
        guard off >= 0, off < length else { return nil }
        // A day already counted changes nothing. After every event no window holds `days` unused days
        // (an event adds one day to the windows around it and an award uses `days` of them), so the
        // state this event finds was already judged to earn nothing: most logs are a day's second or third.
        guard !isCounted(off) else { return nil }
        markCounted(off)
        if off > Int(lastOffset) { lastOffset = Int32(off) }

        // Fast path: if even the whole stretch of windows around this day holds fewer than `days`
        // unused days, no window can; most events end here after a few word operations.
        let window = self.window, days = self.days
        if countUnused(from: max(off - window + 1, 0), through: min(off + window - 1, length - 1)) < days { return nil }

        // CONTRACT §3: among the windows that contain this day and hold at least `days` unused days,
        // the one that starts earliest earns. Slide a window of `window` days from the earliest start
        // that contains `off` to `off` itself, keeping a running count of unused days.
        let first = off - window + 1
        var count = 0
        for d in max(first, 0)...off where isUnused(d) { count += 1 }
        for start in first...off {
            let end = start + window - 1
            if start > first, end < length, isUnused(end) { count += 1 }
            if count >= days { return award(from: start, through: end) }
            if start >= 0, isUnused(start) { count -= 1 }
        }
        return nil
    }

    /// Marks the earliest `days` unused days in the window as used; they are the evidence.
    private func award(from start: Int, through end: Int) -> Evidence {
        var evidence: Evidence = []
        evidence.reserveCapacity(days)
        for d in max(start, 0)...min(end, length - 1) where isUnused(d) {
            markUsed(d)
            evidence.append(.firstEventOn(LocalDate(dayNumber: base + Int32(d))))
            if evidence.count == days { break }
        }
        return evidence
    }

    func windowStatus(today: LocalDate?) -> ProgressStatus {
        let lastDay = lastOffset >= 0 ? LocalDate(dayNumber: base + lastOffset) : nil
        guard let ref = today ?? lastDay else { return ProgressStatus(done: 0, needed: days, lastDay: nil) }
        // Clamped: `today` may be any day, far outside the span.
        let r = max(-1, min(Int(ref.dayNumber) - Int(base), length))
        var done = 0
        switch measure {
        case .run:
            // The run of unused days ending today, or yesterday while today can still extend it.
            var d = (r >= 0 && r < length && isUnused(r)) ? r : r - 1
            while d >= 0, d < length, isUnused(d), done < days { done += 1; d -= 1 }
        case .window:
            if length > 0, r >= 0 { done = countUnused(from: max(r - window + 1, 0), through: min(r, length - 1)) }
        }
        return ProgressStatus(done: min(done, days), needed: days, lastDay: lastDay)
    }

    var countedDays: [LocalDate] { offsets(used: false).map { LocalDate(dayNumber: base + Int32($0)) } }
    var usedDays: [LocalDate] { offsets(used: true).map { LocalDate(dayNumber: base + Int32($0)) } }

    /// Saved form 2 (a marker, then only the words that hold a bit), whichever form holds the marks: its
    /// size follows the days logged. `DayWindow.decode` also reads the dense layout earlier versions wrote.
    func encode(into w: inout ByteWriter) {
        w.write(Int(base))
        w.write(DayWindow.sparseMarker)
        w.write(length)
        w.write(Int(lastOffset))
        let marked = words()
        w.write(marked.count)
        var previous = -1
        for word in marked {
            w.write(word.index - previous)
            w.write(word.counted)
            w.write(word.used)
            previous = word.index
        }
    }
}

/// Making and restoring day-window progress in the form its span calls for.
public enum DayWindow {
    /// How progress toward the next award is shown: a streak's run ending today, or a window's count.
    public enum Measure: Sendable { case run, window }

    /// Spans up to this many days keep dense bitsets (a few cache lines, the fastest form); longer ones
    /// (an "open-ended" program ending 9999-12-31) keep only the 64-day words a user logged in.
    static let denseSpanLimit = 4_096

    /// In the saved form, where the dense layout has the span's length: never a length.
    static let sparseMarker = -1

    static func make(days: Int, window: Int, measure: Measure, span: ClosedRange<LocalDate>?) -> any RuleProgress {
        let base = span?.lowerBound.dayNumber ?? 0
        let length = span.map { Int($0.upperBound.dayNumber) - Int($0.lowerBound.dayNumber) + 1 } ?? 0
        if length <= denseSpanLimit {
            return DenseDayMarks.make(days: days, window: window, measure: measure, base: base, length: length)
        }
        return SparseDayMarks(days: days, window: window, measure: measure, base: base, length: length)
    }

    /// Reads either saved layout, checks it against the span the catalog and roster give now, and restores
    /// it in the form that span calls for. Anything `record` could not have written is refused.
    static func decode(days: Int, window: Int, measure: Measure, span: ClosedRange<LocalDate>?,
                       from r: inout ByteReader) throws -> any RuleProgress {
        let progress = make(days: days, window: window, measure: measure, span: span)
        guard let target = progress as? any DayWindowCounting else { return progress }
        let base = try r.readInt()
        let second = try r.readInt()
        let length = second == sparseMarker ? try r.readInt() : second
        let last = try r.readInt()
        // The span may have moved since the save (a catalog version moved the program's dates or added a reward
        // counting from its effective day; the roster moved the user's eligibility): the marks are read against the
        // span they were saved with and moved onto today's, and days outside today's span stop counting.
        guard length >= 0, length <= Int(Int32.max), Int32(exactly: base) != nil else {
            throw ByteReader.Failure.mismatch("saved progress covers an impossible span")
        }
        let shift = base - Int(target.base)
        guard last >= -1, last < length else { throw ByteReader.Failure.mismatch("saved progress names a day outside its span") }
        let wordCount = (length + 63) / 64
        var marked: [(index: Int, counted: UInt64, used: UInt64)] = []
        if second == sparseMarker {
            let n = try r.readCount()
            var index = -1
            for _ in 0..<n {
                let step = try r.readInt()
                guard step >= 1, step <= wordCount - 1 - index else { throw ByteReader.Failure.mismatch("saved progress names a day outside its span") }
                index += step
                marked.append((index, try r.readUInt64(), try r.readUInt64()))
            }
        } else {
            // The dense layout: every counted word, then every used word.
            var counted: [UInt64] = []
            for _ in 0..<wordCount { counted.append(try r.readUInt64()) }
            for i in 0..<wordCount {
                let used = try r.readUInt64()
                if counted[i] != 0 || used != 0 { marked.append((i, counted[i], used)) }
            }
        }
        for word in marked {
            let valid: UInt64 = word.index == wordCount - 1 && length % 64 != 0 ? (1 << UInt64(length % 64)) - 1 : ~0
            guard word.used & ~word.counted == 0, word.counted & ~valid == 0 else {
                throw ByteReader.Failure.mismatch("saved progress marks days it never counted")
            }
            for bit in 0..<64 where word.counted & (1 << UInt64(bit)) != 0 {
                let off = word.index * 64 + bit + shift
                guard off >= 0, off < target.length else { continue }
                target.markCounted(off)
                if word.used & (1 << UInt64(bit)) != 0 { target.markUsed(off) }
            }
        }
        if shift == 0 && length == target.length {
            target.lastOffset = Int32(last)
        } else {
            let moved = last >= 0 ? last + shift : -1
            target.lastOffset = Int32(moved >= 0 && moved < target.length ? moved : (target.offsets(used: false).last ?? -1))
        }
        return progress
    }
}
