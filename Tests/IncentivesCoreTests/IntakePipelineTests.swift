import IncentivesCore
import Testing

/// The intake pipeline's two ports: `PriorIDs` (ids accepted before what admission holds) and `IntakeSink`
/// (where decisions go), on their success and failure paths.
@Suite("The intake pipeline's ports")
struct IntakePipelineTests {
    private func intake() throws -> Intake {
        var w = World()
        w.offer("s2", StreakRule(days: 2))
        w.member("ana", zone: "America/Chicago")
        w.member("bo")
        return Intake(engine: try w.engine())
    }

    /// Prior ids from a table, recording what the intake asked and told.
    final class TablePriorIDs: PriorIDs {
        typealias Failure = Never
        var table: [String: UInt64]
        var asked: [String] = []
        var admitted: [IDDigest] = []
        var prefetched = 0
        var forgottenCalls = 0

        init(_ table: [String: UInt64] = [:]) { self.table = table }

        func fingerprint(of event: Event, key: IDDigest) -> UInt64? {
            #expect(key == IDDigest(event.id))
            asked.append(event.id)
            return table[event.id]
        }

        func prefetch(_ key: IDDigest) { prefetched += 1 }
        func admitted(_ key: IDDigest) { admitted.append(key) }
        func forgotten() { forgottenCalls += 1 }
    }

    struct LookupFailed: Error, Equatable { let id: String }

    /// Prior ids whose look-up fails for one id (a database error).
    struct FailingPriorIDs: PriorIDs {
        let failOn: String
        func fingerprint(of event: Event, key: IDDigest) throws(LookupFailed) -> UInt64? {
            if event.id == failOn { throw LookupFailed(id: event.id) }
            return nil
        }
    }

    /// Every call a sink gets, in order.
    struct Recorder: IntakeSink {
        enum Call: Equatable {
            case reject(index: Int, code: Rejection.Code, id: String?)
            case accept(index: Int, id: String, earned: [[String]])
        }
        var calls: [Call] = []

        mutating func reject(at index: Int, _ why: Rejection, event: Event?) {
            calls.append(.reject(index: index, code: why.code, id: event?.id))
        }

        mutating func accept(at index: Int, _ event: Event, earned: [Achievement]) {
            calls.append(.accept(index: index, id: event.id, earned: earned.map(\.evidence)))
        }
    }

    @Test func aPriorIdWithOtherContentIsAConflictAndEarnsNothing() throws {
        let i = try intake()
        let earlier = log("a1", "ana", "2026-03-02T12:00:00-06:00", "sleep")
        let prior = TablePriorIDs(["a1": earlier.contentFingerprint])
        var sink = Recorder()
        i.take([.success(log("a1", "ana", "2026-03-02T12:00:00-06:00", "mood"))][...], prior: prior, into: &sink)
        #expect(sink.calls == [.reject(index: 0, code: .conflict, id: "a1")])
        #expect(i.counts == counts(read: 1, rejected: 1))
        #expect(prior.admitted.isEmpty)
    }

    @Test func aPriorIdWithTheSameContentIsADuplicate() throws {
        let i = try intake()
        let earlier = log("a1", "ana", "2026-03-02T12:00:00-06:00")
        let prior = TablePriorIDs(["a1": earlier.contentFingerprint])
        var sink = Recorder()
        // The same instant written with another offset is the same content.
        i.take([.success(log("a1", "ana", "2026-03-02T18:00:00Z")), .success(log("a2", "ana", "2026-03-03T12:00:00-06:00"))][...],
               prior: prior, into: &sink)
        // The duplicate tells the sink nothing and the engine never saw it: a2 alone is one day, no streak.
        #expect(sink.calls == [.accept(index: 1, id: "a2", earned: [])])
        #expect(i.counts == counts(read: 2, accepted: 1, duplicates: 1))
        #expect(prior.admitted == [IDDigest("a2")])
    }

    @Test func priorIdsAreAskedOncePerIdUntilTheIntakeForgets() throws {
        let i = try intake()
        let prior = TablePriorIDs()
        var sink = Recorder()
        let lines: [Intake.Line] = [.success(log("a1", "ana", "2026-03-02T12:00:00Z")), .success(log("a1", "ana", "2026-03-02T12:00:00Z")),
                                    .success(log("x", "zed", "2026-03-02T12:00:00Z")), .success(log("b1", "bo", "2026-03-02T12:00:00Z"))]
        i.take(lines[...], prior: prior, into: &sink)
        // a1 once (then remembered), never for an unknown user, b1 once.
        #expect(prior.asked == ["a1", "b1"])
        #expect(prior.admitted == [IDDigest("a1"), IDDigest("b1")])
        #expect(i.rememberedIDs == 2)
        i.forgetIDs(answeredBy: prior)
        #expect(prior.forgottenCalls == 1 && i.rememberedIDs == 0)
        // Forgotten: asked again, and the prior ids' answer decides.
        prior.table["a1"] = log("a1", "ana", "2026-03-02T12:00:00Z").contentFingerprint
        i.take([.success(log("a1", "ana", "2026-03-02T12:00:00Z"))][...], prior: prior, into: &sink)
        #expect(prior.asked == ["a1", "b1", "a1"])
        #expect(i.counts == counts(read: 5, accepted: 2, duplicates: 2, rejected: 1))
    }

    @Test func priorIdsArePrefetchedAheadOnLongBatches() throws {
        let i = try intake()
        let prior = TablePriorIDs()
        var sink = Recorder()
        let lines: [Intake.Line] = (0..<40).map { .success(log("e\($0)", "ana", "2026-03-02T12:00:00Z")) }
        i.take(lines[...], prior: prior, into: &sink)
        #expect(prior.prefetched > 0 && prior.prefetched < 40)
    }

    @Test func aFailingLookUpStopsTheBatchAtThatLine() throws {
        let i = try intake()
        var sink = Recorder()
        let lines: [Intake.Line] = [.success(log("a1", "ana", "2026-03-02T12:00:00Z")), .success(log("a2", "ana", "2026-03-03T12:00:00Z")),
                                    .success(log("a3", "ana", "2026-03-04T12:00:00Z"))]
        #expect(throws: LookupFailed(id: "a2")) {
            try i.take(lines[...], prior: FailingPriorIDs(failOn: "a2"), into: &sink)
        }
        // The line before it was taken; neither the failing line nor any after it reached the sink.
        #expect(sink.calls == [.accept(index: 0, id: "a1", earned: [])])
        #expect(i.counts.accepted == 1)
    }

    @Test func theSinkGetsEveryRefusalAndAcceptanceAtItsIndexInTheSlice() throws {
        let i = try intake()
        let lines: [Intake.Line] = [
            .success(log("a1", "ana", "2026-03-02T12:00:00-06:00")),                   // 0: accepted
            .failure(Rejection(.invalidJSON, field: nil, "not valid JSON")),            // 1: never an event
            .success(log("z1", "zed", "2026-03-02T12:00:00Z")),                        // 2: unknown user
            .success(log("a1", "ana", "2026-03-02T12:00:00-06:00", "sleep")),           // 3: conflict
            .success(log("a1", "ana", "2026-03-02T12:00:00-06:00")),                   // 4: duplicate
            .success(log("a2", "ana", "2026-03-03T12:00:00-06:00")),                   // 5: earns the streak
        ]
        var sink = Recorder()
        i.take(lines[0..<2], into: &sink)
        i.take(lines[2..<6], into: &sink) // a slice's indices are the array's
        #expect(sink.calls == [
            .accept(index: 0, id: "a1", earned: []),
            .reject(index: 1, code: .invalidJSON, id: nil),
            .reject(index: 2, code: .unknownUser, id: "z1"),
            .reject(index: 3, code: .conflict, id: "a1"),
            .accept(index: 5, id: "a2", earned: [["a1", "a2"]]),
        ])
        #expect(i.counts == counts(read: 6, accepted: 2, duplicates: 1, rejected: 3, achievements: 1))
    }

    /// A `Recorder` told only about events that earned something.
    struct EarnersOnly: IntakeSink {
        var recorder = Recorder()
        static var takesEventsThatEarnNothing: Bool { false }
        mutating func reject(at index: Int, _ why: Rejection, event: Event?) { recorder.reject(at: index, why, event: event) }
        mutating func accept(at index: Int, _ event: Event, earned: [Achievement]) {
            #expect(!earned.isEmpty)
            recorder.accept(at: index, event, earned: earned)
        }
    }

    @Test(arguments: [0, 2])
    func aSinkOfAwardsOnlyIsToldOnlyOfEventsThatEarned(shards: Int) throws {
        var w = World()
        w.offer("s2", StreakRule(days: 2), limit: 3)
        for u in 0..<4 { w.member("u\(u)") }
        let engine = try w.engine()
        func intake() throws -> Intake {
            shards == 0 ? Intake(engine: try w.engine())
                : Intake(shards: try EngineShards(catalog: engine.catalog, roster: engine.roster, count: shards))
        }
        let lines: [Intake.Line] = (0..<40).map { .success(log("e\($0)", "u\($0 % 4)", "2026-03-\(10 + $0 / 4)T12:00:00Z")) }
            + [.failure(Rejection(.invalidJSON, field: nil, "not valid JSON"))]
        var all = Recorder(), earners = EarnersOnly()
        let a = try intake(), b = try intake()
        a.take(lines[...], into: &all)
        b.take(lines[...], into: &earners)
        let earning = all.calls.filter { if case .accept(_, _, let earned) = $0 { !earned.isEmpty } else { true } }
        #expect(earners.recorder.calls.count == earning.count && earning.count > 10)
        #expect(Set(earners.recorder.calls.map { "\($0)" }) == Set(earning.map { "\($0)" }))
        #expect(a.counts == b.counts && a.counts.accepted == 40)
    }

    @Test func anIntakeWithShardsTakesNoPriorIDs() async {
        // Its admission runs in parallel partitions; prior ids are asked in arrival order on one thread.
        await #expect(processExitsWith: .failure) {
            var w = World()
            w.member("ana")
            let engine = try! w.engine()
            let intake = Intake(shards: try! EngineShards(catalog: engine.catalog, roster: engine.roster, count: 2))
            var sink = Intake.BatchOutcome()
            intake.take([.success(log("a1", "ana", "2026-03-02T12:00:00Z"))][...], prior: TablePriorIDs(), into: &sink)
        }
    }

    @Test(arguments: [1, 2, 3])
    func shardedAndInOrderIntakesTellTheSinkTheSameThings(shards: Int) throws {
        var w = World()
        w.offer("s3", StreakRule(days: 3), limit: 2)
        w.offer("w4", DaysInWindowRule(days: 4, window: 7), categories: ["mood", "sleep"], limit: 2)
        for u in 0..<20 { w.member("u\(u)", zone: ["UTC", "Asia/Kathmandu", "America/New_York"][u % 3]) }
        var rng = SplitMix64(seed: 77)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var lines: [Intake.Line] = []
        for n in 0..<2_000 {
            switch below(12) {
            case 0 where !lines.isEmpty: lines.append(lines[below(lines.count)]) // a repeat: duplicate, or a refusal again
            case 1: lines.append(.failure(Rejection(.invalidJSON, field: nil, "not valid JSON")))
            case 2: lines.append(.success(log("e\(below(n + 1))", "u\(below(20))", "2026-03-0\(1 + below(9))T08:00:00Z"))) // conflict or new
            case 3: lines.append(.success(log("n\(n)", "nobody", "2026-03-05T08:00:00Z")))
            default: lines.append(.success(log("e\(n)", "u\(below(20))", "2026-03-\(10 + below(18))T\(10 + below(10)):00:00Z",
                                               ["mood", "sleep"][below(2)])))
            }
        }
        func run(_ intake: Intake, batch: Int) -> (accepted: [Recorder.Call], rejected: [Recorder.Call], counts: IntakeCounts) {
            var sink = Recorder()
            for start in stride(from: 0, to: lines.count, by: batch) { intake.take(lines[start..<min(start + batch, lines.count)], into: &sink) }
            // With shards a batch's refusals come before its acceptances: compare each kind in order.
            return (sink.calls.filter { if case .accept = $0 { true } else { false } },
                    sink.calls.filter { if case .reject = $0 { true } else { false } }, intake.counts)
        }
        let engine = try w.engine()
        let inOrder = run(Intake(engine: engine), batch: 300)
        let sharded = run(Intake(shards: try EngineShards(catalog: engine.catalog, roster: engine.roster, count: shards)), batch: 128)
        #expect(sharded.accepted == inOrder.accepted)
        #expect(sharded.rejected == inOrder.rejected)
        #expect(sharded.counts == inOrder.counts)
        #expect(inOrder.counts.duplicates > 20 && inOrder.counts.achievements > 10)
        let codes = inOrder.rejected.compactMap { call -> Rejection.Code? in if case .reject(_, let code, _) = call { code } else { nil } }
        #expect(Set(codes) == Set<Rejection.Code>([.invalidJSON, .unknownUser, .conflict]))
    }

    private func counts(read: Int, accepted: Int = 0, duplicates: Int = 0, rejected: Int = 0, achievements: Int = 0) -> IntakeCounts {
        var c = IntakeCounts()
        c.read = read; c.accepted = accepted; c.duplicates = duplicates; c.rejected = rejected; c.achievements = achievements
        return c
    }
}

/// `Intake(storedEventsFor:)` is for events read back from a store, each stored once: it finds their users and
/// skips the duplicate check; an unknown user is still refused, and the engine decides as with any intake.
struct StoredEventsIntakeTests {
    @Test func storedEventsSkipTheDuplicateCheckButNotTheRoster() throws {
        var w = World()
        w.offer("s2", StreakRule(days: 2))
        w.member("ana")
        let events = [log("e1", "ana", "2026-03-01T12:00:00Z"), log("e2", "ana", "2026-03-02T12:00:00Z"),
                      log("x1", "nobody", "2026-03-02T12:00:00Z")]
        let checked = Intake(engine: try w.engine()), stored = Intake(storedEventsFor: try w.engine())
        let a = checked.take(batch: events.map { .success($0) }), b = stored.take(batch: events.map { .success($0) })
        #expect(a.earned.map(\.index) == b.earned.map(\.index))
        #expect(a.earned.flatMap(\.achievements) == b.earned.flatMap(\.achievements))
        #expect(b.rejected.map(\.index) == [2], "an unknown user is refused either way")
        // The same id again is a duplicate for a checking intake; a stored-events intake never sees one.
        guard case .duplicate = checked.take(events[0]) else { Issue.record("the checking intake must call it a duplicate"); return }
        guard case .accepted = stored.take(events[0]) else { Issue.record("the stored-events intake skips the id check"); return }
    }
}
