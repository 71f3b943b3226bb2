extension RewardSlot {
    /// The reward's name as people read it wherever rewards are listed: with its incentive when another reward of
    /// the same program has the same name (acme-wellness-2026 offers "$50 gift card" for log-5-days and for
    /// mood-4-of-7), so that the two can be told apart: `$50 gift card · mood-4-of-7`.
    public func label(among slots: [RewardSlot]) -> String {
        slots.contains { $0.program.id == program.id && $0.reward.reward == reward.reward && $0.incentive.id != incentive.id }
            ? reward.reward + " · " + incentive.id : reward.reward
    }
}

extension Catalog {
    /// A recorded reward's name as people read it (`RewardSlot.label`): with its incentive when its program offers
    /// another reward of the same name. Unknown programs give the name as it is.
    public func rewardLabel(program: String, reward: String, incentive: String) -> String {
        for e in employers {
            guard let p = e.programs.first(where: { $0.id == program }) else { continue }
            return p.rewards.contains { $0.reward == reward && $0.incentive != incentive } ? reward + " · " + incentive : reward
        }
        return reward
    }
}
