/// Day-window marks for a long span (a program "until 9999-12-31"): only the 64-day words that hold a
/// counted day, in a sorted list, so the state grows with the days a user logged and never with the
/// calendar. A look-up is a binary search among those words; a late event for any past day is judged
/// exactly as in the dense form (`DayWindowCounting` decides for both).
final class SparseDayMarks: DayWindowCounting {
    let days: Int
    let window: Int
    let measure: DayWindow.Measure
    let base: Int32
    let length: Int
    var lastOffset: Int32 = -1
    /// Word indices (offset / 64), ascending, and each word's counted and used bits.
    private var keys: [Int] = []
    private var counted: [UInt64] = []
    private var used: [UInt64] = []

    init(days: Int, window: Int, measure: DayWindow.Measure, base: Int32, length: Int) {
        self.days = days
        self.window = window
        self.measure = measure
        self.base = base
        self.length = length
    }

    /// The position of the first word whose index is ≥ `index`.
    private func position(of index: Int) -> Int {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < index { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The word holding `off`, if any day of it counted.
    private func word(_ off: Int) -> (counted: UInt64, used: UInt64)? {
        let i = position(of: off >> 6)
        return i < keys.count && keys[i] == off >> 6 ? (counted[i], used[i]) : nil
    }

    func isCounted(_ off: Int) -> Bool { (word(off)?.counted ?? 0) & (1 << UInt64(off & 63)) != 0 }

    func isUnused(_ off: Int) -> Bool {
        guard let w = word(off) else { return false }
        return (w.counted & ~w.used) & (1 << UInt64(off & 63)) != 0
    }

    func markCounted(_ off: Int) {
        let i = position(of: off >> 6)
        if i == keys.count || keys[i] != off >> 6 {
            keys.insert(off >> 6, at: i)
            counted.insert(0, at: i)
            used.insert(0, at: i)
        }
        counted[i] |= 1 << UInt64(off & 63)
    }

    /// Only a counted day is ever used, so its word exists.
    func markUsed(_ off: Int) {
        let i = position(of: off >> 6)
        guard i < keys.count, keys[i] == off >> 6 else { return }
        used[i] |= 1 << UInt64(off & 63)
    }

    func countUnused(from lo: Int, through hi: Int) -> Int {
        guard lo <= hi else { return 0 }
        var total = 0
        var i = position(of: lo >> 6)
        while i < keys.count, keys[i] <= hi >> 6 {
            var bits = counted[i] & ~used[i]
            if keys[i] == lo >> 6 { bits &= ~0 << UInt64(lo & 63) }
            if keys[i] == hi >> 6, hi & 63 != 63 { bits &= (1 << UInt64((hi & 63) + 1)) - 1 }
            total += bits.nonzeroBitCount
            i += 1
        }
        return total
    }

    func offsets(used wantUsed: Bool) -> [Int] {
        var out: [Int] = []
        for i in keys.indices {
            let bits = wantUsed ? used[i] : counted[i]
            for b in 0..<64 where bits & (1 << UInt64(b)) != 0 { out.append(keys[i] * 64 + b) }
        }
        return out
    }

    func words() -> [(index: Int, counted: UInt64, used: UInt64)] { keys.indices.map { (keys[$0], counted[$0], used[$0]) } }

    func record(_ event: QualifyingEvent) -> Evidence? { recordDay(event) }
    func status(today: LocalDate?) -> ProgressStatus { windowStatus(today: today) }
}
