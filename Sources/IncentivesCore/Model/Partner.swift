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

    /// Whether `id` can name files: letters, digits, `.`, `_` and `-`, starting with a letter or digit, at
    /// most 64 characters. A partner's id names its batch files (`giftly_2026-11-01_end.csv`): an id like
    /// `../x` would write outside the drop directory, so the catalog refuses any other.
    public static func isPlainID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, id.utf8.count <= 64,
              first.isASCII, first.properties.isAlphabetic || ("0"..."9").contains(first) else { return false }
        return id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
            && !id.contains("..")
    }

    /// Whether this partner must receive this achievement.
    public func serves(employer: String, reward: String) -> Bool {
        employers.contains(employer) && (rewards?.contains(reward) ?? true)
    }
}
