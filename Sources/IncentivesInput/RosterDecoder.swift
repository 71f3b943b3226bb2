import Foundation
import IncentivesCore

/// Reads and validates roster.jsonl (CONTRACT §1). One bad line refuses the whole file.
public enum RosterDecoder {
    public static func decode(_ data: Data, file: String, catalog: Catalog, zones: ZoneDirectory = ZoneDirectory())
        throws(ConfigurationError) -> Roster
    {
        var members: [Member] = []
        var firstLine: [String: Int] = [:]
        let decoder = JSONDecoder()
        var lineNumber = 0
        var failure: ConfigurationError?
        data.withUnsafeBytes { (all: UnsafeRawBufferPointer) in
            LineSplitter.forEachLine(in: all) { line in
                lineNumber += 1
                guard failure == nil, !LineSplitter.isBlank(line) else { return }
                let n = lineNumber
                func fail(_ path: String?, _ reason: String) { failure = ConfigurationError(file: file, line: n, path: path, reason: reason) }
                let raw: RawMember
                do {
                    raw = try decoder.decode(RawMember.self, from: Data(line))
                } catch {
                    let (path, reason) = JSONPath.explain(error)
                    return fail(path, reason)
                }
                guard !raw.id.isEmpty else { return fail("id", "must not be empty") }
                if let earlier = firstLine[raw.id] { return fail("id", "duplicate user id \(JSONText.quote(raw.id)) (first on line \(earlier))") }
                if let employer = raw.employer, catalog.employer(employer) == nil {
                    return fail("employer", "unknown employer \(JSONText.quote(employer))")
                }
                guard zones.rules(for: raw.timezone) != nil else { return fail("timezone", "unknown time zone \(JSONText.quote(raw.timezone))") }
                guard let from = LocalDate(iso: raw.eligibleFrom) else {
                    return fail("eligibleFrom", "not a date (YYYY-MM-DD): \(JSONText.quote(raw.eligibleFrom))")
                }
                var until: LocalDate?
                if let text = raw.eligibleUntil {
                    guard let d = LocalDate(iso: text) else { return fail("eligibleUntil", "not a date (YYYY-MM-DD): \(JSONText.quote(text))") }
                    guard d >= from else { return fail("eligibleUntil", "\(text) is before eligibleFrom \(raw.eligibleFrom)") }
                    until = d
                }
                firstLine[raw.id] = n
                if let ids = raw.partnerIds {
                    for (partner, memberID) in ids.sorted(by: { $0.key < $1.key }) {
                        guard catalog.partner(partner) != nil else { return fail("partnerIds.\(partner)", "unknown partner \(JSONText.quote(partner))") }
                        guard !memberID.isEmpty else { return fail("partnerIds.\(partner)", "must not be empty") }
                    }
                }
                members.append(Member(id: raw.id, employer: raw.employer, timezone: raw.timezone, eligibleFrom: from, eligibleUntil: until,
                                      partnerMemberIDs: raw.partnerIds ?? [:]))
            }
        }
        if let failure { throw failure }
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
