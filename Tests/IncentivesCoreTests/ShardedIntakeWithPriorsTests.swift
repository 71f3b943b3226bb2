import Foundation
import IncentivesCore
import Testing

/// The one partition function of users (`UserPartition`): PostgreSQL's hash partitioning of a text key, so that
/// shard `p` of 8 owns exactly what PostgreSQL's partition `p` of 8 holds. The literal values were read from a
/// PostgreSQL server (`SELECT hashtextextended(u, 8816678312871386365)` and the `tableoid` of each row inserted
/// into a table `PARTITION BY HASH (user_id)` of 8 partitions); `UserPartitionPostgresTests` asks a live server too.
@Suite("One partition function of users")
struct UserPartitionTests {
    static let fromPostgreSQL: [(user: String, hashtextextended: Int64, partitionOf8: Int)] = [
        ("", -5_700_645_584_453_517_373, 6),
        ("a", -6_705_225_459_120_232_837, 6),
        ("u-00078", 1_378_237_358_201_562_472, 3),
        ("user-0000001", 6_340_123_726_189_047_705, 4),
        ("abcdefghijkl", -7_876_791_541_613_377_658, 1), // exactly one 12-byte block
        ("abcdefghijklm", -6_785_754_114_725_280_077, 6),
        ("ünïcødé-user-42", -3_566_019_400_598_431_233, 2),
        ("x", 862_710_693_865_977_740, 7),
    ]

    @Test func itIsPostgreSQLsHashPartitioning() {
        for c in Self.fromPostgreSQL {
            // The row hash is hash_combine64(0, h) = h + 0x49a0f4dd15e5a8e3.
            #expect(Int64(bitPattern: UserPartition.hash(c.user) &- 0x49A0_F4DD_15E5_A8E3) == c.hashtextextended, "\(c.user)")
            #expect(UserPartition.of(c.user, among: 8) == c.partitionOf8, "\(c.user)")
        }
    }

    @Test func shardsOwnTheirUsersByIt() throws {
        var w = World()
        w.offer("s2", StreakRule(days: 2))
        for c in Self.fromPostgreSQL where !c.user.isEmpty { w.member(c.user) }
        let engine = try w.engine()
        for count in [1, 2, 3, 8] {
            let shards = try EngineShards(catalog: engine.catalog, roster: engine.roster, count: count)
            for c in Self.fromPostgreSQL where !c.user.isEmpty {
                #expect(shards.shard(of: c.user) == UserPartition.of(c.user, among: count))
            }
        }
    }
}

/// An intake with shards is what one intake is, line for line and in the same order, with ids accepted before it
/// answered by one `PriorIDs` per id partition (the store's ingest), and its outcomes merged back in arrival order.
@Suite("A sharded intake with prior ids, and the merge's order")
struct ShardedIntakeWithPriorsTests {
    /// The ids a store holds: what earlier batches committed. Read by the partition threads during a batch (reads
    /// only), written by the test between batches.
    final class StoredTable: @unchecked Sendable {
        var fingerprints: [String: UInt64] = [:]
    }

    /// One partition's prior ids: asked only about its own partition's ids, and recording what it was asked.
    final class PartitionPrior: PriorIDs {
        typealias Failure = Never
        let store: StoredTable
        let partition: Int, partitions: Int
        var asked: [String] = []
        var strays = 0
        var forgottenCalls = 0

        init(_ store: StoredTable, partition: Int, of partitions: Int) {
            self.store = store
            self.partition = partition
            self.partitions = partitions
        }

        func fingerprint(of event: Event, key: IDDigest) -> UInt64? {
            if partitions > 1 && Int(key.high % UInt64(partitions)) != partition { strays += 1 }
            asked.append(event.id)
            return store.fingerprints[event.id]
        }

        func forgotten() { forgottenCalls += 1 }
    }

    /// Everything the sink heard, each kind in order, and the store's ids after each batch.
    struct Heard: IntakeSink {
        var accepted: [String] = []
        var rejected: [String] = []
        var events: [Event] = []

        mutating func reject(at index: Int, _ why: Rejection, event: Event?) { rejected.append("\(index) \(why.code.rawValue)") }

        mutating func accept(at index: Int, _ event: Event, earned: [Achievement]) {
            accepted.append("\(index) \(event.id) \(earned.map(\.jsonLine))")
            events.append(event)
        }
    }

    /// A jumble: new events of 30 users, repeats (duplicates, or a conflict when another event took the id), lines
    /// that are not events, unknown users, and ids a store holds already (same content: a duplicate; other: a conflict).
    static func world() throws -> (Engine, [Intake.Line], [String: UInt64]) {
        var w = World()
        w.offer("s3", StreakRule(days: 3), limit: 3)
        w.offer("w4", DaysInWindowRule(days: 4, window: 7), categories: ["mood", "sleep"], limit: 2)
        for u in 0..<30 { w.member("u\(u)", zone: ["UTC", "Asia/Kathmandu", "America/New_York"][u % 3]) }
        var rng = SplitMix64(seed: 2027)
        func below(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
        var stored: [String: UInt64] = [:]
        for k in 0..<200 {
            let e = log("old\(k)", "u\(below(30))", "2026-02-\(10 + below(18))T08:00:00Z")
            stored[e.id] = e.contentFingerprint
        }
        var lines: [Intake.Line] = []
        for n in 0..<6_000 {
            switch below(14) {
            case 0 where !lines.isEmpty: lines.append(lines[below(lines.count)])
            case 1: lines.append(.failure(Rejection(.invalidJSON, field: nil, "not valid JSON")))
            case 2: lines.append(.success(log("e\(below(n + 1))", "u\(below(30))", "2026-03-0\(1 + below(9))T08:00:00Z")))
            case 3: lines.append(.success(log("n\(n)", "nobody", "2026-03-05T08:00:00Z")))
            case 4: lines.append(.success(log("old\(below(200))", "u\(below(30))", "2026-02-\(10 + below(18))T08:00:00Z")))
            default: lines.append(.success(log("e\(n)", "u\(below(30))", "2026-03-\(10 + below(18))T\(10 + below(10)):00:00Z",
                                               ["mood", "sleep"][below(2)])))
            }
        }
        return (try w.engine(), lines, stored)
    }

    /// Runs `lines` in batches, committing each batch's accepted events to the store's table after it, and
    /// forgetting the intake's ids after the batch `forgetAfter` (the ingest's bounded memory).
    static func run(_ intake: Intake, _ lines: [Intake.Line], stored: [String: UInt64], batch: Int, forgetAfter: Int)
        -> (heard: Heard, counts: IntakeCounts, priors: [PartitionPrior]) {
        let store = StoredTable()
        store.fingerprints = stored
        let n = intake.idPartitions
        let priors = (0..<n).map { PartitionPrior(store, partition: $0, of: n) }
        var heard = Heard()
        var b = 0
        for start in stride(from: 0, to: lines.count, by: batch) {
            let before = heard.events.count
            intake.take(lines[start..<min(start + batch, lines.count)], priors: priors, into: &heard)
            for e in heard.events[before...] { store.fingerprints[e.id] = e.contentFingerprint }
            if b == forgetAfter { intake.forgetIDs(answeredBy: priors) }
            b += 1
        }
        return (heard, intake.counts, priors)
    }

    @Test(arguments: [2, 3, 5])
    func priorsPerPartitionGiveOneIntakesAnswers(partitions: Int) throws {
        let (engine, lines, stored) = try Self.world()
        // The same batches and the same forgetting for both, so that the ids asked about are the same too.
        let one = Self.run(Intake(engine: engine), lines, stored: stored, batch: 600, forgetAfter: 4)
        let shards = try EngineShards(catalog: engine.catalog, roster: engine.roster, count: partitions)
        let sharded = Self.run(Intake(shards: shards), lines, stored: stored, batch: 600, forgetAfter: 4)
        #expect(sharded.heard.accepted == one.heard.accepted)
        #expect(sharded.heard.rejected == one.heard.rejected)
        #expect(sharded.counts == one.counts)
        // The world has every case in it.
        #expect(one.counts.duplicates > 50 && one.counts.achievements > 50)
        #expect(one.heard.rejected.contains { $0.hasSuffix(" conflict") } && one.heard.rejected.contains { $0.hasSuffix(" unknown-user") })
        // Each prior was asked only about its own partition's ids, every one was asked (the stored ids), and each
        // was told when the intake forgot.
        #expect(sharded.priors.allSatisfy { $0.strays == 0 && !$0.asked.isEmpty && $0.forgottenCalls == 1 })
        #expect(Set(sharded.priors.flatMap(\.asked)) == Set(one.priors[0].asked))
    }

    /// `replay`'s pipeline: each batch admitted on another thread (`Intake.admit`), running ahead, while this one
    /// takes the batch before it through the engines (`take(_:admitted:into:)`) — the same verdicts, awards, order
    /// and counts as one intake taking each batch whole. With no ids accepted before (replay's case).
    @Test(arguments: [1, 2, 3])
    func admissionApartFromEvaluationGivesOneIntakesAnswers(shards count: Int) throws {
        let (engine, lines, _) = try Self.world()
        let batches = stride(from: 0, to: lines.count, by: 500).map { lines[$0..<min($0 + 500, lines.count)] }
        let one = Intake(engine: engine)
        var expected = Heard()
        for b in batches { one.take(b, into: &expected) }

        let intake = Intake(shards: try EngineShards(catalog: engine.catalog, roster: engine.roster, count: count))
        let admitted = AdmittedQueue(count: batches.count)
        // The intake is shared on purpose: admission and evaluation touch disjoint parts of it (`Intake.admit`).
        let shared = UncheckedIntake(intake: intake)
        let admitting = Thread {
            for (k, b) in batches.enumerated() { admitted.put(k, shared.intake.admit(b)) }
        }
        admitting.start()
        var heard = Heard()
        for (k, b) in batches.enumerated() { intake.take(b, admitted: admitted.take(k), into: &heard) }
        #expect(heard.accepted == expected.accepted)
        #expect(heard.rejected == expected.rejected)
        #expect(intake.counts == one.counts)
        #expect(one.counts.duplicates > 50 && one.counts.achievements > 50 && one.counts.rejected > 50)
    }

    struct UncheckedIntake: @unchecked Sendable { let intake: Intake }

    /// Admitted batches handed from the admitting thread to the evaluating one, each waited for by its number.
    final class AdmittedQueue: @unchecked Sendable {
        private var slots: [Intake.AdmittedBatch?]
        private let ready: [DispatchSemaphore]
        private let lock = NSLock()

        init(count: Int) {
            slots = Array(repeating: nil, count: count)
            ready = (0..<count).map { _ in DispatchSemaphore(value: 0) }
        }

        func put(_ k: Int, _ batch: Intake.AdmittedBatch) {
            lock.lock(); slots[k] = batch; lock.unlock()
            ready[k].signal()
        }

        func take(_ k: Int) -> Intake.AdmittedBatch {
            ready[k].wait()
            lock.lock(); defer { lock.unlock() }
            return slots[k]!
        }
    }

    /// What the store's ingest does with shards: every shard's changed users' progress saved after some batches
    /// (`engines`, `takeChangedMembers()` per shard), each shard's engine then forgetting it and loading it back on
    /// demand, on its own thread, from what was saved — the same awards, in the same order, as one engine that
    /// never forgot.
    @Test(arguments: [2, 3])
    func progressSavedPerShardRestoresExactly(shards count: Int) throws {
        let (engine, lines, stored) = try Self.world()
        let one = Self.run(Intake(engine: engine), lines, stored: stored, batch: 600, forgetAfter: 4)
        let shards = try EngineShards(catalog: engine.catalog, roster: engine.roster, count: count)
        let intake = Intake(shards: shards)
        #expect(intake.engines.count == count)
        let saved = StoredProgress()
        for e in intake.engines { e.loadProgress = { saved.states[$0.id] } }
        let store = StoredTable()
        store.fingerprints = stored
        let priors = (0..<intake.idPartitions).map { PartitionPrior(store, partition: $0, of: intake.idPartitions) }
        var heard = Heard()
        var b = 0, savedUsers = 0
        for start in stride(from: 0, to: lines.count, by: 600) {
            let before = heard.events.count
            intake.take(lines[start..<min(start + 600, lines.count)], priors: priors, into: &heard)
            for e in heard.events[before...] { store.fingerprints[e.id] = e.contentFingerprint }
            if b == 4 { intake.forgetIDs(answeredBy: priors) }
            if b % 3 == 1 {
                for e in intake.engines {
                    for m in e.takeChangedMembers() {
                        saved.states[m.id] = try #require(e.encodedProgress(of: m.id), "changed user \(m.id) has progress to save")
                        savedUsers += 1
                    }
                    e.forgetProgress()
                }
            }
            b += 1
        }
        #expect(savedUsers > 30)
        #expect(heard.accepted == one.heard.accepted)
        #expect(heard.rejected == one.heard.rejected)
        #expect(intake.counts == one.counts)
    }

    /// Saved progress by user id (the store's progress table).
    final class StoredProgress: @unchecked Sendable {
        var states: [String: [UInt8]] = [:]
    }

    struct Refused: Error, Equatable { let id: String }

    /// A prior whose look-up fails for one id (a database error).
    struct FailingPrior: PriorIDs {
        let failOn: String
        func fingerprint(of event: Event, key: IDDigest) throws(Refused) -> UInt64? {
            if event.id == failOn { throw Refused(id: event.id) }
            return nil
        }
    }

    @Test func aPartitionsFailedLookupFailsTheBatch() throws {
        let (engine, lines, _) = try Self.world()
        let intake = Intake(shards: try EngineShards(catalog: engine.catalog, roster: engine.roster, count: 3))
        // An id the store holds, on a known user's line: the prior is asked about it.
        let asked = try #require(lines.lazy.compactMap { line -> String? in
            guard case .success(let e) = line, e.id.hasPrefix("old"), e.user.hasPrefix("u") else { return nil }
            return e.id
        }.first)
        var heard = Heard()
        #expect(throws: Refused(id: asked)) {
            try intake.take(lines[...], priors: (0..<3).map { _ in FailingPrior(failOn: asked) }, into: &heard)
        }
    }

    /// `replay`'s sink hears only events that earned, in arrival order: the shards' lists must be merged by
    /// index. Planting a merge that reverses the lists (or takes one shard's list before the other's) makes this
    /// fail; sorting the outcome before comparing would hide it, so nothing here sorts.
    @Test(arguments: [2, 3, 8])
    func outcomesComeBackInArrivalOrder(shards count: Int) throws {
        let (engine, lines, _) = try Self.world()
        let one = Intake(engine: engine).take(batch: lines)
        let shards = try EngineShards(catalog: engine.catalog, roster: engine.roster, count: count)
        let sharded = Intake(shards: shards).take(batch: lines)
        #expect(one.earned.count > 50)
        #expect(sharded.earned.map(\.index) == one.earned.map(\.index))
        #expect(sharded.earned.flatMap(\.achievements).map(\.jsonLine) == one.earned.flatMap(\.achievements).map(\.jsonLine))
        #expect(sharded.rejected.map(\.index) == one.rejected.map(\.index))
        // The awards' own numbering (their ids hash who, which reward and which award of it) follows too.
        #expect(sharded.earned.flatMap(\.achievements).map(\.id) == one.earned.flatMap(\.achievements).map(\.id))
        // And the engines' own merge, without admission in front.
        let fresh = lines.compactMap { if case .success(let e) = $0 { e } else { nil } }
        let alone = try EngineShards(catalog: engine.catalog, roster: engine.roster, count: count).recordEarning(fresh)
        let single = try EngineShards(catalog: engine.catalog, roster: engine.roster, count: 1).recordEarning(fresh)
        #expect(alone.map(\.index) == single.map(\.index))
        #expect(alone.map(\.index) == alone.map(\.index).sorted())
    }
}
