/// A company outside ours that ships rewards (the pillow, the gift card) and must learn about
/// achievements: which employers it serves, optionally which rewards, and how it receives them.
/// Secrets never sit in the catalog or the database: only the name of the environment variable.
public struct Partner: Sendable, Hashable {
    public enum Channel: Sendable, Hashable {
        /// POST one signed JSON payload per achievement.
        case webhook(url: String)
        /// Write signed batch files (JSONL or CSV plus a manifest) into a directory.
        case fileDrop(directory: String)
    }

    public let id: String
    public let name: String
    public let employers: Set<String>
    /// Reward names this partner ships; nil: every reward of the employers it serves.
    public let rewards: Set<String>?
    public let channel: Channel
    /// The environment variable that holds the signing secret.
    public let secretEnv: String

    public init(id: String, name: String, employers: Set<String>, rewards: Set<String>?, channel: Channel, secretEnv: String) {
        self.id = id
        self.name = name
        self.employers = employers
        self.rewards = rewards
        self.channel = channel
        self.secretEnv = secretEnv
    }

    /// Whether this partner must receive this achievement.
    public func serves(employer: String, reward: String) -> Bool {
        employers.contains(employer) && (rewards?.contains(reward) ?? true)
    }
}
