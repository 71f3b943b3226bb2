/// What the delivery side knows about an achievement: enough to build a minimised payload and nothing
/// more. It deliberately has no evidence, no event times and no categories, so no code path from the
/// outbox to a partner can leak health data even by mistake.
public struct DeliverableAchievement: Sendable, Hashable {
    /// The stable `Achievement.id`.
    public let id: String
    /// The internal user id: only ever used as the input of a pseudonym, never sent.
    public let user: String
    public let employer: String
    public let program: String
    public let reward: String
    /// A tier of the program's points ladder (CONTRACT §3): its id; nil for an award of a reward.
    public let tier: String?
    public let completedOn: LocalDate
    /// Partner id → the partner's own member id, when the roster supplies one.
    public let partnerMemberIDs: [String: String]

    public init(id: String, user: String, employer: String, program: String, reward: String, completedOn: LocalDate,
                partnerMemberIDs: [String: String] = [:], tier: String? = nil) {
        self.tier = tier
        self.id = id
        self.user = user
        self.employer = employer
        self.program = program
        self.reward = reward
        self.completedOn = completedOn
        self.partnerMemberIDs = partnerMemberIDs
    }

    public init(_ achievement: Achievement, member: Member?) {
        self.init(id: achievement.id, user: achievement.user, employer: achievement.employer, program: achievement.program,
                  reward: achievement.reward, completedOn: achievement.completedOn,
                  partnerMemberIDs: member?.partnerMemberIDs ?? [:], tier: achievement.tier)
    }

    /// The outbox row's id for this achievement and partner: stable, so a resend after a crash carries the
    /// same id and the partner can de-duplicate on it.
    public func deliveryID(partner: String) -> String { id + ":" + partner }
}
