/// Decides exactly when a user has earned a reward.
///
/// Fed one accepted event at a time (after duplicate checks, see `Intake`), in arrival order; returns
/// what that event earned, with evidence. It does no I/O: the replay command, the store, the console's
/// simulator and backfills all drive this same API. Each event touches only its own user's progress for
/// the rewards it can affect, so the cost of an event does not grow with the user's history.
public final class Engine {
    public let catalog: Catalog
    public let roster: Roster
    /// Reward slots per employer, in catalog order.
    private let slotsByEmployer: [String: [RewardSlot]]
    private let zoneOfMember: [ZoneRules]
    private var members: [MemberProgress?]
    /// Users whose progress changed since the last `takeChangedMembers()`: what a store must save.
    private var changed: Set<Int> = []

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
        var slots: [String: [RewardSlot]] = [:]
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
            slots[employer.id] = list
        }
        slotsByEmployer = slots
        var zoneOfMember: [ZoneRules] = []
        zoneOfMember.reserveCapacity(roster.members.count)
        for m in roster.members {
            guard let z = zones.rules(for: m.timezone) else { throw .unknownZone(member: m.id, zone: m.timezone) }
            zoneOfMember.append(z)
        }
        self.zoneOfMember = zoneOfMember
        members = Array(repeating: nil, count: roster.members.count)
    }

    public func knows(user: String) -> Bool { roster.position(of: user) != nil }

    /// The user's local day for an instant.
    public func localDate(of instant: Instant, for user: String) -> LocalDate? {
        roster.position(of: user).map { zoneOfMember[$0].localDate(of: instant) }
    }

    public func zone(of user: String) -> ZoneRules? { roster.position(of: user).map { zoneOfMember[$0] } }

    public func slots(for member: Member) -> [RewardSlot] {
        member.employer.flatMap { slotsByEmployer[$0] } ?? []
    }

    /// Counts one accepted, new event. Returns the achievements it earned, in catalog order,
    /// or `.unknownUser` (and changes nothing) when the user is not on the roster.
    public func record(_ event: Event) -> Result<[Achievement], Rejection> {
        guard let pos = roster.position(of: event.user) else {
            return .failure(Rejection(.unknownUser, field: "user", "unknown user \(JSONText.quote(event.user))"))
        }
        let member = roster.members[pos]
        guard let employerID = member.employer, let slots = slotsByEmployer[employerID], !slots.isEmpty else {
            return .success([])
        }
        let day = zoneOfMember[pos].localDate(of: event.at)
        guard member.isEligible(on: day) else { return .success([]) }
        var earned: [Achievement] = []
        var state: MemberProgress?
        for (i, slot) in slots.enumerated() {
            guard slot.incentive.counts(event.type, category: event.category),
                  day >= slot.program.starts, day <= slot.program.ends else { continue }
            let progress = state ?? self.progress(of: pos, slots: slots)
            state = progress
            guard progress.awards[i] < slot.reward.limit else { continue }
            let rule = progress.progress[i] ?? slot.incentive.rule.makeProgress(span: slot.span(for: member))
            guard let evidence = rule.record(QualifyingEvent(id: event.id, day: day)) else {
                progress.progress[i] = rule
                continue
            }
            progress.awards[i] += 1
            // Once the limit is reached nothing more can be earned: drop the progress to bound memory.
            progress.progress[i] = progress.awards[i] < slot.reward.limit ? rule : nil
            earned.append(Achievement(
                user: member.id, employer: employerID, program: slot.program.id, incentive: slot.incentive.id,
                reward: slot.reward.reward, completedOn: evidence.map(\.day).max() ?? day, achievedAt: event.at,
                evidence: evidence.map(\.id), evidenceDays: evidence.map(\.day), ordinal: progress.awards[i]))
        }
        if state != nil { changed.insert(pos) }
        return .success(earned)
    }

    private func progress(of pos: Int, slots: [RewardSlot]) -> MemberProgress {
        if let p = members[pos] { return p }
        let member = roster.members[pos]
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
        defer { changed.removeAll(keepingCapacity: true) }
        return changed.sorted().map { roster.members[$0] }
    }

    /// A user's progress as bytes (nil when the engine holds none), for a store to keep.
    public func encodedProgress(of user: String) -> [UInt8]? {
        guard let pos = roster.position(of: user), let p = members[pos] else { return nil }
        let slots = self.slots(for: roster.members[pos])
        var w = ByteWriter()
        w.write(slots.count)
        for (i, slot) in slots.enumerated() {
            w.write(slot.key)
            w.write(p.awards[i])
            if let rule = p.progress[i] {
                w.write(1)
                rule.encode(into: &w)
            } else {
                w.write(0)
            }
        }
        return w.bytes
    }

    /// Replaces a user's progress with saved bytes. Slots the catalog no longer has are dropped;
    /// saved bytes that do not fit the catalog's rules throw and leave the progress as it was.
    public func restoreProgress(of user: String, from bytes: [UInt8]) throws {
        guard let pos = roster.position(of: user) else { return }
        let member = roster.members[pos]
        members[pos] = try decode(bytes, member: member, slots: slots(for: member))
    }

    /// Forgets every user's progress held in memory (the store reloads it on demand).
    public func forgetProgress() {
        for i in members.indices { members[i] = nil }
        changed.removeAll()
    }

    private func decode(_ bytes: [UInt8], member: Member, slots: [RewardSlot]) throws -> MemberProgress {
        var r = ByteReader(bytes)
        let p = MemberProgress(slots: slots.count)
        let index = Dictionary(slots.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
        let n = try r.readInt()
        for _ in 0..<n {
            let key = try r.readString()
            let awards = try r.readInt()
            let hasRule = try r.readInt() == 1
            let slotIndex = index[key]
            var rule: (any RuleProgress)?
            if hasRule {
                // Decode even for a vanished slot, to keep the reader aligned.
                let ruleOwner = slotIndex.map { slots[$0] }
                guard let owner = ruleOwner else { throw ByteReader.Failure.mismatch("saved progress for a reward the catalog no longer has: \(key)") }
                rule = try owner.incentive.rule.decodeProgress(span: owner.span(for: member), from: &r)
            }
            if let i = slotIndex {
                p.awards[i] = awards
                p.progress[i] = rule
            }
        }
        return p
    }

    // MARK: - Looking at progress

    /// The user's standing on every reward of their employer's programs, in catalog order.
    public func standings(of user: String, today: LocalDate? = nil) -> [RewardStanding] {
        guard let pos = roster.position(of: user) else { return [] }
        let member = roster.members[pos]
        let slots = self.slots(for: member)
        guard !slots.isEmpty else { return [] }
        let p = progress(of: pos, slots: slots)
        return slots.enumerated().map { i, slot in
            let rule = p.progress[i]
            return RewardStanding(slot: slot, awards: p.awards[i], status: rule?.status(today: today),
                                  countedDays: rule?.countedDays ?? [], usedDays: rule?.usedDays ?? [])
        }
    }
}
