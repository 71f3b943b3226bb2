/// A step on a program's points ladder ("bronze at 50 points: a $25 wallet credit", CONTRACT §1 "Points and
/// tiers"). A user reaches it once per program, the moment the points of their awards in that program add up
/// to `points` (CONTRACT §3 "Tiers"); what they get is `reward`, recorded and delivered like any award.
public struct Tier: Sendable, Hashable {
    public let id: String
    /// At least 1, and more than the tier listed before it in the program.
    public let points: Int
    public let reward: String
    /// What reaching it costs the employer (`"cost"` in catalog.json; nil: not given). Feeds reports only.
    public let cost: Money?

    public init(id: String, points: Int, reward: String, cost: Money? = nil) {
        self.cost = cost
        self.id = id
        self.points = points
        self.reward = reward
    }
}
