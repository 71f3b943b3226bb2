/// Progress for the day-counting kinds (`streak`, `days_in_window`): which local days counted and
/// which of them earlier awards already used as evidence.
///
/// The state is two bitsets over the days a user can earn this reward (program ∩ eligibility), kept
/// in the object's own tail allocation, so its size is bounded by the program's length and touching
/// it costs one cache line or two. A late event costs the same as a punctual one: one bit set and a
/// scan of the windows that contain its day. Nothing is rescanned.
final class DayWindowProgress: ManagedBuffer<DayWindowProgress.Header, UInt64>, RuleProgress {
    struct Header {
        let days: Int
        let window: Int
        /// Day number of bit 0, and how many days the bitsets cover.
        let base: Int32
        let length: Int
        let wordCount: Int
        var lastOffset: Int32
    }

    /// Fresh progress. Words `[0, wordCount)` hold counted days, `[wordCount, 2·wordCount)` used days.
    static func make(days: Int, window: Int, span: ClosedRange<LocalDate>?) -> DayWindowProgress {
        let base = span?.lowerBound.dayNumber ?? 0
        let length = span.map { $0.upperBound.days(since: $0.lowerBound) + 1 } ?? 0
        let wordCount = (length + 63) / 64
        let buffer = DayWindowProgress.create(minimumCapacity: max(2 * wordCount, 1)) { _ in
            Header(days: days, window: window, base: base, length: length, wordCount: wordCount, lastOffset: -1)
        }
        let progress = unsafeDowncast(buffer, to: DayWindowProgress.self)
        progress.withUnsafeMutablePointerToElements { $0.initialize(repeating: 0, count: max(2 * wordCount, 1)) }
        return progress
    }

    private var days: Int { header.days }
    private var window: Int { header.window }
    private var length: Int { header.length }

    @inline(__always)
    private func bit(_ region: Int, _ off: Int) -> Bool {
        withUnsafeMutablePointers { h, w in w[region * h.pointee.wordCount + off >> 6] & (1 << UInt64(off & 63)) != 0 }
    }

    @inline(__always)
    private func setBit(_ region: Int, _ off: Int) {
        withUnsafeMutablePointers { h, w in w[region * h.pointee.wordCount + off >> 6] |= 1 << UInt64(off & 63) }
    }

    @inline(__always)
    private func isUnused(_ off: Int) -> Bool { bit(0, off) && !bit(1, off) }

    func record(_ event: QualifyingEvent) -> Evidence? {
        let off = Int(event.day.dayNumber - header.base)
        guard off >= 0, off < length else { return nil }
        // A day already counted changes nothing. After every event no window holds `days` unused days
        // (an event adds one day to the windows around it and an award uses `days` of them), so the
        // state this event finds was already judged to earn nothing: most logs are a day's second or third.
        guard !bit(0, off) else { return nil }
        setBit(0, off)
        if Int32(off) > header.lastOffset { header.lastOffset = Int32(off) }

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

    /// Unused days in `lo...hi`, a word at a time.
    private func countUnused(from lo: Int, through hi: Int) -> Int {
        guard lo <= hi else { return 0 }
        return withUnsafeMutablePointers { h, w in
            let wc = h.pointee.wordCount
            var total = 0
            let firstWord = lo >> 6, lastWord = hi >> 6
            for i in firstWord...lastWord {
                var bits = w[i] & ~w[wc + i]
                if i == firstWord { bits &= ~0 << UInt64(lo & 63) }
                if i == lastWord, hi & 63 != 63 { bits &= (1 << UInt64((hi & 63) + 1)) - 1 }
                total += bits.nonzeroBitCount
            }
            return total
        }
    }

    /// Marks the earliest `days` unused days in the window as used; they are the evidence.
    private func award(from start: Int, through end: Int) -> Evidence {
        var evidence: Evidence = []
        evidence.reserveCapacity(days)
        for d in max(start, 0)...min(end, length - 1) where isUnused(d) {
            setBit(1, d)
            evidence.append(.firstEventOn(LocalDate(dayNumber: header.base + Int32(d))))
            if evidence.count == days { break }
        }
        return evidence
    }

    func status(today: LocalDate?) -> ProgressStatus {
        let lastDay = header.lastOffset >= 0 ? LocalDate(dayNumber: header.base + header.lastOffset) : nil
        guard let ref = today ?? lastDay else { return ProgressStatus(done: 0, needed: days, lastDay: nil) }
        let r = Int(ref.dayNumber - header.base)
        var done = 0
        if days == window {
            // A streak: the run of unused days ending today, or yesterday while today can still extend it.
            var d = (r >= 0 && r < length && isUnused(r)) ? r : r - 1
            while d >= 0, d < length, isUnused(d), done < days { done += 1; d -= 1 }
        } else if length > 0 {
            done = countUnused(from: max(r - window + 1, 0), through: min(r, length - 1))
        }
        return ProgressStatus(done: min(done, days), needed: days, lastDay: lastDay)
    }

    private func days(in region: Int) -> [LocalDate] {
        (0..<length).filter { bit(region, $0) }.map { LocalDate(dayNumber: header.base + Int32($0)) }
    }

    var countedDays: [LocalDate] { days(in: 0) }
    var usedDays: [LocalDate] { days(in: 1) }

    func encode(into w: inout ByteWriter) {
        w.write(Int(header.base)); w.write(length); w.write(Int(header.lastOffset))
        withUnsafeMutablePointers { h, words in
            for i in 0..<(2 * h.pointee.wordCount) { w.write(words[i]) }
        }
    }

    static func decode(days: Int, window: Int, span: ClosedRange<LocalDate>?, from r: inout ByteReader) throws -> DayWindowProgress {
        let p = make(days: days, window: window, span: span)
        let base = try r.readInt(), length = try r.readInt(), last = try r.readInt32()
        guard base == Int(p.header.base), length == p.length else {
            throw ByteReader.Failure.mismatch("saved progress covers other days than the program and eligibility now allow")
        }
        guard last >= -1, Int(last) < length else { throw ByteReader.Failure.mismatch("saved progress names a day outside its span") }
        p.header.lastOffset = last
        let wc = p.header.wordCount
        for i in 0..<(2 * wc) {
            let word = try r.readUInt64()
            p.withUnsafeMutablePointerToElements { $0[i] = word }
        }
        return p
    }
}
