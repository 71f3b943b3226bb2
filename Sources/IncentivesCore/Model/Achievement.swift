/// A reward earned, recorded once, with the events that prove it.
public struct Achievement: Sendable, Hashable {
    public let user: String
    public let employer: String
    public let program: String
    /// The incentive that earned it; empty for a tier (`tier`).
    public let incentive: String
    /// For a tier of the program's points ladder (CONTRACT §3 "Tiers"): the tier's id; nil for an award of a
    /// reward. A tier achievement has no incentive: the points of several awards reached it.
    public let tier: String?
    public let reward: String
    /// The latest evidence day, in the user's zone.
    public let completedOn: LocalDate
    /// When the event that earned it happened.
    public let achievedAt: Instant
    /// The evidence event ids, by day.
    public let evidence: [String]
    /// The evidence days, parallel to `evidence`.
    public let evidenceDays: [LocalDate]
    /// Which award of this reward this is for the user: 1 for the first, up to the reward's limit.
    public let ordinal: Int
    /// The catalog version that defined the reward as it was earned (`Reward.generation`): 1 unless a later
    /// version changed what its incentive asks, after which the same names name a new reward with awards of
    /// its own (their ids differ from the old reward's).
    public let generation: Int

    public init(user: String, employer: String, program: String, incentive: String, reward: String,
                completedOn: LocalDate, achievedAt: Instant, evidence: [String], evidenceDays: [LocalDate], ordinal: Int,
                generation: Int = 1, tier: String? = nil) {
        self.generation = generation
        self.tier = tier
        self.user = user
        self.employer = employer
        self.program = program
        self.incentive = incentive
        self.reward = reward
        self.completedOn = completedOn
        self.achievedAt = achievedAt
        self.evidence = evidence
        self.evidenceDays = evidenceDays
        self.ordinal = ordinal
    }

    /// A stable id: the same achievement always gets the same id, on any machine and after any replay,
    /// so partners and the store can de-duplicate on it. It names the user, the reward and which award
    /// of it this is — not the evidence, which is what the award is, not which one.
    public var id: String {
        var h = FNV1a()
        h.add(user); h.add(employer); h.add(program); h.add(incentive); h.add(reward); h.add(UInt64(ordinal))
        // Generation 1 adds nothing: every id earned before catalog versions existed stays as it was.
        if generation > 1 { h.add(UInt64(generation)) }
        // A tier's incentive is empty, which no reward's is: adding its id keeps it apart from every award.
        if let tier { h.add("\u{1f}tier"); h.add(tier) }
        let hex = String(h.value, radix: 16)
        return "ach-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    public var isTier: Bool { tier != nil }

    /// What earned it, for people: the incentive's id, or "tier silver" for a tier.
    public var source: String { tier.map { "tier " + $0 } ?? incentive }

    /// The contract's JSON line (CONTRACT §5), keys in this order.
    public var jsonLine: String {
        var bytes: [UInt8] = []
        writeJSON(into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The same line appended as UTF-8 to `out`, without a newline: what `replay` writes, a few hundred
    /// bytes and no intermediate strings per achievement.
    public func writeJSON(into out: inout [UInt8]) {
        var w = JSONBytes(out)
        w.raw("{\"user\":"); w.string(user)
        w.raw(",\"employer\":"); w.string(employer)
        w.raw(",\"program\":"); w.string(program)
        if let tier {
            w.raw(",\"tier\":"); w.string(tier)
        } else {
            w.raw(",\"incentive\":"); w.string(incentive)
        }
        w.raw(",\"reward\":"); w.string(reward)
        w.raw(",\"completedOn\":\""); completedOn.writeISO(into: &w.bytes)
        w.raw("\",\"achievedAt\":\""); achievedAt.writeRFC3339(into: &w.bytes)
        w.raw("\",\"evidence\":")
        w.array(evidence)
        w.raw("}")
        out = w.bytes
    }
}
