// (c) roster.jsonl through RosterDecoder, against a fixed catalog.
//
// Properties:
// - a refusal has a reason, a line number within the file, and a JSON path unless the line as a whole is
//   at fault (not JSON, not an object);
// - an accepted roster has unique, non-empty ids, known employers and zones, eligibleUntil ≥ eligibleFrom,
//   finds every member at their own position, and makes an engine;
// - the quick reading (simdjson alone, for plainly well-formed lines) and the careful one (Foundation's decoder)
//   give the same roster or the same refusal.
import Foundation
import FuzzSupport
import IncentivesCore
import IncentivesInput

let catalog = fixedCatalog

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRoster(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = withInput(data, size) { Data($0) }
    let careful = answer(bytes, quickly: false)
    require(answer(bytes, quickly: true) == careful, "the quick and the careful reading disagree; careful: \(careful)")
    let roster: Roster
    do {
        roster = try RosterDecoder.decode(bytes, file: "roster.jsonl", catalog: catalog, zones: sharedZones)
    } catch {
        require(!error.reason.isEmpty, "a refusal without a reason: \(error)")
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).count
        require(error.line.map { $0 >= 1 && $0 <= lines } ?? false, "a refusal without a line in the file: \(error)")
        // The line as a whole: not JSON, or not an object ("expected an object", with what was found: ", found null").
        let whole = error.reason.hasPrefix("not valid JSON") || error.reason.hasPrefix("expected an object")
        require(!(error.path ?? "").isEmpty || whole, "a refusal without a JSON path: \(error)")
        return 0
    }
    let ids = roster.members.map(\.id)
    require(Set(ids).count == ids.count && !ids.contains(""), "empty or duplicate ids accepted: \(ids)")
    for (i, m) in roster.members.enumerated() {
        require(roster.position(of: m.id) == i, "member \(m.id) not found at its position \(i)")
        require(m.employer.map { catalog.employer($0) != nil } ?? true, "unknown employer accepted: \(m)")
        require(sharedZones.rules(for: m.timezone) != nil, "unknown zone accepted: \(m.timezone)")
        require(!([m.id, m.employer ?? "", m.timezone] + m.partnerMemberIDs.flatMap { [$0.key, $0.value] }).contains { $0.utf8.contains(0) },
                "a string with a NUL character accepted: \(m)")
        require(m.eligibleUntil.map { $0 >= m.eligibleFrom } ?? true, "eligibility ends before it starts: \(m)")
    }
    do { _ = try Engine(catalog: catalog, roster: roster, zones: sharedZones) } catch {
        propertyFailed("an accepted roster does not make an engine: \(error)")
    }
    return 0
}

/// What a reading gave: the members (compared field by field, partner ids as a dictionary), or the refusal.
enum Answer: Equatable {
    case members([Member])
    case refused(String)
}

func answer(_ bytes: Data, quickly: Bool) -> Answer {
    do {
        return .members(try RosterDecoder.decode(bytes, file: "roster.jsonl", catalog: catalog, zones: sharedZones, quickly: quickly).members)
    } catch {
        return .refused(error.description)
    }
}
