import IncentivesCore

/// `incentives why --format jsonl`: one object per event and reward in arrival order, then one per reward.
/// Written byte by byte (`JSONBytes`): a year of a user's events is ten thousand lines or more, and a string
/// per cell cost most of the command's time. Streamed (`ExplanationConsumer`): each line is written as the
/// explanation makes it, none kept; the reward objects come at the end (`finish`).
final class WhyJSONLines: ExplanationConsumer {
    private let out: Output
    private let filter: ExplanationFilter
    /// `--limit`: stop the reading after this many event lines.
    private let stopAfter: Int?
    /// Asked at `begin` whether the command refuses the choice (a reward not offered...): then nothing is written.
    private let refuses: (Member, [RewardSlot]) -> Bool
    private(set) var refused = false
    private(set) var written = 0

    private var member: Member?
    private var kept: [Bool] = []
    // Each reward's fields escaped once, not once per line.
    private var slotFields: [[UInt8]] = []
    private var everyReward: [UInt8] = []
    // An event's fields are the same on each of its lines (one per reward): written once per event.
    // A reward's outcome is often the same as on the event before (wrong-type, limit-reached, ...): its
    // sentence, escaped, is kept per reward and reused while the outcome repeats.
    private var lastOutcome: [Outcome?] = []
    private var lastDetail: [[UInt8]] = []
    private var eventFields = JSONBytes()
    private var previous: (id: String?, line: Int?)?

    init(out: Output, filter: ExplanationFilter = ExplanationFilter(), stopAfter: Int? = nil,
         refuses: @escaping (Member, [RewardSlot]) -> Bool = { _, _ in false }) {
        self.out = out
        self.filter = filter
        self.stopAfter = stopAfter
        self.refuses = refuses
    }

    /// The whole explanation at once (the benchmark's `why`).
    static func write(_ x: Explanation, to out: Output) {
        let w = WhyJSONLines(out: out)
        w.begin(member: x.member, slots: x.slots)
        for l in x.lines { _ = w.take(l) }
        w.finish(x)
    }

    func begin(member: Member, slots: [RewardSlot]) {
        self.member = member
        refused = refuses(member, slots)
        kept = slots.map(filter.keeps)
        slotFields = slots.map { slot in
            var w = JSONBytes()
            w.slot(slot)
            return w.bytes
        }
        var w = JSONBytes()
        w.slot(nil)
        everyReward = w.bytes
        lastOutcome = [Outcome?](repeating: nil, count: slots.count)
        lastDetail = [[UInt8]](repeating: [], count: slots.count)
    }

    private func detail(_ l: ExplanationLine) -> [UInt8] {
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

    func take(_ l: ExplanationLine) -> Bool {
        guard !refused, let member else { return false }
        guard filter.keeps(l, slotKept: kept) else { return true }
        if previous == nil || l.event.id != previous!.id || l.event.line != previous!.line || l.event.id == nil {
            previous = (l.event.id, l.event.line)
            eventFields.bytes.removeAll(keepingCapacity: true)
            eventFields.write(l.event, user: member.id)
        }
        let outcome = detail(l)
        out.line { buffer in
            var w = JSONBytes()
            swap(&w.bytes, &buffer)
            defer { swap(&w.bytes, &buffer) }
            w.bytes.append(contentsOf: eventFields.bytes)
            w.bytes.append(contentsOf: l.slotIndex.map { slotFields[$0] } ?? everyReward)
            w.bytes.append(contentsOf: outcome)
            switch l.outcome {
            case .earned(let a), .tierReached(let a):
                w.raw(",\"award\":")
                a.writeJSON(into: &w.bytes)
            default: break
            }
            w.raw("}")
        }
        written += 1
        return stopAfter.map { written < $0 } ?? true
    }

    /// One object per reward (as of the last line read), and, when `--limit` stopped the reading, one saying so.
    func finish(_ x: Explanation) {
        guard !refused else { return }
        for r in x.rewards where filter.keeps(r.slot) {
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
        if let stopAfter, written >= stopAfter {
            out.line { buffer in
                var w = JSONBytes()
                swap(&w.bytes, &buffer)
                defer { swap(&w.bytes, &buffer) }
                w.raw("{\"kind\":\"stopped\",\"user\":"); w.string(x.member.id)
                w.raw(",\"limit\":"); w.bytes.append(contentsOf: String(stopAfter).utf8)
                w.raw(",\"detail\":"); w.string(WhyTimeline.stoppedNote(stopAfter))
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
