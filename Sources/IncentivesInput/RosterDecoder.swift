import Foundation
import IncentivesCore
import IncentivesText

/// Reads and validates roster.jsonl (CONTRACT §1). One bad line refuses the whole file.
public enum RosterDecoder {
    public static func decode(_ data: Data, file: String, catalog: Catalog, zones: ZoneDirectory = ZoneDirectory())
        throws(ConfigurationError) -> Roster
    {
        var members: [Member] = []
        var firstLine: [String: Int] = [:]
        try JSONLinesFile.forEach(RawMember.self, in: data, file: file) { raw, n in
            guard !raw.id.isEmpty else { return ("id", "must not be empty") }
            if let earlier = firstLine[raw.id] { return ("id", "duplicate user id \(JSONText.quote(raw.id)) (first on line \(earlier))") }
            if let employer = raw.employer, catalog.employer(employer) == nil {
                return ("employer", "unknown employer \(JSONText.quote(employer))" + Suggestion.clause(for: employer, in: catalog.employers.map(\.id)))
            }
            guard zones.rules(for: raw.timezone) != nil else {
                return ("timezone", "unknown time zone \(JSONText.quote(raw.timezone))" + Suggestion.clause(for: raw.timezone, in: TimeZone.knownTimeZoneIdentifiers + ["UTC"]))
            }
            guard let from = LocalDate(iso: raw.eligibleFrom) else {
                return ("eligibleFrom", "not a date (YYYY-MM-DD): \(JSONText.quote(raw.eligibleFrom))")
            }
            var until: LocalDate?
            if let text = raw.eligibleUntil {
                guard let d = LocalDate(iso: text) else { return ("eligibleUntil", "not a date (YYYY-MM-DD): \(JSONText.quote(text))") }
                guard d >= from else { return ("eligibleUntil", "\(text) is before eligibleFrom \(raw.eligibleFrom)") }
                until = d
            }
            for (partner, memberID) in (raw.partnerIds ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard catalog.partner(partner) != nil else { return ("partnerIds.\(partner)", "unknown partner \(JSONText.quote(partner))") }
                guard !memberID.isEmpty else { return ("partnerIds.\(partner)", "must not be empty") }
            }
            firstLine[raw.id] = n
            members.append(Member(id: raw.id, employer: raw.employer, timezone: raw.timezone, eligibleFrom: from, eligibleUntil: until,
                                  partnerMemberIDs: raw.partnerIds ?? [:]))
            return nil
        }
        return Roster(members: members)
    }

    public static func load(path: String, catalog: Catalog, zones: ZoneDirectory = ZoneDirectory()) throws -> Roster {
        try decode(try InputFile.readAll(path), file: InputFile.displayName(path), catalog: catalog, zones: zones)
    }
}

private struct RawMember: Decodable {
    let id: String
    let employer: String?
    let timezone: String
    let eligibleFrom: String
    let eligibleUntil: String?
    let partnerIds: [String: String]?
}
