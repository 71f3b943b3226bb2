import Foundation
import IncentivesCore

/// Exactly what a partner receives about one achievement, and nothing else (data minimisation):
/// which achievement, which delivery, who (as the partner's pseudonym), for which employer and program,
/// which reward, the day it was completed, and for a tier of a points program which tier (so a partner can tell a
/// "$50 wallet credit" for reaching silver from one for a reward). Never categories, event times, evidence or any
/// health data. An award's JSON has no `tier` key (the bytes partners already verify are unchanged); the CSV has a
/// `tier` column, empty for awards.
public struct DeliveryPayload: Sendable, Hashable {
    public let achievementId: String
    public let deliveryId: String
    public let member: String
    public let employer: String
    public let program: String
    public let reward: String
    public let completedOn: String
    /// The tier's id for a tier achievement; "" for an award.
    public let tier: String

    /// The field names in the order they are written, for JSON keys and the CSV header (`tier` last, and in JSON
    /// only for a tier).
    public static let fields = ["achievementId", "deliveryId", "member", "employer", "program", "reward", "completedOn", "tier"]

    public init(_ achievement: DeliverableAchievement, partner: String, secret: PartnerSecret) {
        achievementId = achievement.id
        deliveryId = achievement.deliveryID(partner: partner)
        member = Pseudonym.member(of: achievement, partner: partner, secret: secret)
        employer = achievement.employer
        program = achievement.program
        reward = achievement.reward
        completedOn = achievement.completedOn.iso
        tier = achievement.tier ?? ""
    }

    var values: [String] { [achievementId, deliveryId, member, employer, program, reward, completedOn, tier] }

    /// One JSON object, keys in `fields` order, no whitespace: the same payload is always the same bytes,
    /// which is what gets signed.
    public var json: String {
        var s = "{"
        for (i, (k, v)) in zip(Self.fields, values).enumerated() where k != "tier" || !v.isEmpty {
            if i > 0 { s += "," }
            s += "\"" + k + "\":" + JSONText.quote(v)
        }
        return s + "}"
    }

    public static var csvHeader: String { fields.joined(separator: ",") }

    /// RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled (tested by scalar: "\r\n" is
    /// one Character, equal to neither "\r" nor "\n", and went out unquoted). Byte-exact otherwise: these files are
    /// read by partners' programs and signed, so a field a spreadsheet would take for a formula is not rewritten
    /// (DESIGN §11; the commands' `--format csv`, made for people, is).
    public var csvRow: String {
        values.map { v in
            guard v.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return v }
            return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }.joined(separator: ",")
    }
}
