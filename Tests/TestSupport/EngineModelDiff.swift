// The engine against `ReferenceModel` on one `RandomWorld`: the same achievement lines for the same events, in the
// same order, and the same counts. Shared by the tests and the fuzz package (Tests/Fuzz/Support/EngineModelDiff.swift
// is a symlink to this file).
import IncentivesCore

public enum EngineModelDiff {
    /// Whether the comparison gives the model the world's points and tiers (the engine reads them from the
    /// world's catalog, issue 24).
    public static let withPoints = true

    /// nil when the engine, taking the events one at a time (`Intake(engine:)`, what the console and the
    /// simulator do) and in one batch over `shards` shards (`Intake(shards:)`, what `replay` does), records
    /// exactly what the model records; otherwise what differs, with the world.
    public static func compare(_ world: RandomWorld, shards: Int = 2, zones: ZoneDirectory = ZoneDirectory()) -> String? {
        let model = ReferenceModel.run(catalog: world.catalog, members: world.members, events: world.events,
                                       points: withPoints ? world.points : .none)
        let roster = Roster(members: world.members)
        let engine: Engine, sharded: EngineShards
        do {
            engine = try Engine(catalog: world.catalog, roster: roster, zones: zones)
            sharded = try EngineShards(catalog: world.catalog, roster: roster, count: shards, zones: zones)
        } catch {
            return "the engine refused the world: \(error)\n\(world.description)"
        }
        var problems: [String] = []
        // One at a time.
        let intake = Intake(engine: engine)
        for (i, e) in world.events.enumerated() {
            let got: [String]
            let disposition: ReferenceOutcome.Disposition
            switch intake.take(e) {
            case .accepted(let a): got = a.map(\.jsonLine); disposition = .accepted
            case .duplicate: got = []; disposition = .duplicate
            case .rejected: got = []; disposition = .rejected
            }
            let want = model.earned[i].map(\.jsonLine)
            if got != want || disposition != model.dispositions[i] {
                problems.append("event \(i) (\(e.id)): engine \(disposition) \(got)\n    model \(model.dispositions[i]) \(want)")
            }
            if problems.count >= 5 { break }
        }
        let counts = intake.counts
        if counts.summary != model.summary { problems.append("counts: engine \(counts.summary)\n        model  \(model.summary)") }
        // One batch over shards.
        let shardIntake = Intake(shards: sharded)
        let batch = shardIntake.take(batch: world.events.map { .success($0) })
        // In the order the shards' results were merged back, not sorted: a merge that reorders them must show.
        var earned: [String] = []
        for (_, a) in batch.earned { earned += a.map(\.jsonLine) }
        if batch.earned.map(\.index) != batch.earned.map(\.index).sorted() {
            problems.append("over \(shards) shards the outcomes came back out of arrival order: \(batch.earned.map(\.index).prefix(20))")
        }
        if earned != model.lines { problems.append("in one batch over \(shards) shards: engine \(earned.count) lines, model \(model.lines.count); first differing: " +
                                                   "\(zip(earned, model.lines).first { $0 != $1 }.map { "\($0.0) vs \($0.1)" } ?? "(a prefix)")") }
        if shardIntake.counts.summary != model.summary { problems.append("counts over shards: \(shardIntake.counts.summary)") }
        return problems.isEmpty ? nil : problems.joined(separator: "\n") + "\n" + world.description
    }
}
