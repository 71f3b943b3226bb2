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
        // An event's fields are the same on each of its lines (one per reward): written once per event.
        // A reward's outcome is often the same as on the event before (wrong-type, limit-reached, ...): its
        // sentence, escaped, is kept per reward and reused while the outcome repeats.
        var lastOutcome = [Outcome?](repeating: nil, count: x.slots.count)
        var lastDetail = [[UInt8]](repeating: [], count: x.slots.count)
        func detail(_ l: ExplanationLine) -> [UInt8] {
            if let i = l.slotIndex, lastOutcome[i] == l.outcome { return lastDetail[i] }
            var w = JSONBytes()
            w.raw(",\"outcome\":"); w.string(l.outcome.code)
            w.raw(",\"detail\":"); w.string(l.outcome.sentence)
            if let i = l.slotIndex {
                lastOutcome[i] = l.outcome
                lastDetail[i] = w.bytes
            }
            return w.bytes
        }
        var eventFields = JSONBytes()
        var previous: (id: String?, line: Int?) = (nil, nil)
        for (i, l) in x.lines.enumerated() {
            if i == 0 || l.event.id != previous.id || l.event.line != previous.line || l.event.id == nil {
                previous = (l.event.id, l.event.line)
                eventFields.bytes.removeAll(keepingCapacity: true)
                eventFields.write(l.event, user: x.member.id)
            }
            let outcome = detail(l)
            out.line { buffer in
                var w = JSONBytes()
                swap(&w.bytes, &buffer)
                defer { swap(&w.bytes, &buffer) }
                w.bytes.append(contentsOf: eventFields.bytes)
                w.bytes.append(contentsOf: l.slotIndex.map { slotFields[$0] } ?? everyReward.bytes)
                w.bytes.append(contentsOf: outcome)
                switch l.outcome {
                case .earned(let a), .tierReached(let a):
                    w.raw(",\"award\":")
                    a.writeJSON(into: &w.bytes)
                default: break
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
    /// `{"kind":"event","user":…,"event":…` up to the event's line number.
    mutating func write(_ e: ExplainedEvent, user: String) {
        raw("{\"kind\":\"event\",\"user\":"); string(user)
        raw(",\"event\":"); optional(e.id)
        raw(",\"type\":"); optional(e.type?.rawValue)
        raw(",\"category\":"); optional(e.category)
        raw(",\"at\":")
        if let at = e.at { raw("\""); at.writeRFC3339(into: &bytes); raw("\"") } else { raw("null") }
        raw(",\"localDay\":")
        if let day = e.localDay { raw("\""); day.writeISO(into: &bytes); raw("\"") } else { raw("null") }
        raw(",\"file\":"); optional(e.file)
        raw(",\"line\":")
        if let line = e.line { bytes.append(contentsOf: String(line).utf8) } else { raw("null") }
    }

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
