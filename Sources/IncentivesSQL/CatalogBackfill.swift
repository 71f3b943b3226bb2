import IncentivesCore

/// A catalog version's backfill, the same on either store (`Store.load`, `PGStore.load` with `backfill`): the
/// rewards a version added or redefined (their `RewardSlot.definitionKey`s) are evaluated over every stored event in
/// arrival order, by an engine of their own that starts from nothing, through the same intake as ingest; the awards
/// history gives them are recorded now (by the store, with their evidence and outbox rows), and their progress is
/// handed to the engine that goes on with every reward. The store supplies the events, writes the rows and saves
/// the progress; what is evaluated and what is kept is decided here.
package final class CatalogBackfill {
    package let keys: Set<String>
    private let history: Engine
    private let intake: Intake
    /// employer, program, incentive, reward → definition key.
    private var keyOf: [String: String] = [:]

    /// Throws the engine's refusal of the stored configuration (the caller names its store in the error).
    package init(catalog: Catalog, roster: Roster, keys: Set<String>) throws {
        self.keys = keys
        history = try Engine(catalog: catalog, roster: roster)
        intake = Intake(storedEventsFor: history)
        for e in catalog.employers {
            for p in e.programs {
                for (i, r) in p.rewards.enumerated() {
                    guard let inc = catalog.incentive(r.incentive) else { continue }
                    keyOf[[e.id, p.id, r.incentive, r.reward].joined(separator: "\u{1f}")] =
                        RewardSlot(employer: e, program: p, reward: r, rewardIndex: i, incentive: inc).definitionKey
                }
            }
        }
    }

    /// One batch of stored events, in arrival order, each with its `seq`: the awards history gives the backfilled
    /// rewards, in the order they were earned, each with the seq of the event that earned it.
    package func take(_ events: [(seq: Int64, event: Event)]) -> [IngestBatch.AchievementRow] {
        let outcome = intake.take(batch: events.map { .success($0.event) })
        var rows: [IngestBatch.AchievementRow] = []
        for (index, earned) in outcome.earned {
            for a in earned where keys.contains(keyOf[[a.employer, a.program, a.incentive, a.reward].joined(separator: "\u{1f}")] ?? "") {
                rows.append(.init(a, eventSeq: events[index].seq))
            }
        }
        return rows
    }

    /// The users the backfill holds progress for, once every event was taken: whose saved progress `handOver`
    /// changes (a store that does not load progress on demand restores theirs into `main` first).
    package func changedMembers() -> [Member] { history.takeChangedMembers() }

    /// Moves the backfilled rewards' progress of `members` into `main`, which holds (or loads) their saved progress
    /// for every other reward; `main.takeChangedMembers()` then names whose progress to save.
    package func handOver(_ members: [Member], to main: Engine) {
        for member in members { main.adoptProgress(of: member.id, from: history, keys: keys) }
    }
}
