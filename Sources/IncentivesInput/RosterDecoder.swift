import CJSONLines
import Foundation
import IncentivesCore
import IncentivesText

/// Reads and validates roster.jsonl (CONTRACT §1). One bad line refuses the whole file.
public enum RosterDecoder {
    /// `quickly`: plainly well-formed lines are read by one reused simdjson parser (`QuickMemberReader`), the others
    /// by Foundation's decoder, which explains what is wrong. `false` reads every line the careful way: the same
    /// roster or the same refusal, which the tests and the roster fuzzer compare.
    public static func decode(_ data: Data, file: String, catalog: Catalog, zones: ZoneDirectory = ZoneDirectory(), quickly: Bool = true)
        throws(ConfigurationError) -> Roster
    {
        var members: [Member] = []
        var firstLine: [String: Int] = [:]
        let quick = quickly ? QuickMemberReader() : nil
        try JSONLinesFile.forEach(RawMember.self, in: data, file: file, quick: quick?.read) { raw, n in
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

/// Reads a roster line with one reused simdjson parser when it is plainly well formed (`jl_parse_member`), nil
/// otherwise: Foundation's decoder then reads it and says what is wrong (`JSONLinesFile`).
private final class QuickMemberReader {
    private let parser: OpaquePointer?

    init() { parser = jl_parser_new() }

    deinit { if let parser { jl_parser_free(parser) } }

    func read(_ line: UnsafeRawBufferPointer) -> RawMember? {
        guard let parser else { return nil }
        var out = jl_member()
        guard jl_parse_member(parser, line.baseAddress?.assumingMemoryBound(to: CChar.self), line.count, &out) == Int32(JL_OK.rawValue) else {
            return nil
        }
        var partners: [String: String]?
        if out.partners_presence == Int32(JL_STRING.rawValue) {
            var pairs: [String: String] = [:]
            withUnsafeBytes(of: out.partner_keys) { keys in
                withUnsafeBytes(of: out.partner_values) { values in
                    let k = keys.bindMemory(to: jl_field.self), v = values.bindMemory(to: jl_field.self)
                    for i in 0..<out.partner_count { pairs[Self.text(k[i])] = Self.text(v[i]) }
                }
            }
            partners = pairs
        }
        return RawMember(id: Self.text(out.id), employer: Self.optional(out.employer), timezone: Self.text(out.timezone),
                         eligibleFrom: Self.text(out.eligible_from), eligibleUntil: Self.optional(out.eligible_until), partnerIds: partners)
    }

    private static func text(_ f: jl_field) -> String {
        String(decoding: UnsafeRawBufferPointer(start: f.ptr, count: f.len), as: UTF8.self)
    }

    private static func optional(_ f: jl_field) -> String? { f.presence == Int32(JL_STRING.rawValue) ? text(f) : nil }
}
