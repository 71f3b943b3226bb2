import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore
import XCTest

/// An explanation comes from the engine itself: on generated files with every kind, duplicates, conflicts,
/// late events and eligibility ends, every `earned` line is exactly an award and every award has its line —
/// in memory from the files, and from a store after ingest.
final class WhyAgreementTests: XCTestCase {
    func testEarnedLinesAreExactlyTheAwardsInMemoryAndFromTheStore() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 3_000)
        let expected = try Fixtures.replay(g.inputs).lines
        let catalog = try CatalogDecoder.load(path: g.inputs.catalog)
        let roster = try RosterDecoder.load(path: g.inputs.roster, catalog: catalog)
        let today = LocalDate(iso: "2026-12-31")!

        let store = try Fixtures.initStore(dir.path("why.sqlite"), g.inputs)
        var options = Ingestor.Options()
        options.batchLines = 300
        _ = try Ingestor(store: store).ingest(path: g.inputs.events, options: options)
        let reader = try StoreReader(path: dir.path("why.sqlite"))

        var codes: Set<String> = []
        var earnedIncentives: Set<String> = []
        for member in roster.members {
            let awards = expected.filter { $0.hasPrefix("{\"user\":\(JSONText.quote(member.id)),") }

            let explainer = try Explainer(intake: Intake(engine: Engine(catalog: catalog, roster: roster)), user: member.id)
            try EventStream(path: g.inputs.events).forEach { item in
                if case .success(let e) = item.event { explainer.take(e, line: item.line) }
                return true
            }
            let inMemory = explainer.explanation(today: today)
            XCTAssertEqual(earned(inMemory), awards, "in memory, \(member.id)")

            let stored = try XCTUnwrap(try reader.explain(user: member.id, today: today))
            XCTAssertEqual(earned(stored), awards, "from the store, \(member.id)")
            // The same events and exact re-sends in the same order, reward by reward (the store keeps where each
            // re-send arrived, `duplicate_arrivals`; a conflict's place is checked in WhyDuplicateArrivalTests).
            XCTAssertEqual(stored.lines.filter { $0.outcome.code != "conflict" }.map(\.outcome),
                           inMemory.lines.filter { $0.outcome.code != "conflict" }.map(\.outcome), member.id)
            for line in inMemory.lines {
                codes.insert(line.outcome.code)
                if case .earned(let a) = line.outcome { earnedIncentives.insert(a.incentive) }
            }
        }
        XCTAssertEqual(earnedIncentives, ["streak-3", "streak-2", "mood-3-of-5", "birth", "month-4", "week-2"], "every kind earns")
        for code in ["earned", "counted", "day-already-counted", "day-already-used", "period-already-earned", "limit-reached",
                     "before-program", "after-program", "not-eligible", "wrong-type", "category-not-counted", "no-employer", "duplicate"] {
            XCTAssertTrue(codes.contains(code), "the generated file shows \(code)")
        }
        XCTAssertNil(try reader.explain(user: "nobody"))
    }

    private func earned(_ x: Explanation) -> [String] {
        x.lines.compactMap { if case .earned(let a) = $0.outcome { a.jsonLine } else { nil } }
    }
}
