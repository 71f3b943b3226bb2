// (b) catalog.json through CatalogDecoder.
//
// Properties:
// - a refusal has a reason, and a JSON path unless the document as a whole is at fault (not JSON, not an object);
// - an accepted catalog keeps its promises: unique ids, known incentives, starts ≤ ends, limits ≥ 1, a
//   partner names known employers; and an engine can be built on it and fed an event of every type on the
//   first and last day of every program for a member of every employer, without trapping.
import Foundation
import FuzzSupport
import IncentivesCore
import IncentivesInput

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCatalog(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = withInput(data, size) { Data($0) }
    let catalog: Catalog
    do {
        catalog = try CatalogDecoder.decode(bytes, file: "catalog.json")
    } catch {
        require(!error.reason.isEmpty, "a refusal without a reason: \(error)")
        require(error.file == "catalog.json" && error.line == nil, "a refusal naming another place: \(error)")
        // The line as a whole: not JSON, or not an object ("expected an object", with what was found: ", found null").
        let whole = error.reason.hasPrefix("not valid JSON") || error.reason.hasPrefix("expected an object")
        require(!(error.path ?? "").isEmpty || whole, "a refusal without a JSON path: \(error)")
        return 0
    }
    check(catalog)
    return 0
}

func check(_ catalog: Catalog) {
    // NUL is refused in every string of every input (DESIGN.md §11).
    var texts = catalog.incentives.flatMap { [$0.id, $0.name] + Array($0.categories ?? []) }
    for e in catalog.employers {
        texts += [e.id, e.name]
        for p in e.programs { texts += [p.id, p.name] + p.rewards.flatMap { [$0.incentive, $0.reward] } + p.tiers.flatMap { [$0.id, $0.reward] } }
    }
    for p in catalog.partners { texts += [p.id, p.name, p.secretEnv] + Array(p.employers) + Array(p.rewards ?? []) }
    require(!texts.contains { $0.utf8.contains(0) }, "a string with a NUL character accepted")
    let incentiveIDs = catalog.incentives.map(\.id)
    require(Set(incentiveIDs).count == incentiveIDs.count, "duplicate incentive ids accepted: \(incentiveIDs)")
    let employerIDs = catalog.employers.map(\.id)
    require(Set(employerIDs).count == employerIDs.count, "duplicate employer ids accepted: \(employerIDs)")
    for employer in catalog.employers {
        let programIDs = employer.programs.map(\.id)
        require(Set(programIDs).count == programIDs.count, "duplicate program ids accepted: \(programIDs)")
        for program in employer.programs {
            require(program.starts <= program.ends, "program \(program.id) ends before it starts")
            for reward in program.rewards {
                require(reward.limit >= 1, "limit \(reward.limit) accepted")
                require(reward.points >= 0, "points \(reward.points) accepted")
                require(catalog.incentive(reward.incentive) != nil, "unknown incentive \(reward.incentive) accepted")
            }
            // CONTRACT §1: each incentive-and-reward pair once; tiers with unique ids, rising points from 1, a reward.
            let pairs = program.rewards.map { $0.incentive + "\u{1f}" + $0.reward }
            require(Set(pairs).count == pairs.count, "a repeated incentive and reward accepted in \(program.id)")
            let tierIDs = program.tiers.map(\.id)
            require(Set(tierIDs).count == tierIDs.count && !tierIDs.contains(""), "tier ids \(tierIDs) accepted")
            require(program.tiers.allSatisfy { $0.points >= 1 && !$0.reward.isEmpty }, "a tier under 1 point or without a reward accepted")
            require(zip(program.tiers, program.tiers.dropFirst()).allSatisfy { $0.points < $1.points }, "tiers not rising accepted")
        }
    }
    for partner in catalog.partners {
        require(!partner.employers.isEmpty && partner.employers.isSubset(of: Set(employerIDs)), "partner \(partner.id) names unknown employers")
    }

    // An engine over it, fed events at the edges of every program.
    var members: [Member] = []
    var events: [Event] = []
    for (e, employer) in catalog.employers.enumerated() {
        let user = "u\(e)"
        members.append(Member(id: user, employer: employer.id, timezone: "Pacific/Kiritimati",
                              eligibleFrom: LocalDate(dayNumber: -719_162), eligibleUntil: nil))
        for program in employer.programs.prefix(4) {
            for day in [program.starts, program.ends] {
                let at = Instant(seconds: Int64(day.dayNumber) * 86_400 - 50_400 + 3_600)
                for type in EventType.allCases {
                    let category = type.needsCategory ? (catalog.incentives.first?.categories?.first ?? "sleep") : nil
                    events.append(Event(id: "e\(events.count)", type: type, user: user, at: at, category: category))
                }
            }
        }
    }
    let engine: Engine
    do { engine = try Engine(catalog: catalog, roster: Roster(members: members), zones: sharedZones) } catch {
        propertyFailed("an accepted catalog does not make an engine: \(error)")
    }
    let intake = Intake(engine: engine)
    for event in events { _ = intake.take(event) }
    for m in members { _ = engine.standings(of: m.id) }
}
