import IncentivesCore
import IncentivesText

/// `incentives why USER --summary`: the why-not summary (`WhyNotSummary`) of each reward, instead of the timeline.
/// table: the reward, its state, then one fact a line; jsonl: one object per reward.
enum WhyNotText {
    static func writeTable(_ summaries: [WhyNotSummary], slots: [RewardSlot], to out: Output) {
        for (n, s) in summaries.enumerated() {
            if n > 0 { out.line("") }
            let state = s.state.map { "\($0.rawValue), " } ?? ""
            out.line(TerminalText.safe("\(s.slot.label(among: slots)) · \(s.slot.incentive.id) · \(s.slot.program.id)  (\(state)earned \(s.awards) of \(s.slot.reward.limit))"))
            for line in s.sentences { out.line("  " + TerminalText.safe(line)) }
        }
    }

    static func writeJSONLines(_ summaries: [WhyNotSummary], user: String, to out: Output) {
        func q(_ s: String) -> String { JSONText.quote(s) }
        for s in summaries {
            var f: [String] = [
                "\"user\":\(q(user))", "\"program\":\(q(s.slot.program.id))", "\"incentive\":\(q(s.slot.incentive.id))",
                "\"reward\":\(q(s.slot.reward.reward))", "\"state\":\(s.state.map { q($0.rawValue) } ?? "null")",
                "\"awards\":\(s.awards)", "\"countedDays\":\(s.countedDays)", "\"today\":\(q(s.today.iso))",
            ]
            func run(_ r: WhyNotSummary.Run) -> String {
                "{\"first\":\(q(r.first.iso)),\"last\":\(q(r.last.iso)),\"days\":\(r.days),\"earned\":\(r.earned),\"brokenOn\":\(r.brokenOn.map { q($0.iso) } ?? "null")}"
            }
            f.append("\"longestRun\":" + (s.longestRun.map(run) ?? "null"))
            f.append("\"breaks\":[" + s.breaks.map { q($0.iso) }.joined(separator: ",") + "]")
            f.append("\"runs\":[" + s.runs.map(run).joined(separator: ",") + "]")
            f.append("\"periods\":[" + s.periods.map {
                "{\"first\":\(q($0.days.lowerBound.iso)),\"last\":\(q($0.days.upperBound.iso)),\"counted\":\($0.counted),\"needed\":\($0.needed),\"earned\":\($0.earned),\"missed\":\($0.missed)}"
            }.joined(separator: ",") + "]")
            f.append("\"outside\":[" + s.outside.map { "{\"day\":\(q($0.day.iso)),\"reason\":\(q($0.reason.rawValue)),\"events\":\($0.events)}" }.joined(separator: ",") + "]")
            f.append("\"late\":[" + s.late.map { "{\"id\":\(q($0.id)),\"day\":\(q($0.day.iso)),\"after\":\(q($0.after.iso)),\"outcome\":\(q($0.outcome))}" }.joined(separator: ",") + "]")
            out.line("{" + f.joined(separator: ",") + "}")
        }
    }
}
