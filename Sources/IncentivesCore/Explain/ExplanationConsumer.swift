/// Where a streamed explanation's lines go as they are made (`incentives why`, the stores' `explain`): nothing
/// holds a user's whole timeline, so memory stays flat however long it is (issue 21).
public protocol ExplanationConsumer: AnyObject {
    /// Before the first line: whose, and the rewards `ExplanationLine.slotIndex` names.
    func begin(member: Member, slots: [RewardSlot])
    /// One line, in arrival order. false: enough — no more is read, and no more lines come.
    func take(_ line: ExplanationLine) -> Bool
}

/// Keeps every line: for callers that want the whole `Explanation` (the console, tests).
public final class CollectedExplanationLines: ExplanationConsumer {
    public private(set) var lines: [ExplanationLine] = []

    public init() {}

    public func begin(member: Member, slots: [RewardSlot]) {}

    public func take(_ line: ExplanationLine) -> Bool {
        lines.append(line)
        return true
    }
}
