/// A progress's counted and used days as sets, for the rules' `nextStep` (which runs once per reward of an
/// explanation, never on the engine's hot path): built from `countedDays` and `usedDays` only, so it works
/// for any kind whatever its storage.
struct CountedDays {
    private let counted: Set<Int32>
    private let used: Set<Int32>

    init(_ progress: (any RuleProgress)?) {
        counted = Set((progress?.countedDays ?? []).map(\.dayNumber))
        used = Set((progress?.usedDays ?? []).map(\.dayNumber))
    }

    func isCounted(_ d: LocalDate) -> Bool { counted.contains(d.dayNumber) }
    func isUnused(_ d: LocalDate) -> Bool { counted.contains(d.dayNumber) && !used.contains(d.dayNumber) }

    /// The latest counted, unused day before `day`.
    func latestUnused(before day: LocalDate) -> LocalDate? {
        counted.filter { $0 < day.dayNumber && !used.contains($0) }.max().map(LocalDate.init(dayNumber:))
    }

    func counted(from lo: LocalDate, through hi: LocalDate) -> Int {
        counted.count { $0 >= lo.dayNumber && $0 <= hi.dayNumber }
    }

    func used(from lo: LocalDate, through hi: LocalDate) -> Int {
        used.count { $0 >= lo.dayNumber && $0 <= hi.dayNumber }
    }
}
