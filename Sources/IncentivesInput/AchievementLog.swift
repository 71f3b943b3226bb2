import Foundation
import IncentivesCore

/// Reads achievements back from `incentives replay` output (CONTRACT §5), for delivering or exporting
/// without a database. Replay prints achievements in recording order, so each line's ordinal (which award
/// of that reward it is) is recovered by counting, and with it the stable `Achievement.id`.
/// A malformed line refuses the whole file: sending part of a set and guessing the rest is worse than neither.
public enum AchievementLog {
    public static func decode(_ data: Data, file: String) throws(ConfigurationError) -> [Achievement] {
        var out: [Achievement] = []
        var seen: [String: Int] = [:]
        try JSONLinesFile.forEach(RawAchievement.self, in: data, file: file) { raw, _ in
            guard let completedOn = LocalDate(iso: raw.completedOn) else { return ("completedOn", "not a date (YYYY-MM-DD)") }
            guard case .success(let achievedAt) = Instant.parseRFC3339(raw.achievedAt) else {
                return ("achievedAt", "not an RFC 3339 instant")
            }
            // Which award of this reward it is: the engine counts per program reward, so the key names the reward too.
            let key = [raw.user, raw.employer, raw.program, raw.incentive, raw.reward].joined(separator: "\u{0}")
            let ordinal = (seen[key] ?? 0) + 1
            seen[key] = ordinal
            out.append(Achievement(user: raw.user, employer: raw.employer, program: raw.program, incentive: raw.incentive,
                                   reward: raw.reward, completedOn: completedOn, achievedAt: achievedAt, evidence: raw.evidence,
                                   evidenceDays: [], ordinal: ordinal))
            return nil
        }
        return out
    }

    public static func load(path: String) throws -> [Achievement] {
        try decode(try InputFile.readAll(path), file: InputFile.displayName(path))
    }
}

private struct RawAchievement: Decodable {
    let user: String
    let employer: String
    let program: String
    let incentive: String
    let reward: String
    let completedOn: String
    let achievedAt: String
    let evidence: [String]
}
