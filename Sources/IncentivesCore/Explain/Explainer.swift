/// Explains one user's events by running them through the same admission and engine as `replay` and
/// `ingest` (`Intake.takeExplaining`, `Engine.recordExplaining`), and wording what the engine found.
///
/// Feed it events in arrival order. From files, feed every user's events: whether an event is a duplicate or
/// a conflict depends on every earlier event with its id, whoever's it was. Only this user's are explained.
///
/// Two ways to take the lines: kept, for `explanation` to return them all (the console, tests); or streamed, each
/// handed to `streamingTo` as it is made and none kept, so that memory stays flat however long the user's history
/// is (`incentives why`, issue 21); the consumer may say it has had enough (`stopped`).
public final class Explainer {
    public let member: Member
    private let intake: Intake
    private let slots: [RewardSlot]
    /// All lines when kept; when streamed, only those of the event being taken.
    private var lines: [ExplanationLine] = []
    private let emit: ((ExplanationLine) -> Bool)?
    /// The stream's consumer has had enough (its `take` said false): callers stop feeding events.
    public private(set) var stopped = false
    /// Each slot's awards so far, to name the award a day or a period already went to.
    private var awards: [[Achievement]]
    /// The user's accepted events, for programs their employer does not run asked about after the fact
    /// (`explanation(today:program:)`); kept only while lines are kept.
    private var accepted: [ExplainedEvent] = []
    /// The rewards of the program given at init when the user's employer does not run it: each accepted event
    /// gets a line for each as it is taken. Named after `slots` (`ExplanationLine.slotIndex`).
    private let notOffered: [RewardSlot]
    private let notOfferedProgram: String?

    public struct UnknownUser: Error, Equatable { public let user: String }

    /// `intake` must be fresh; its engine's roster must hold `user`. `program`: a program the user's employer does
    /// not run is explained as such, event by event (see `explanation`). `streamingTo`: see the type's comment.
    public init(intake: Intake, user: String, program: String? = nil,
                streamingTo emit: ((ExplanationLine) -> Bool)? = nil) throws(UnknownUser) {
        guard let member = intake.engine.roster.member(user) else { throw UnknownUser(user: user) }
        self.member = member
        self.intake = intake
        self.emit = emit
        slots = intake.engine(for: user).slots(for: member)
        awards = Array(repeating: [], count: slots.count)
        if let program, !slots.contains(where: { $0.program.id == program }) {
            notOffered = Self.slots(ofProgram: program, in: intake.engine.catalog)
            notOfferedProgram = program
        } else {
            notOffered = []
            notOfferedProgram = nil
        }
    }

    /// One validated event of any user, in arrival order; `file` and `line` say where it came from. Returns the
    /// lines it added (none for another user's event): what the simulator announces as each event is logged.
    @discardableResult
    public func take(_ event: Event, file: String? = nil, line: Int? = nil) -> [ExplanationLine] {
        let before = lines.count
        guard event.user == member.id else {
            _ = intake.take(event)
            return []
        }
        let (disposition, findings) = intake.takeExplaining(event)
        let explained = explain(event, file: file, line: line)
        switch disposition {
        case .duplicate:
            lines.append(ExplanationLine(event: explained, slotIndex: nil, outcome: .duplicate))
        case .rejected(let why):
            lines.append(ExplanationLine(event: explained, slotIndex: nil, outcome: why.code == .conflict ? .conflict(why) : .rejected(why)))
        case .accepted:
            if emit == nil { accepted.append(explained) }
            for finding in findings { lines.append(word(finding, event: event, explained: explained)) }
            if let program = notOfferedProgram {
                for k in notOffered.indices {
                    lines.append(ExplanationLine(event: explained, slotIndex: slots.count + k,
                                                 outcome: .employerNotInProgram(employer: member.employer, program: program)))
                }
            }
        }
        return flush(from: before)
    }

    /// An exact re-send of an event of this user that a store kept apart (it stores each event once, and where
    /// each re-send arrived): the line `take` gives a duplicate, without asking the intake, which never saw it.
    public func duplicate(_ event: Event, file: String? = nil, line: Int? = nil) {
        let before = lines.count
        lines.append(ExplanationLine(event: explain(event, file: file, line: line), slotIndex: nil, outcome: .duplicate))
        _ = flush(from: before)
    }

    private func explain(_ event: Event, file: String?, line: Int?) -> ExplainedEvent {
        let day = intake.engine(for: member.id).localDate(of: event.at, for: member.id)
        return ExplainedEvent(id: event.id, type: event.type, category: event.category, at: event.at, localDay: day, file: file, line: line)
    }

    /// The lines added since `before`; when streaming, handed on and let go.
    private func flush(from before: Int) -> [ExplanationLine] {
        let added = Array(lines[before...])
        if let emit {
            lines.removeAll(keepingCapacity: true)
            for l in added where !stopped {
                if !emit(l) { stopped = true }
            }
        }
        return added
    }

    /// The user's employer's rewards, in catalog order.
    public var rewardSlots: [RewardSlot] { slots }

    /// The rewards `ExplanationLine.slotIndex` names: the employer's, then those of a program given at init that
    /// the employer does not run (`Explanation.slots`).
    public var namedSlots: [RewardSlot] { slots + notOffered }

    /// The engine holding the user's progress (standings, local days).
    public var engine: Engine { intake.engine(for: member.id) }

    /// A line of this user refused before it became an event (a bad timestamp...) or refused in an earlier run
    /// (the store keeps conflicts): it never reached the engine. `event` when the line was one.
    public func refused(_ why: Rejection, id: String? = nil, event: Event? = nil, file: String? = nil, line: Int? = nil) {
        let explained = ExplainedEvent(id: event?.id ?? id, type: event?.type, category: event?.category, at: event?.at,
                                       localDay: event.flatMap { intake.engine(for: member.id).localDate(of: $0.at, for: member.id) },
                                       file: file, line: line)
        let before = lines.count
        lines.append(ExplanationLine(event: explained, slotIndex: nil, outcome: why.code == .conflict ? .conflict(why) : .rejected(why)))
        _ = flush(from: before)
    }

    /// The explanation so far, with each reward's next step as of `today` (the user's local day). `program`:
    /// a program the user's employer does not run is explained as such, event by event.
    public func explanation(today: LocalDate, program: String? = nil) -> Explanation {
        let engine = intake.engine(for: member.id)
        let standings = engine.standings(of: member.id, today: today)
        let nextSteps = engine.nextSteps(of: member.id, today: today)
        var rewards: [RewardOutlook] = []
        for (i, s) in standings.enumerated() {
            let span = s.slot.span(for: member)
            let eligibilityFirst = member.eligibleUntil.map { $0 < s.slot.program.ends } ?? false
            let state: RewardOutlook.State = s.limitReached ? .limitReached
                : (span.map { today > $0.upperBound } ?? true) ? .closed : .open
            rewards.append(RewardOutlook(slot: s.slot, state: state, awards: s.awards, standing: s.progressText,
                                         next: state == .open ? nextSteps[i] : nil, deadline: span?.upperBound,
                                         deadlineReason: span == nil ? nil : eligibilityFirst ? "eligibility end" : "program end"))
        }
        var all = lines
        var named = slots
        if notOfferedProgram != nil {
            // Named at init: the lines are made event by event.
            for slot in notOffered {
                rewards.append(RewardOutlook(slot: slot, state: .notOffered, awards: 0, standing: "", next: nil, deadline: nil, deadlineReason: nil))
            }
            named += notOffered
        } else if let program, !slots.contains(where: { $0.program.id == program }) {
            for slot in Self.slots(ofProgram: program, in: engine.catalog) {
                rewards.append(RewardOutlook(slot: slot, state: .notOffered, awards: 0, standing: "", next: nil,
                                             deadline: nil, deadlineReason: nil))
                named.append(slot)
                for e in accepted {
                    all.append(ExplanationLine(event: e, slotIndex: named.count - 1,
                                               outcome: .employerNotInProgram(employer: member.employer, program: program)))
                }
            }
            // Keep arrival order: the lines of one event together.
            all = Self.inArrivalOrder(all, accepted: accepted)
        }
        return Explanation(member: member, today: today, lines: all, rewards: rewards, slots: named)
    }

    /// The rewards of every program with this id, in catalog order.
    static func slots(ofProgram program: String, in catalog: Catalog) -> [RewardSlot] {
        var out: [RewardSlot] = []
        for employer in catalog.employers {
            for p in employer.programs where p.id == program {
                for (i, reward) in p.rewards.enumerated() {
                    guard let incentive = catalog.incentive(reward.incentive) else { continue }
                    out.append(RewardSlot(employer: employer, program: p, reward: reward, rewardIndex: i, incentive: incentive))
                }
            }
        }
        return out
    }

    private static func inArrivalOrder(_ lines: [ExplanationLine], accepted: [ExplainedEvent]) -> [ExplanationLine] {
        var rank: [String: Int] = [:]
        for (i, e) in accepted.enumerated() { if let id = e.id { rank[id] = i } }
        return lines.enumerated().sorted { a, b in
            let ra = a.element.event.id.flatMap { rank[$0] }, rb = b.element.event.id.flatMap { rank[$0] }
            if let ra, let rb, ra != rb { return ra < rb }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// The engine's finding in the shared vocabulary, with what the catalog and the roster add.
    private func word(_ finding: SlotFinding, event: Event, explained: ExplainedEvent) -> ExplanationLine {
        let day = explained.localDay ?? LocalDate(dayNumber: 0)
        switch finding {
        case .stopped(let gate, let i):
            let slot = i.map { slots[$0] }
            let outcome: Outcome
            switch gate {
            case .noEmployer: outcome = .noEmployer
            case .notEligible: outcome = .notEligible(from: member.eligibleFrom, until: member.eligibleUntil)
            case .wrongType: outcome = .wrongType(type: event.type, counts: slot?.incentive.event ?? event.type)
            case .categoryNotCounted: outcome = .categoryNotCounted(category: event.category, counted: slot?.incentive.categories?.sorted() ?? [])
            case .beforeProgram:
                // A reward a catalog version added counts from its effective day, which may be after the program began.
                outcome = .beforeProgram(starts: slot.map { max($0.program.starts, $0.reward.countsFrom ?? $0.program.starts) } ?? day)
            case .afterProgram: outcome = .afterProgram(ends: slot?.program.ends ?? day)
            case .limitReached: outcome = .limitReached(limit: slot?.reward.limit ?? 0)
            }
            return ExplanationLine(event: explained, slotIndex: i, outcome: outcome)
        case .counted(let i, let status):
            return ExplanationLine(event: explained, slotIndex: i, outcome: .counted(standing: slots[i].incentive.rule.describe(status)))
        case .alreadyHad(let i, let regard, let status):
            let outcome: Outcome
            switch regard {
            case .used: outcome = .dayAlreadyUsed(by: awards[i].last { $0.evidenceDays.contains(day) })
            case .stretchEarned(let within): outcome = .periodAlreadyEarned(within: within, by: awards[i].last { $0.evidenceDays.contains(where: within.contains) })
            case .counted, .notCounted:
                outcome = .dayAlreadyCounted(standing: slots[i].incentive.rule.describe(status))
            }
            return ExplanationLine(event: explained, slotIndex: i, outcome: outcome)
        case .earned(let i, let achievement):
            awards[i].append(achievement)
            return ExplanationLine(event: explained, slotIndex: i, outcome: .earned(achievement))
        case .pointsAdded(let i, let points, let total, let next):
            return ExplanationLine(event: explained, slotIndex: i, outcome: .pointsAdded(points: points, total: total, next: next))
        case .tierReached(let i, let achievement):
            return ExplanationLine(event: explained, slotIndex: i, outcome: .tierReached(achievement))
        }
    }
}
