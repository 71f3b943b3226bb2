import IncentivesCore

/// The member id a partner sees. Partners must be able to tell one member's achievements apart (one
/// pillow per person) without learning our internal user id, and two partners must not be able to join
/// their lists on it. A keyed hash of the user id under the partner's own secret gives both: stable for
/// one partner, unlinkable across partners, irreversible without the key.
public enum Pseudonym {
    /// 96 bits: collisions are out of reach for any roster, and the id stays short in CSV files.
    static let hexLength = 24

    public static func member(user: String, secret: PartnerSecret) -> String {
        let mac = Crypto.hmacSHA256(key: secret.bytes, message: Array(("member:" + user).utf8))
        return "m-" + String(Crypto.hex(mac).prefix(hexLength))
    }

    /// The roster's partner member id when it supplies one (the partner already knows that person),
    /// otherwise the pseudonym.
    public static func member(of achievement: DeliverableAchievement, partner: String, secret: PartnerSecret) -> String {
        if let own = achievement.partnerMemberIDs[partner], !own.isEmpty { return own }
        return member(user: achievement.user, secret: secret)
    }
}
