import IncentivesCore

/// `incentives why` for people: who the user is, where each reward stands and what would earn it next, then
/// the timeline, latest first, one line per event and reward. Cells go through `Table`, like every command's.
struct WhyTimeline {
    let explanation: Explanation
    /// wrong-type lines say little to a person (a birth is not a log) and there are many: hidden unless asked.
    let showWrongType: Bool
    /// The most timeline lines shown (the latest); nil for all.
    let limit: Int?

    func write(to out: Output) {
        let x = explanation
        let m = x.member
        var head = Table(["user", "employer", "days in", "eligible", "today"])
        head.add([m.id, m.employer ?? "none: events are kept and never earn", m.timezone,
                  "\(m.eligibleFrom.iso) .. \(m.eligibleUntil?.iso ?? "open-ended")", Outcome.dayName(x.today)])
        head.write(.table, to: out)
        out.line("")
        if x.rewards.isEmpty {
            out.line("Rewards   none apply")
        } else {
            out.line("Rewards")
            var t = Table(["program", "reward", "state", "where it stands and what would earn it next"])
            // A name twice in one program is told apart by its incentive (`RewardSlot.label`).
            for r in x.rewards { t.add([r.slot.program.id, r.slot.label(among: x.slots), r.state.rawValue, r.sentence]) }
            t.write(.table, to: out)
        }
        out.line("")
        var shown = x.lines.filter { showWrongType || $0.outcome.code != "wrong-type" }
        let hidden = x.lines.count - shown.count
        var notes: [String] = []
        if hidden > 0 { notes.append("\(hidden) wrong-type lines not shown; --all shows them") }
        if let limit, shown.count > limit {
            notes.append("\(shown.count - limit) earlier lines not shown; --limit or --since")
            shown.removeFirst(shown.count - limit)
        }
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
