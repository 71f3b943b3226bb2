/// Day-window marks as two bitsets over the whole span (counted days, then used days), kept in the
/// object's own tail allocation: touching them costs a cache line or two, and the engine can prefetch
/// them. Only for spans up to `DayWindow.denseSpanLimit` days, so the size stays small whatever the
/// catalog says; longer spans use `SparseDayMarks`.
final class DenseDayMarks: ManagedBuffer<DenseDayMarks.Header, UInt64>, DayWindowCounting {
    struct Header {
        let days: Int
        let window: Int
        let measure: DayWindow.Measure
        let base: Int32
        let length: Int
        let wordCount: Int
        var lastOffset: Int32
    }

    /// Fresh marks. Words `[0, wordCount)` hold counted days, `[wordCount, 2·wordCount)` used days.
    static func make(days: Int, window: Int, measure: DayWindow.Measure, base: Int32, length: Int) -> DenseDayMarks {
        let wordCount = (length + 63) / 64
        let buffer = DenseDayMarks.create(minimumCapacity: max(2 * wordCount, 1)) { _ in
            Header(days: days, window: window, measure: measure, base: base, length: length, wordCount: wordCount, lastOffset: -1)
        }
        let marks = unsafeDowncast(buffer, to: DenseDayMarks.self)
        marks.withUnsafeMutablePointerToElements { $0.initialize(repeating: 0, count: max(2 * wordCount, 1)) }
        return marks
    }

    var days: Int { header.days }
    var window: Int { header.window }
    var measure: DayWindow.Measure { header.measure }
    var base: Int32 { header.base }
    var length: Int { header.length }
    var lastOffset: Int32 {
        get { header.lastOffset }
        set { header.lastOffset = newValue }
    }

    @inline(__always)
    private func bit(_ region: Int, _ off: Int) -> Bool {
        withUnsafeMutablePointers { h, w in w[region * h.pointee.wordCount + off >> 6] & (1 << UInt64(off & 63)) != 0 }
    }

    @inline(__always)
    private func setBit(_ region: Int, _ off: Int) {
        withUnsafeMutablePointers { h, w in w[region * h.pointee.wordCount + off >> 6] |= 1 << UInt64(off & 63) }
    }

    @inline(__always) func isCounted(_ off: Int) -> Bool { bit(0, off) }
    @inline(__always) func isUnused(_ off: Int) -> Bool { bit(0, off) && !bit(1, off) }
    @inline(__always) func markCounted(_ off: Int) { setBit(0, off) }
    @inline(__always) func markUsed(_ off: Int) { setBit(1, off) }

    /// Unused days in `lo...hi`, a word at a time.
    func countUnused(from lo: Int, through hi: Int) -> Int {
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

    func offsets(used: Bool) -> [Int] { (0..<length).filter { bit(used ? 1 : 0, $0) } }

    func words() -> [(index: Int, counted: UInt64, used: UInt64)] {
        withUnsafeMutablePointers { h, w in
            let wc = h.pointee.wordCount
            return (0..<wc).compactMap { i in w[i] == 0 && w[wc + i] == 0 ? nil : (i, w[i], w[wc + i]) }
        }
    }

    func record(_ event: QualifyingEvent) -> Evidence? { recordDay(event) }
    func status(today: LocalDate?) -> ProgressStatus { windowStatus(today: today) }
}
