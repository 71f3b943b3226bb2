import IncentivesCore

extension RewardStanding {
    /// What the progress bar shows: days done of days needed for the next award; full once the limit is reached.
    var bar: (done: Int, needed: Int) {
        let needed = status?.needed ?? slot.incentive.rule.parameters.first { $0.0 == "days" }?.1 ?? 1
        return limitReached ? (needed, needed) : (min(status?.done ?? 0, needed), needed)
    }
}
