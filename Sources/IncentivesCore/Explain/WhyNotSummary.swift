/// Why a user has not (or not again) earned one reward, in a few facts support staff can read out: the longest
/// run of days that counted together, the exact days that broke the past runs, the days that fell outside the
/// program or the user's eligibility, and the events that arrived late. Computed from an `Explanation`'s outcomes
/// alone (a pure function: the CLI, the console and tests get the same answer from the same lines).
///
/// Words used:
/// - a *counted day* is a local day with an event the rule took for this reward (counted, earned, already counted,
///   already evidence, its period already earned, or the limit already reached): the day qualified;
/// - a *run* is a stretch of counted days with no gap longer than the rule allows (`DayGrouping.runs`: none for
///   a streak, `window - days` for N of any W days), so that one award can only come from within one run;
/// - a run *broke* on the first day whose miss made the gap too long (the day after the run for a streak). A run
///   whose break day is still to come (today or later, as of the explanation's today) or falls after the last
///   day that counts is not broken;
/// - an event is *late* when it arrived after an event of the same user on a later local day (a log for last
///   Tuesday sent on Friday): it counts like any other (CONTRACT §3), and it is marked so people see why a run
///   changed after the fact.
public struct WhyNotSummary: Sendable, Equatable {
    public struct Run: Sendable, Equatable {
        public let first: LocalDate
        public let last: LocalDate
        /// Counted days in the run (fewer than its length when the rule allows gaps).
        public let days: Int
        /// Awards of this reward whose evidence ends within the run.
        public let earned: Int
        /// The day whose miss ended the run; nil when the run is not broken (it may go on, or the days that count ended).
        public let brokenOn: LocalDate?
    }

    /// A calendar period (`DayGrouping.periods`) with counted days in it.
    public struct Period: Sendable, Equatable {
        public let days: ClosedRange<LocalDate>
        public let counted: Int
        public let needed: Int
        public let earned: Bool
        /// The period is over (as of today, or past the last day that counts) without its award.
        public let missed: Bool
    }

    /// A local day with events of this reward's type that could not count: before or after the program, or
    /// outside the user's eligibility.
    public struct OutsideDay: Sendable, Equatable {
        public enum Reason: String, Sendable { case beforeProgram = "before-program", afterProgram = "after-program", notEligible = "not-eligible" }
        public let day: LocalDate
        public let reason: Reason
        public let events: Int
    }

    public struct LateEvent: Sendable, Equatable {
        public let id: String
        public let day: LocalDate
        /// The latest local day among the user's events that arrived before it.
        public let after: LocalDate
        /// What it did for this reward (an outcome code: `counted`, `earned`, ...).
        public let outcome: String
    }

    public let slot: RewardSlot
    public let today: LocalDate
    public let state: RewardOutlook.State?
    public let awards: Int
    public let countedDays: Int
    public let runs: [Run]
    public let periods: [Period]
    public let outside: [OutsideDay]
    public let late: [LateEvent]
    /// The day the last award the limit allows was completed: runs after it could earn nothing more.
    public let limitReachedOn: LocalDate?

    public var longestRun: Run? {
        runs.max { a, b in a.days != b.days ? a.days < b.days : a.first > b.first }
    }

    /// The days that broke past runs, oldest first.
    public var breaks: [LocalDate] { runs.compactMap(\.brokenOn) }

    public static func == (a: WhyNotSummary, b: WhyNotSummary) -> Bool {
        a.slot.program.id == b.slot.program.id && a.slot.rewardIndex == b.slot.rewardIndex && a.today == b.today && a.state == b.state
            && a.awards == b.awards && a.countedDays == b.countedDays && a.runs == b.runs && a.periods == b.periods
            && a.outside == b.outside && a.late == b.late && a.limitReachedOn == b.limitReachedOn
    }

    /// One summary per reward of the explanation (its `rewards`, in order).
    public static func all(_ e: Explanation) -> [WhyNotSummary] {
        e.rewards.compactMap { outlook in
            e.slots.firstIndex { $0.program.id == outlook.slot.program.id && $0.rewardIndex == outlook.slot.rewardIndex }
                .map { WhyNotSummary(e, slotIndex: $0) }
        }
    }

    /// The summary of the reward `e.slots[slotIndex]`.
    public init(_ e: Explanation, slotIndex: Int) {
        let slot = e.slots[slotIndex]
        self.slot = slot
        today = e.today
        let outlook = e.rewards.first { $0.slot.program.id == slot.program.id && $0.slot.rewardIndex == slot.rewardIndex }
        state = outlook?.state
        awards = outlook?.awards ?? 0
        let span = slot.span(for: e.member)

        var counted = Set<LocalDate>()
        var earnedOn: [LocalDate] = []
        var outsideCount: [LocalDate: (OutsideDay.Reason, Int)] = [:]
        var late: [LateEvent] = []
        var latestSeen: LocalDate?
        var previousKey: EventKey?
        var lateCandidate: (id: String, day: LocalDate, after: LocalDate)?
        for line in e.lines {
            let key = EventKey(line.event)
            if key != previousKey {
                // A new arrival: its lines follow one another (one per reward).
                previousKey = key
                lateCandidate = nil
                if let day = line.event.localDay, Self.arrived(line.outcome) {
                    if let seen = latestSeen, day < seen { lateCandidate = (line.event.id ?? "-", day, seen) }
                    latestSeen = max(latestSeen ?? day, day)
                }
            }
            let mine = line.slotIndex == slotIndex
            guard mine || line.slotIndex == nil, let day = line.event.localDay else { continue }
            if let c = lateCandidate, (mine && Self.qualified(line.outcome)) || Self.concernsEvery(line.outcome) {
                late.append(LateEvent(id: c.id, day: c.day, after: c.after, outcome: line.outcome.code))
                lateCandidate = nil
            }
            switch line.outcome {
            case .counted, .dayAlreadyCounted, .dayAlreadyUsed, .periodAlreadyEarned, .limitReached:
                if mine { counted.insert(day) }
            case .earned(let a):
                if mine { counted.insert(day); earnedOn.append(a.completedOn) }
            case .beforeProgram where mine: Self.note(&outsideCount, day, .beforeProgram)
            case .afterProgram where mine: Self.note(&outsideCount, day, .afterProgram)
            case .notEligible:
                // Said once for every reward: kept when the event is of the kind this reward counts.
                if let type = line.event.type, slot.incentive.counts(type, category: line.event.category) {
                    Self.note(&outsideCount, day, .notEligible)
                }
            default: break
            }
        }
        self.late = late
        let limit = slot.reward.limit
        limitReachedOn = earnedOn.count >= limit && limit > 0 ? earnedOn[limit - 1] : nil
        countedDays = counted.count
        outside = outsideCount.map { OutsideDay(day: $0.key, reason: $0.value.0, events: $0.value.1) }.sorted { $0.day < $1.day }

        let days = counted.sorted()
        switch slot.incentive.rule.dayGrouping {
        case .none:
            runs = []
            periods = []
        case .runs(_, let gap):
            var runs: [Run] = []
            var start = 0
            for i in days.indices {
                let endsHere = i == days.count - 1 || days[i + 1].days(since: days[i]) - 1 > gap
                guard endsHere else { continue }
                let first = days[start], last = days[i]
                // The gap becomes too long once `gap + 1` days in a row are missed after the run's last day.
                let breakDay = last.adding(days: gap + 1)
                let broken = i < days.count - 1 || (breakDay < e.today && (span.map { breakDay <= $0.upperBound } ?? false))
                runs.append(Run(first: first, last: last, days: i - start + 1,
                                earned: earnedOn.count { $0 >= first && $0 <= last }, brokenOn: broken ? breakDay : nil))
                start = i + 1
            }
            self.runs = runs
            periods = []
        case .periods(let period, let needed):
            runs = []
            var byPeriod: [LocalDate: Int] = [:]
            for d in days { byPeriod[period.days(holding: d).lowerBound, default: 0] += 1 }
            periods = byPeriod.keys.sorted().map { start in
                let range = period.days(holding: start)
                let earned = earnedOn.contains { range.contains($0) }
                let over = range.upperBound < e.today || (span.map { range.upperBound >= $0.upperBound && $0.upperBound < e.today } ?? false)
                return Period(days: range, counted: byPeriod[start] ?? 0, needed: needed, earned: earned, missed: over && !earned)
            }
        }
    }

    /// Whether the outcome is about an event that reached the engine (a duplicate or a refused line did not, and
    /// does not make later ones late).
    private static func arrived(_ o: Outcome) -> Bool {
        switch o {
        case .duplicate, .conflict, .rejected: return false
        default: return true
        }
    }

    /// Whether the event was of the kind the reward counts (a birth is no late log).
    private static func qualified(_ o: Outcome) -> Bool {
        switch o {
        case .wrongType, .categoryNotCounted, .pointsAdded, .tierReached: return false
        default: return true
        }
    }

    /// The outcomes said once for every reward (no reward line follows).
    private static func concernsEvery(_ o: Outcome) -> Bool {
        switch o {
        case .notEligible, .noEmployer: return true
        default: return false
        }
    }

    private static func note(_ d: inout [LocalDate: (OutsideDay.Reason, Int)], _ day: LocalDate, _ reason: OutsideDay.Reason) {
        d[day] = (reason, (d[day]?.1 ?? 0) + 1)
    }

    /// What tells one arrival's lines from the next: the same event id may arrive twice (a duplicate), on
    /// another line.
    private struct EventKey: Equatable {
        let id: String?, file: String?, line: Int?, at: Instant?
        init(_ e: ExplainedEvent) { id = e.id; file = e.file; line = e.line; at = e.at }
    }
}

extension WhyNotSummary {
    /// The summary for people, a fact a line: what the CLI's `why --summary` table and the console's Why pane show.
    public var sentences: [String] {
        var out: [String] = []
        let name = Outcome.dayName
        switch slot.incentive.rule.dayGrouping {
        case .none:
            out.append(countedDays == 0 ? "no event counted for it yet" : "\(countedDays) day\(countedDays == 1 ? "" : "s") with an event that counted")
        case .runs(let needed, _):
            func days(_ n: Int) -> String { "\(n) day\(n == 1 ? "" : "s")" }
            if let best = longestRun {
                let span = best.first == best.last ? name(best.first) : "\(name(best.first)) to \(name(best.last))"
                out.append("longest run: \(days(best.days)) (\(span))" + (best.earned > 0 ? ", earned \(best.earned)" : "")
                           + "; \(days(needed)) earn it; \(days(countedDays)) counted in all")
            } else {
                out.append("no day counted yet (\(days(needed)) earn it)")
            }
            // The latest first: what support is asked about is usually the last run that broke.
            for r in runs.reversed() {
                guard let broke = r.brokenOn else { continue }
                let what = r.earned > 0 ? "earned \(r.earned)"
                    : limitReachedOn.map { r.first > $0 } == true ? "after the limit was reached"
                    : needed > r.days ? "\(needed - r.days) short" : "no award"
                out.append("broke on \(name(broke)): no log that day ended a run of \(days(r.days)) (\(DayFormat.short(r.first)) to \(DayFormat.short(r.last)), \(what))")
            }
        case .periods:
            if periods.isEmpty { out.append("no day counted yet") }
            for p in periods {
                let label = "\(DayFormat.short(p.days.lowerBound)) to \(name(p.days.upperBound))"
                let state = p.earned ? "earned" : p.missed ? "ended short" : "in progress"
                out.append("\(label): \(p.counted) of \(p.needed) days, \(state)")
            }
        }
        for o in outside {
            let why: String
            switch o.reason {
            case .beforeProgram: why = "before the program"
            case .afterProgram: why = "after the program"
            case .notEligible: why = "outside the user's eligibility"
            }
            out.append("\(name(o.day)): \(why) (\(o.events) event\(o.events == 1 ? "" : "s") did not count)")
        }
        for l in late {
            out.append("late: \(l.id) for \(name(l.day)) arrived after an event of \(name(l.after)): \(l.outcome)")
        }
        return out
    }
}
