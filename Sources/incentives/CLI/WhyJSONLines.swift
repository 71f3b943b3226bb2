import IncentivesCore

/// `incentives why --format jsonl`: one object per event and reward in arrival order, then one per reward.
/// Written byte by byte (`JSONBytes`): a year of a user's events is ten thousand lines or more, and a string
/// per cell cost most of the command's time.
enum WhyJSONLines {
    static func write(_ x: Explanation, to out: Output) {
        // Each reward's fields escaped once, not once per line.
        let slotFields: [[UInt8]] = x.slots.map { slot in
            var w = JSONBytes()
            w.slot(slot)
            return w.bytes
        }
        var everyReward = JSONBytes()
        everyReward.slot(nil)
        for l in x.lines {
            out.line { buffer in
                var w = JSONBytes()
                swap(&w.bytes, &buffer)
                defer { swap(&w.bytes, &buffer) }
                w.raw("{\"kind\":\"event\",\"user\":"); w.string(x.member.id)
                w.raw(",\"event\":"); w.optional(l.event.id)
                w.raw(",\"type\":"); w.optional(l.event.type?.rawValue)
                w.raw(",\"category\":"); w.optional(l.event.category)
                w.raw(",\"at\":")
                if let at = l.event.at { w.raw("\""); at.writeRFC3339(into: &w.bytes); w.raw("\"") } else { w.raw("null") }
                w.raw(",\"localDay\":")
                if let day = l.event.localDay { w.raw("\""); day.writeISO(into: &w.bytes); w.raw("\"") } else { w.raw("null") }
                w.raw(",\"file\":"); w.optional(l.event.file)
                w.raw(",\"line\":")
                if let line = l.event.line { w.bytes.append(contentsOf: String(line).utf8) } else { w.raw("null") }
                w.bytes.append(contentsOf: l.slotIndex.map { slotFields[$0] } ?? everyReward.bytes)
                w.raw(",\"outcome\":"); w.string(l.outcome.code)
                w.raw(",\"detail\":"); w.string(l.outcome.sentence)
                if case .earned(let a) = l.outcome {
                    w.raw(",\"award\":")
                    a.writeJSON(into: &w.bytes)
                }
                w.raw("}")
            }
        }
        for r in x.rewards {
            out.line { buffer in
                var w = JSONBytes()
                swap(&w.bytes, &buffer)
                defer { swap(&w.bytes, &buffer) }
                w.raw("{\"kind\":\"reward\",\"user\":"); w.string(x.member.id)
                w.slot(r.slot)
                w.raw(",\"outcome\":"); w.string(r.state.rawValue)
                w.raw(",\"detail\":"); w.string(r.sentence)
                w.raw(",\"awards\":"); w.bytes.append(contentsOf: String(r.awards).utf8)
                w.raw(",\"standing\":"); w.optional(r.standing.isEmpty ? nil : r.standing)
                w.raw(",\"next\":"); w.optional(r.next)
                w.raw(",\"deadline\":")
                if let d = r.deadline { w.raw("\""); d.writeISO(into: &w.bytes); w.raw("\"") } else { w.raw("null") }
                w.raw("}")
            }
        }
    }
}

private extension JSONBytes {
    mutating func optional(_ s: String?) {
        if let s { string(s) } else { raw("null") }
    }

    /// `,"program":…,"incentive":…,"reward":…`, null when the line concerns every reward.
    mutating func slot(_ slot: RewardSlot?) {
        raw(",\"program\":"); optional(slot?.program.id)
        raw(",\"incentive\":"); optional(slot?.incentive.id)
        raw(",\"reward\":"); optional(slot?.reward.reward)
    }
}
