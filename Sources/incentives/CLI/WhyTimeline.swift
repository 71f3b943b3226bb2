import IncentivesCore

/// `incentives why` for people: who the user is, where each reward stands and what would earn it next, then
/// the timeline, latest first, one line per event and reward. Cells go through `Table`, like every command's.
///
/// Streamed (`ExplanationConsumer`): without `--limit` the whole history is read and only the latest `tail` lines
/// are kept (memory bounded by that, not by the history); with `--limit N` the reading stops after the first N
/// lines shown (from `--since`), and the rewards are as of there. Printed at the end (`finish`): the rewards come
/// first on screen and are known only then.
final class WhyTimeline: ExplanationConsumer {
    private let filter: ExplanationFilter
    /// wrong-type lines say little to a person (a birth is not a log) and there are many: hidden unless asked.
    private let showWrongType: Bool
    /// `--limit`: stop the reading after this many lines shown.
    private let stopAfter: Int?
    /// Without `--limit`: the latest lines shown.
    private let tail: Int
    private let refuses: (Member, [RewardSlot]) -> Bool
    private(set) var refused = false

    private var kept: [Bool] = []
    /// The lines shown, oldest first: the first `stopAfter`, or the latest `tail` (and up to as many again not
    /// yet dropped: dropped in blocks, so that keeping the tail costs no copy per line).
    private var shown: [ExplanationLine] = []
    private var seen = 0
    private var hidden = 0

    static let defaultTail = 200

    init(filter: ExplanationFilter, showWrongType: Bool, stopAfter: Int?, tail: Int = WhyTimeline.defaultTail,
         refuses: @escaping (Member, [RewardSlot]) -> Bool = { _, _ in false }) {
        self.filter = filter
        self.showWrongType = showWrongType
        self.stopAfter = stopAfter
        self.tail = tail
        self.refuses = refuses
    }

    static func stoppedNote(_ limit: Int) -> String {
        "--limit \(limit) reached: the reading stopped there, later events were not read, and the rewards are as of the last line shown"
    }

    func begin(member: Member, slots: [RewardSlot]) {
        refused = refuses(member, slots)
        kept = slots.map(filter.keeps)
    }

    func take(_ l: ExplanationLine) -> Bool {
        guard !refused else { return false }
        guard filter.keeps(l, slotKept: kept) else { return true }
        guard showWrongType || l.outcome.code != "wrong-type" else {
            hidden += 1
            return true
        }
        seen += 1
        shown.append(l)
        if let stopAfter { return seen < stopAfter }
        if shown.count >= 2 * tail { shown.removeFirst(shown.count - tail) }
        return true
    }

    func finish(_ explanation: Explanation, to out: Output) {
        guard !refused else { return }
        let x = explanation
        let m = x.member
        var head = Table(["user", "employer", "days in", "eligible", "today"])
        head.add([m.id, m.employer ?? "none: events are kept and never earn", m.timezone,
                  "\(m.eligibleFrom.iso) .. \(m.eligibleUntil?.iso ?? "open-ended")", Outcome.dayName(x.today)])
        head.write(.table, to: out)
        out.line("")
        let stopped = stopAfter.map { seen >= $0 } ?? false
        let rewards = x.rewards.filter { filter.keeps($0.slot) }
        if rewards.isEmpty {
            out.line("Rewards   none apply")
        } else {
            out.line("Rewards" + (stopped ? " as of the last line shown (--limit \(stopAfter!): later events were not read)" : ""))
            var t = Table(["program", "reward", "state", "where it stands and what would earn it next"])
            // A name twice in one program is told apart by its incentive (`RewardSlot.label`).
            for r in rewards { t.add([r.slot.program.id, r.slot.label(among: x.slots), r.state.rawValue, r.sentence]) }
            t.write(.table, to: out)
        }
        out.line("")
        if stopAfter == nil, shown.count > tail { shown.removeFirst(shown.count - tail) }
        var notes: [String] = []
        if hidden > 0 { notes.append("\(hidden) wrong-type lines not shown; --all shows them") }
        if seen > shown.count { notes.append("\(seen - shown.count) earlier lines not shown; --since DATE and --limit N show them from a day on") }
        if stopped { notes.append("the first \(shown.count) from \(filter.since.map(Outcome.dayName) ?? "the start"); later ones not read") }
        out.line("Timeline, latest first" + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")"))
        guard !shown.isEmpty else {
            out.line("  no events")
            return
        }
        var t = Table(["local day", "event", "what", "program", "reward", "outcome", "detail"])
        // Latest event first; an event's rewards stay in catalog order.
        var byEvent: [[ExplanationLine]] = []
        for l in shown {
            if let last = byEvent.last?.last, last.event.id == l.event.id, last.event.line == l.event.line, l.event.id != nil {
                byEvent[byEvent.count - 1].append(l)
            } else {
                byEvent.append([l])
            }
        }
        for l in byEvent.reversed().joined() {
            let e = l.event
            let what = e.type.map { $0 == .healthDataLogged ? "log \(e.category ?? "")" : "birth" } ?? "line \(e.line.map(String.init) ?? "?")"
            t.add([e.localDay.map(Outcome.dayName) ?? "-", e.id ?? "-", what, x.slot(of: l)?.program.id ?? "(all)", x.slot(of: l)?.label(among: x.slots) ?? "(all)",
                   l.outcome.code, l.outcome.sentence])
        }
        t.write(.table, to: out)
    }
}
