/// Arithmetic on numbers read back from a store (sequence numbers, positions), which a damaged or hostile database
/// can hold at any value: the result stops at the type's bounds instead of trapping. Where a wrong-but-bounded
/// answer is harmless (how many rows to skip, whether a batch is waiting) this is the rule; where it is not, the
/// value is refused instead (`PGAchievementRows.roomStart`).
extension FixedWidthInteger {
    public func subtractingSaturated(_ other: Self) -> Self {
        let (result, overflow) = subtractingReportingOverflow(other)
        guard overflow else { return result }
        return other > 0 ? .min : .max
    }

    public func addingSaturated(_ other: Self) -> Self {
        let (result, overflow) = addingReportingOverflow(other)
        guard overflow else { return result }
        return other > 0 ? .max : .min
    }
}
