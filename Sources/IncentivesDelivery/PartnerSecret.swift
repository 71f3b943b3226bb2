import IncentivesCore

/// A partner's signing secret, read from the environment variable the catalog names.
/// Secrets never sit in files or the database, so the only place one can come from is the process environment.
public struct PartnerSecret: Sendable {
    public let bytes: [UInt8]

    public init(_ text: String) { bytes = Array(text.utf8) }

    /// Shorter secrets can be guessed offline from one signed payload.
    public static let minimumLength = 16

    public struct Missing: Error, Sendable, CustomStringConvertible {
        public let partner: String
        public let variable: String
        public let reason: String
        public var description: String { "partner \(partner): \(reason) (environment variable \(variable))" }
    }

    /// The secrets of all these partners, or the first one that is missing: nothing may be sent or
    /// written until every partner of the run can sign.
    public static func resolve(_ partners: [Partner], environment: [String: String]) throws(Missing) -> [String: PartnerSecret] {
        var out: [String: PartnerSecret] = [:]
        for p in partners {
            guard let value = environment[p.secretEnv], !value.isEmpty else {
                throw Missing(partner: p.id, variable: p.secretEnv, reason: "signing secret is not set")
            }
            guard value.utf8.count >= minimumLength else {
                throw Missing(partner: p.id, variable: p.secretEnv, reason: "signing secret is shorter than \(minimumLength) bytes")
            }
            out[p.id] = PartnerSecret(value)
        }
        return out
    }
}
