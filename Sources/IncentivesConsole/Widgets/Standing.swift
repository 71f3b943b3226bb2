import IncentivesCore

extension RewardStanding {
    /// What the progress bar shows: days done of days needed for the next award; full once the limit is reached.
    var bar: (done: Int, needed: Int) {
        let needed = outlook.needed
        return limitReached ? (needed, needed) : (min(outlook.done, needed), needed)
    }
}
