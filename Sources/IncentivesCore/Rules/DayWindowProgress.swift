/// Progress for the day-counting kinds (`streak`, `days_in_window`): which local days counted,
/// which of them earlier awards already used, and the first event of each unused day.
///
/// State is two bitsets over the days a user can earn this reward (program ∩ eligibility), so its
/// size is bounded by the program's length, and a late event costs the same as a punctual one:
/// one bit set and one scan of the `window` windows that contain its day. Nothing is rescanned.
final class DayWindowProgress: RuleProgress {
    let days: Int
    let window: Int
    /// Day number of bit 0, and how many days the bitsets cover.
    private let base: Int32
    private let length: Int
    private var counted: DayBits
    private var used: DayBits
    /// First arriving event of each counted day not yet used as evidence, sorted by day offset.
    private var firstEvents: ContiguousArray<(offset: Int32, id: String)> = []
    private var lastOffset: Int32 = -1

    init(days: Int, window: Int, span: ClosedRange<LocalDate>?) {
        self.days = days
        self.window = window
        base = span?.lowerBound.dayNumber ?? 0
        length = span.map { $0.upperBound.days(since: $0.lowerBound) + 1 } ?? 0
        counted = DayBits(count: length)
        used = DayBits(count: length)
    }

    func record(_ event: QualifyingEvent) -> Evidence? {
        let off = Int(event.day.dayNumber - base)
        guard off >= 0, off < length else { return nil }
        if !counted[off] {
            counted[off] = true
            insertFirstEvent(offset: Int32(off), id: event.id)
        }
        if Int32(off) > lastOffset { lastOffset = Int32(off) }

        // Fast path: if even the whole span of windows around this day holds fewer than `days`
        // unused days, no window can; most events end here after a few word operations.
        let spanLo = max(off - window + 1, 0), spanHi = min(off + window - 1, length - 1)
        if DayBits.countSet(counted, minus: used, from: spanLo, through: spanHi) < days { return nil }

        // CONTRACT §3: among the windows that contain this day and hold at least `days` unused days,
        // the one that starts earliest earns. Slide a window of `window` days from the earliest start
        // that contains `off` to `off` itself, keeping a running count of unused days.
        let first = off - window + 1
        var count = 0
        for d in max(first, 0)...min(off, length - 1) where isUnused(d) { count += 1 }
        for start in first...off {
            let end = start + window - 1
            if start > first, end < length, isUnused(end) { count += 1 }
            if count >= days { return award(from: start, through: end) }
            if start >= 0, isUnused(start) { count -= 1 }
        }
        return nil
    }

    private func isUnused(_ off: Int) -> Bool { counted[off] && !used[off] }

    /// Marks the earliest `days` unused days in the window as used and returns their first events.
    private func award(from start: Int, through end: Int) -> Evidence {
        var evidence: Evidence = []
        evidence.reserveCapacity(days)
        for d in max(start, 0)...min(end, length - 1) where isUnused(d) {
            used[d] = true
            evidence.append(QualifyingEvent(id: takeFirstEvent(offset: Int32(d)), day: LocalDate(dayNumber: base + Int32(d))))
            if evidence.count == days { break }
        }
        return evidence
    }

    private func insertFirstEvent(offset: Int32, id: String) {
        // Events mostly arrive in day order, so this is nearly always an append.
        var i = firstEvents.count
        while i > 0, firstEvents[i - 1].offset > offset { i -= 1 }
        firstEvents.insert((offset, id), at: i)
    }

    private func takeFirstEvent(offset: Int32) -> String {
        var lo = 0, hi = firstEvents.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if firstEvents[mid].offset < offset { lo = mid + 1 } else { hi = mid }
        }
        precondition(lo < firstEvents.count && firstEvents[lo].offset == offset, "a counted, unused day has its first event")
        return firstEvents.remove(at: lo).id
    }

    func status(today: LocalDate?) -> ProgressStatus {
        let lastDay = lastOffset >= 0 ? LocalDate(dayNumber: base + lastOffset) : nil
        guard let ref = today ?? lastDay else { return ProgressStatus(done: 0, needed: days, lastDay: nil) }
        let r = Int(ref.dayNumber - base)
        var done = 0
        if days == window {
            // A streak: the run of unused days ending today, or yesterday while today can still extend it.
            var d = (r >= 0 && r < length && isUnused(r)) ? r : r - 1
            while d >= 0, d < length, isUnused(d), done < days { done += 1; d -= 1 }
        } else {
            for d in max(r - window + 1, 0)...max(min(r, length - 1), 0) where d < length && isUnused(d) { done += 1 }
        }
        return ProgressStatus(done: min(done, days), needed: days, lastDay: lastDay)
    }

    var countedDays: [LocalDate] { counted.indices.map { LocalDate(dayNumber: base + Int32($0)) } }
    var usedDays: [LocalDate] { used.indices.map { LocalDate(dayNumber: base + Int32($0)) } }

    func encode(into w: inout ByteWriter) {
        w.write(Int(base)); w.write(length); w.write(Int(lastOffset))
        counted.encode(into: &w)
        used.encode(into: &w)
        w.write(firstEvents.count)
        for e in firstEvents { w.write(Int(e.offset)); w.write(e.id) }
    }

    init(days: Int, window: Int, span: ClosedRange<LocalDate>?, from r: inout ByteReader) throws {
        self.days = days
        self.window = window
        base = Int32(try r.readInt())
        length = try r.readInt()
        lastOffset = Int32(try r.readInt())
        counted = try DayBits(from: &r)
        used = try DayBits(from: &r)
        let n = try r.readInt()
        firstEvents.reserveCapacity(n)
        for _ in 0..<n { firstEvents.append((Int32(try r.readInt()), try r.readString())) }
        let expected = DayWindowProgress(days: days, window: window, span: span)
        guard expected.base == base, expected.length == length, counted.count == length, used.count == length else {
            throw ByteReader.Failure.mismatch("saved progress covers other days than the program and eligibility now allow")
        }
    }
}

/// A fixed-size bitset of day offsets.
struct DayBits {
    private(set) var words: [UInt64]
    let count: Int

    init(count: Int) {
        self.count = count
        words = Array(repeating: 0, count: (count + 63) / 64)
    }

    subscript(i: Int) -> Bool {
        get { words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
        set {
            if newValue { words[i >> 6] |= 1 << UInt64(i & 63) } else { words[i >> 6] &= ~(1 << UInt64(i & 63)) }
        }
    }

    var indices: [Int] {
        var out: [Int] = []
        for (wi, w) in words.enumerated() where w != 0 {
            var w = w
            while w != 0 {
                out.append(wi * 64 + w.trailingZeroBitCount)
                w &= w - 1
            }
        }
        return out
    }

    func encode(into w: inout ByteWriter) {
        w.write(count)
        for word in words { w.write(word) }
    }

    /// How many days in `lo...hi` are set in `a` and not in `b`, a word at a time.
    static func countSet(_ a: DayBits, minus b: DayBits, from lo: Int, through hi: Int) -> Int {
        guard lo <= hi else { return 0 }
        var total = 0
        let firstWord = lo >> 6, lastWord = hi >> 6
        a.words.withUnsafeBufferPointer { aw in
            b.words.withUnsafeBufferPointer { bw in
                for w in firstWord...lastWord {
                    var bits = aw[w] & ~bw[w]
                    if w == firstWord { bits &= ~0 << UInt64(lo & 63) }
                    if w == lastWord, hi & 63 != 63 { bits &= (1 << UInt64((hi & 63) + 1)) - 1 }
                    total += bits.nonzeroBitCount
                }
            }
        }
        return total
    }

    init(from r: inout ByteReader) throws {
        count = try r.readInt()
        guard count >= 0, count <= 1_000_000 else { throw ByteReader.Failure.mismatch("bitset size \(count)") }
        words = []
        for _ in 0..<((count + 63) / 64) { words.append(try r.readUInt64()) }
    }
}
