import CMemoryHints

/// Decides exactly when a user has earned a reward.
///
/// Fed one accepted event at a time (after duplicate checks, see `Intake`), in arrival order; returns
/// what that event earned, with evidence. It does no I/O: the replay command, the store, the console's
/// simulator and backfills all drive this same API. Each event touches only its own user's progress for
/// the rewards it can affect, so the cost of an event does not grow with the user's history.
public final class Engine {
    public let catalog: Catalog
    public let roster: Roster
    /// Reward slots per employer, in catalog order, and the compact checks that run on every event.
    private let slotsByEmployer: [[RewardSlot]]
    /// Every employer's gates in one flat array: employer e owns `gates[gateStart[e] ..< gateStart[e + 1]]`.
    private let gates: ContiguousArray<SlotGate>
    private let gateStart: ContiguousArray<Int>
    private let employerOfMember: ContiguousArray<Int32>
    /// Eligibility as day numbers, parallel to `roster.members` (until: Int32.max when open-ended).
    private let eligibleFrom: ContiguousArray<Int32>
    private let eligibleUntil: ContiguousArray<Int32>
    private let zoneOfMember: [ZoneRules]
    private var categories: CategoryCodes
    private var members: [MemberProgress?]
    /// Users whose progress changed since the last `takeChangedMembers()`: what a store must save.
    private var changedFlags: [Bool]
    private var changed: [Int] = []
    /// Each employer's slot keys in saved progress (`savedKeys`), made on first use.
    private var savedKeysByEmployer: [Int: [String]] = [:]

    /// Called the first time a user is touched, to restore saved progress (the store sets this).
    public var loadProgress: ((Member) -> [UInt8]?)?

    public enum SetupError: Error, Equatable, CustomStringConvertible {
        case unknownZone(member: String, zone: String)
        case unknownIncentive(program: String, incentive: String)

        public var description: String {
            switch self {
            case .unknownZone(let m, let z): return "user \(m): unknown time zone \"\(z)\""
            case .unknownIncentive(let p, let i): return "program \(p): unknown incentive \"\(i)\""
            }
        }
    }

    public init(catalog: Catalog, roster: Roster, zones: ZoneDirectory = ZoneDirectory()) throws(SetupError) {
        self.catalog = catalog
        self.roster = roster
        let categories = CategoryCodes(catalog.incentives.compactMap(\.categories))
        self.categories = categories
        var slots: [[RewardSlot]] = []
        var gates = ContiguousArray<SlotGate>()
        var gateStart = ContiguousArray<Int>()
        var employerIndex: [String: Int32] = [:]
        for employer in catalog.employers {
            var list: [RewardSlot] = []
            for program in employer.programs {
                for (i, reward) in program.rewards.enumerated() {
                    guard let incentive = catalog.incentive(reward.incentive) else {
                        throw .unknownIncentive(program: program.id, incentive: reward.incentive)
                    }
                    list.append(RewardSlot(employer: employer, program: program, reward: reward, rewardIndex: i, incentive: incentive))
                }
            }
            employerIndex[employer.id] = Int32(slots.count)
            gateStart.append(gates.count)
            gates.append(contentsOf: list.map { SlotGate($0, categories: categories) })
            slots.append(list)
        }
        gateStart.append(gates.count)
        slotsByEmployer = slots
        self.gates = gates
        self.gateStart = gateStart
        employerOfMember = ContiguousArray(roster.members.map { m in m.employer.flatMap { employerIndex[$0] } ?? -1 })
        eligibleFrom = ContiguousArray(roster.members.map(\.eligibleFrom.dayNumber))
        eligibleUntil = ContiguousArray(roster.members.map { $0.eligibleUntil?.dayNumber ?? Int32.max })
        var zoneOfMember: [ZoneRules] = []
        zoneOfMember.reserveCapacity(roster.members.count)
        for m in roster.members {
            guard let z = zones.rules(for: m.timezone) else { throw .unknownZone(member: m.id, zone: m.timezone) }
            zoneOfMember.append(z)
        }
        self.zoneOfMember = zoneOfMember
        members = Array(repeating: nil, count: roster.members.count)
        changedFlags = Array(repeating: false, count: roster.members.count)
    }

    public func knows(user: String) -> Bool { roster.position(of: user) != nil }

    /// The user's local day for an instant.
    public func localDate(of instant: Instant, for user: String) -> LocalDate? {
        roster.position(of: user).map { zoneOfMember[$0].localDate(of: instant) }
    }

    public func zone(of user: String) -> ZoneRules? { roster.position(of: user).map { zoneOfMember[$0] } }

    public func slots(for member: Member) -> [RewardSlot] {
        guard let pos = roster.position(of: member.id) else { return [] }
        let e = employerOfMember[pos]
        return e >= 0 ? slotsByEmployer[Int(e)] : []
    }

    /// Counts one accepted, new event. Returns the achievements it earned, in catalog order,
    /// or `.unknownUser` (and changes nothing) when the user is not on the roster.
    public func record(_ event: Event) -> Result<[Achievement], Rejection> {
        guard let pos = roster.position(of: event.user) else {
            return .failure(.unknownUser(event.user))
        }
        return .success(record(event, member: pos))
    }

    /// Prefetching a user's state ahead of `record`, in three stages a few events apart, each needing the
    /// previous one's memory in cache: 1. the progress object, 2. its lists, 3. its rules' progress.
    /// References are read as plain words, without retaining (a retain would wait on the memory itself).
    /// A hint only: it reads but never changes state.
    @inline(__always)
    func prefetch(member pos: Int, stage: Int) {
        members.withUnsafeBufferPointer { b in
            let word = UnsafeRawPointer(b.baseAddress!).load(fromByteOffset: pos * MemoryLayout<MemberProgress?>.stride, as: UInt.self)
            guard word != 0, let object = UnsafeRawPointer(bitPattern: word) else { return }
            switch stage {
            case 1: incentives_prefetch_for_write(object)
            case 2: Unmanaged<MemberProgress>.fromOpaque(object)._withUnsafeGuaranteedRef { $0.prefetchLists() }
            default: Unmanaged<MemberProgress>.fromOpaque(object)._withUnsafeGuaranteedRef { $0.prefetchRules() }
            }
        }
    }

    /// The same, for an event whose user was already found on the roster at `pos` (`Admission.judge` gives
    /// it), so the hot path looks each user up once.
    public func record(_ event: Event, member pos: Int) -> [Achievement] {
        var silent = SilentObserver()
        return evaluate(event, member: pos, observer: &silent)
    }

    /// The same as `record(_:member:)`, through the same gates in the same order, and also why each reward
    /// of the user's employer took the event or not: one finding per reward, in catalog order, or a single
    /// finding without a slot when the event stopped before any reward (no employer, not eligible).
    public func recordExplaining(_ event: Event, member pos: Int) -> (earned: [Achievement], findings: [SlotFinding]) {
        var collector = FindingCollector()
        let earned = evaluate(event, member: pos, observer: &collector)
        return (earned, collector.findings)
    }

    /// The one evaluation both `record` and `recordExplaining` run. The observer only watches: with
    /// `SilentObserver` its calls compile away, so the hot path pays nothing for explanations.
    @inline(__always)
    private func evaluate<Observer: EvaluationObserver>(_ event: Event, member pos: Int, observer: inout Observer) -> [Achievement] {
        assert(roster.members[pos].id == event.user, "the member position must be the event's user's")
        let employer = Int(employerOfMember[pos])
        guard employer >= 0 else {
            observer.stopped(.noEmployer, slot: nil)
            return []
        }
        let day = zoneOfMember[pos].localDate(of: event.at)
        guard day.dayNumber >= eligibleFrom[pos], day.dayNumber <= eligibleUntil[pos] else {
            observer.stopped(.notEligible, slot: nil)
            return []
        }
        let category = categories.code(of: event.category)
        let categoryBit = categories.bit(of: category)
        var earned: [Achievement] = []
        var state: MemberProgress?
        let first = gateStart[employer]
        for g in first..<gateStart[employer + 1] {
            let i = g - first
            let verdict = gates[g].verdict(event.type, categoryBit: categoryBit, day: day.dayNumber)
            guard verdict == .admitted else {
                observer.stopped(GateStop(verdict), slot: i)
                continue
            }
            // Category sets too large for the bitmask fall back to the set itself.
            if gates[g].needsSetCheck {
                guard slotsByEmployer[employer][i].incentive.counts(event.type, category: event.category) else {
                    observer.stopped(.categoryNotCounted, slot: i)
                    continue
                }
            }
            let progress: MemberProgress
            if let state { progress = state } else {
                progress = self.progress(of: pos, employer: employer)
                progress.noteFirst(day: day.dayNumber, type: event.type, category: category, id: event.id)
                state = progress
            }
            let limit = gates[g].limit
            guard progress.slots[i].awards < limit else {
                observer.stopped(.limitReached, slot: i)
                continue
            }
            let rule: any RuleProgress
            if let existing = progress.slots[i].rule {
                rule = existing
            } else {
                let slot = slotsByEmployer[employer][i]
                rule = slot.incentive.rule.makeProgress(span: slot.span(for: roster.members[pos]))
                progress.slots[i].rule = rule
            }
            observer.willRecord(day, in: rule, slot: i)
            guard let evidence = rule.record(QualifyingEvent(id: event.id, day: day)) else {
                observer.recorded(day, in: rule, slot: i)
                continue
            }
            progress.slots[i].awards += 1
            // Once the limit is reached nothing more can be earned: drop the progress to bound memory.
            if progress.slots[i].awards >= limit { progress.slots[i].rule = nil }
            let achievement = achievement(slot: slotsByEmployer[employer][i], gate: gates[g], user: event.user, at: event.at,
                                          evidence: evidence, ordinal: progress.slots[i].awards, progress: progress)
            observer.earned(achievement, slot: i)
            earned.append(achievement)
            if gates[g].points > 0 {
                reachTiers(after: achievement, earnedBy: event.id, points: gates[g].points, slot: slotsByEmployer[employer][i],
                           slotIndex: i, day: day, progress: progress, into: &earned, observer: &observer)
            }
        }
        if state != nil, !changedFlags[pos] {
            changedFlags[pos] = true
            changed.append(pos)
        }
        return earned
    }

    /// Adds an award's points to the user's total in its program and records every tier that total now reaches
    /// for the first time, in the ladder's order, right after the award (CONTRACT §3 "Tiers").
    private func reachTiers<Observer: EvaluationObserver>(after award: Achievement, earnedBy event: String, points: Int, slot: RewardSlot,
                                                          slotIndex: Int, day: LocalDate, progress: MemberProgress,
                                                          into earned: inout [Achievement], observer: inout Observer) {
        let program = slot.program
        var ledger = progress.ledgers[program.id] ?? PointsLedger()
        ledger.add(points, earnedBy: event, on: day)
        let reached = ledger.reach(program.tiers)
        observer.addedPoints(points, total: ledger.total, next: ledger.nextTier(of: program.tiers), slot: slotIndex)
        for tier in reached {
            let (events, days) = ledger.evidence(reaching: tier.points)
            let achievement = Achievement(user: award.user, employer: award.employer, program: program.id, incentive: "",
                                          reward: tier.reward, completedOn: award.completedOn, achievedAt: award.achievedAt,
                                          evidence: events, evidenceDays: days, ordinal: 1, tier: tier.id)
            observer.reachedTier(achievement, slot: slotIndex)
            earned.append(achievement)
        }
        progress.ledgers[program.id] = ledger
    }

    /// Names the evidence: a day stands for its first arriving event that this slot counts.
    private func achievement(slot: RewardSlot, gate: SlotGate, user: String, at: Instant, evidence: Evidence,
                             ordinal: Int, progress: MemberProgress) -> Achievement {
        var ids: [String] = []
        var days: [LocalDate] = []
        for item in evidence {
            switch item {
            case .event(let e):
                ids.append(e.id)
                days.append(e.day)
            case .firstEventOn(let day):
                let id = progress.firstEvent(on: day.dayNumber) { type, code in
                    gate.needsSetCheck ? slot.incentive.counts(type, category: categories.name(of: code))
                        : type == gate.eventType && gate.categoryMask & categories.bit(of: code) != 0
                }
                    // Progress saved under an earlier catalog can count a day for a category this slot no longer
                    // counts (the incentive's categories were narrowed): the day stays counted, and its evidence is
                    // that day's first event. Restoring checks that every counted day has one.
                    ?? progress.firstEvent(on: day.dayNumber) { _, _ in true }
                precondition(id != nil, "every counted day has a first event")
                ids.append(id ?? "")
                days.append(day)
            }
        }
        return Achievement(user: user, employer: slot.employer.id, program: slot.program.id, incentive: slot.incentive.id,
                           reward: slot.reward.reward, completedOn: days.max() ?? LocalDate(dayNumber: 0), achievedAt: at,
                           evidence: ids, evidenceDays: days, ordinal: ordinal, generation: slot.reward.generation)
    }

    private func progress(of pos: Int, employer: Int) -> MemberProgress {
        if let p = members[pos] { return p }
        let member = roster.members[pos]
        let slots = slotsByEmployer[employer]
        var p = MemberProgress(slots: slots.count)
        if let bytes = loadProgress?(member), let restored = try? decode(bytes, member: member, slots: slots) {
            p = restored
        }
        members[pos] = p
        return p
    }

    // MARK: - Saving and restoring progress

    /// The users whose progress changed since the last call, and forgets them.
    public func takeChangedMembers() -> [Member] {
        defer {
            for pos in changed { changedFlags[pos] = false }
            changed.removeAll(keepingCapacity: true)
        }
        return changed.sorted().map { roster.members[$0] }
    }

    /// A user's progress as bytes (nil when the engine holds none), for a store to keep (`ProgressCodec`).
    public func encodedProgress(of user: String) -> [UInt8]? {
        guard let pos = roster.position(of: user), let p = members[pos] else { return nil }
        let slots = self.slots(for: roster.members[pos])
        return ProgressCodec.encode(p, keys: savedKeys(ofEmployer: Int(employerOfMember[pos]), slots), categories: categories)
    }

    /// `savedKeys` for an employer's slots, made once per engine (saving progress asks for them per user).
    private func savedKeys(ofEmployer employer: Int, _ slots: [RewardSlot]) -> [String] {
        guard employer >= 0 else { return Self.savedKeys(slots) }
        if let keys = savedKeysByEmployer[employer] { return keys }
        let keys = Self.savedKeys(slots)
        savedKeysByEmployer[employer] = keys
        return keys
    }

    /// Each slot's key in saved progress: its definition key, with `#2`, `#3`... for a second and third slot that
    /// means the same (an employer offering the same reward for the same incentive twice in one program).
    static func savedKeys(_ slots: [RewardSlot]) -> [String] {
        var seen: [String: Int] = [:]
        return slots.map { slot in
            let n = seen[slot.definitionKey, default: 0] + 1
            seen[slot.definitionKey] = n
            return n == 1 ? slot.definitionKey : slot.definitionKey + "#\(n)"
        }
    }

    /// Replaces a user's progress with saved bytes. Saved bytes that do not fit the catalog's rules
    /// throw and leave the progress as it was.
    public func restoreProgress(of user: String, from bytes: [UInt8]) throws {
        guard let pos = roster.position(of: user) else { return }
        let member = roster.members[pos]
        members[pos] = try decode(bytes, member: member, slots: slots(for: member))
    }

    /// Takes over `other`'s progress for the rewards named by `keys` (`RewardSlot.definitionKey`), and the day log
    /// entries that name its evidence: how a backfill hands the history of a reward added by a catalog version
    /// to the engine that goes on with every reward. `other` must run the same catalog's rewards for `keys` and
    /// must not be used afterwards (the rule progress objects move, they are not copied). Returns whether the user
    /// had any such progress.
    @discardableResult
    public func adoptProgress(of user: String, from other: Engine, keys: Set<String>) -> Bool {
        guard let pos = roster.position(of: user), let otherPos = other.roster.position(of: user),
              let theirs = other.members[otherPos] else { return false }
        let member = roster.members[pos]
        let employer = Int(employerOfMember[pos])
        guard employer >= 0 else { return false }
        let mine = progress(of: pos, employer: employer)
        let mySlots = slots(for: member), theirSlots = other.slots(for: other.roster.members[otherPos])
        let theirIndex = Dictionary(theirSlots.enumerated().map { ($1.definitionKey, $0) }, uniquingKeysWith: { a, _ in a })
        var adopted = false
        for (i, slot) in mySlots.enumerated() where keys.contains(slot.definitionKey) {
            guard let j = theirIndex[slot.definitionKey] else { continue }
            mine.slots[i] = theirs.slots[j]
            adopted = true
        }
        guard adopted else { return false }
        for entry in theirs.dayLog {
            let code = entry.category >= 0 ? categories.code(of: other.categories.name(of: entry.category) ?? "") : -1
            mine.noteFirst(day: entry.day, type: entry.type, category: code, id: entry.id)
        }
        if !changedFlags[pos] {
            changedFlags[pos] = true
            changed.append(pos)
        }
        return true
    }

    /// Forgets every user's progress held in memory (the store reloads it on demand).
    public func forgetProgress() {
        for i in members.indices { members[i] = nil }
        for pos in changed { changedFlags[pos] = false }
        changed.removeAll()
    }

    private func decode(_ bytes: [UInt8], member: Member, slots: [RewardSlot]) throws -> MemberProgress {
        let employer = roster.position(of: member.id).map { Int(employerOfMember[$0]) } ?? -1
        return try ProgressCodec.decode(bytes, member: member, slots: slots, keys: savedKeys(ofEmployer: employer, slots),
                                        categories: &categories)
    }

    // MARK: - Looking at progress

    /// What would earn each reward of the user's employer next, in the rule's words, as of `today`
    /// (catalog order); nil for a reward the user cannot earn on any day (program and eligibility apart).
    public func nextSteps(of user: String, today: LocalDate) -> [String?] {
        guard let pos = roster.position(of: user) else { return [] }
        let employer = Int(employerOfMember[pos])
        guard employer >= 0 else { return [] }
        let p = progress(of: pos, employer: employer)
        return slotsByEmployer[employer].enumerated().map { i, slot in
            slot.span(for: roster.members[pos]).map { slot.incentive.rule.nextStep(p.slots[i].rule, today: today, span: $0) }
        }
    }

    /// The user's points in each program of their employer whose rewards carry points or that has tiers, in
    /// catalog order (empty for a user whose employer runs none).
    public func pointsStandings(of user: String) -> [PointsStanding] {
        guard let pos = roster.position(of: user) else { return [] }
        let employer = Int(employerOfMember[pos])
        guard employer >= 0 else { return [] }
        let p = progress(of: pos, employer: employer)
        return catalog.employers[employer].programs.filter { $0.hasPoints || !$0.tiers.isEmpty }.map { program in
            let ledger = p.ledgers[program.id] ?? PointsLedger()
            return PointsStanding(program: program, total: ledger.total,
                                  reached: program.tiers.filter { ledger.reached.contains($0.id) },
                                  next: ledger.nextTier(of: program.tiers))
        }
    }

    /// The user's standing on every reward of their employer's programs, in catalog order.
    public func standings(of user: String, today: LocalDate? = nil) -> [RewardStanding] {
        guard let pos = roster.position(of: user) else { return [] }
        let employer = Int(employerOfMember[pos])
        guard employer >= 0 else { return [] }
        let slots = slotsByEmployer[employer]
        let p = progress(of: pos, employer: employer)
        return slots.enumerated().map { i, slot in
            let rule = p.slots[i].rule
            let status = rule?.status(today: today)
            return RewardStanding(slot: slot, awards: p.slots[i].awards, status: status,
                                  outlook: status ?? slot.incentive.rule.freshStatus(today: today),
                                  countedDays: rule?.countedDays ?? [], usedDays: rule?.usedDays ?? [])
        }
    }
}
