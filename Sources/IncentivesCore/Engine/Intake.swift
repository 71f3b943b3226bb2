import Dispatch

/// The one intake pipeline: validated lines → admission (unknown users, duplicates, conflicts — CONTRACT §4)
/// → the engine, or engines sharded by user → what each line came to, and the run's counts. `replay`, the
/// store's ingest, the console's in-memory data, the simulator and the explainer all drive it; what differs
/// between them enters through two small protocols (IntakePorts.swift): `PriorIDs`, the ids accepted before
/// (the store's events table; none in memory), and `IntakeSink`, where accepted events, refusals and what was
/// earned go (the ingest's batch of rows, `replay`'s output, a `BatchOutcome`). Prefetching and the users'
/// roster positions stay inside.
///
/// Without shards, lines are taken one by one in arrival order, each event's id-table entry, prior-ids answer
/// and user state prefetched a few events ahead. With shards, a batch is taken in two parallel steps.
/// Admission is partitioned by event id: whether an event is a duplicate or a conflict depends only on
/// earlier events with the same id, which all land in the same partition, in arrival order. The engine is
/// partitioned by user (`EngineShards`). So every verdict and every achievement is the one a single
/// admission and a single engine would give.
public final class Intake {
    /// The engine; with shards, the first shard's (use `engine(for:)` to reach a user's).
    public let engine: Engine
    private let shards: EngineShards?
    /// One admission per id partition (one in all without shards); each remembers only its own ids.
    private let admissions: [Admission]
    public private(set) var counts = IntakeCounts()
    /// False for an intake that only admits (`init(admittingFor:)`): the engine is not called.
    private let evaluates: Bool

    /// A line as the pipeline takes it: a validated event, or why the line is not one.
    public typealias Line = Result<Event, Rejection>

    public init(engine: Engine, expectedEvents: Int = 0) {
        self.engine = engine
        shards = nil
        evaluates = true
        admissions = [Admission(roster: engine.roster, expectedEvents: expectedEvents)]
    }

    /// An intake that admits (unknown users, duplicates, conflicts, in arrival order) and evaluates nothing:
    /// each new event goes to the sink with no achievements, and `engine` is never called. For the PostgreSQL
    /// inbox, whose workers evaluate the admitted events later, a user partition at a time, through
    /// `init(storedEventsFor:)` — so the verdicts are the ones a single intake would give, and the awards too.
    public init(admittingFor engine: Engine, expectedEvents: Int = 0) {
        self.engine = engine
        shards = nil
        evaluates = false
        admissions = [Admission(roster: engine.roster, expectedEvents: expectedEvents)]
    }

    /// An intake for events read back from a store, in their arrival order: each was admitted once already (a
    /// store holds one row per id), so admission finds their users and skips the duplicate check, which could
    /// never fire. For what-if previews and backfills over stored history.
    public init(storedEventsFor engine: Engine) {
        self.engine = engine
        shards = nil
        evaluates = true
        admissions = [Admission(roster: engine.roster, checksIDs: false)]
    }

    /// Evaluates with several engines partitioned by user, and admits with as many admissions partitioned
    /// by event id, in parallel a batch at a time (`take(batch:)`, `take(_:into:)`).
    public init(shards: EngineShards, expectedEvents: Int = 0) {
        engine = shards.engines[0]
        self.shards = shards
        evaluates = true
        let n = shards.engines.count
        precondition(n < Int(UInt16.max), "a line's id partition is kept in two bytes")
        admissions = (0..<n).map { _ in Admission(roster: shards.engines[0].roster, expectedEvents: (expectedEvents + n - 1) / n) }
    }

    /// The engine that holds this user's progress.
    public func engine(for user: String) -> Engine { shards?.engine(for: user) ?? engine }

    /// Every engine: one without shards, one per shard with them, each holding its own users' progress (a store
    /// gives each its own `loadProgress`, saves each one's `takeChangedMembers()` and may `forgetProgress()` each).
    /// With shards, an engine's `loadProgress` is called on its shard's thread, several engines at once.
    public var engines: [Engine] { shards?.engines ?? [engine] }

    /// How many id partitions admit in parallel: the number of `PriorIDs` that `take(_:priors:into:)` takes.
    public var idPartitions: Int { admissions.count }

    public enum Disposition: Sendable {
        case accepted([Achievement])
        case duplicate
        case rejected(Rejection)
    }

    // MARK: - One event

    /// One validated event, in arrival order (no ids accepted before this run).
    public func take(_ event: Event) -> Disposition {
        switch admit(event, key: IDDigest(event.id), prior: NoPriorIDs()) {
        case .stop(let d): return d
        case .new(let member, let engine): return .accepted(accept(engine.record(event, member: member)))
        }
    }

    /// `take(_:)` with the engine's findings for the event, reward by reward (for explanations): the same
    /// admission and the same engine, so an explanation cannot disagree with what was awarded.
    public func takeExplaining(_ event: Event) -> (disposition: Disposition, findings: [SlotFinding]) {
        switch admit(event, key: IDDigest(event.id), prior: NoPriorIDs()) {
        case .stop(let d): return (d, [])
        case .new(let member, let engine):
            let (earned, findings) = engine.recordExplaining(event, member: member)
            return (.accepted(accept(earned)), findings)
        }
    }

    /// A line that failed before it became an event (bad JSON, missing field...).
    @discardableResult
    public func reject(_ why: Rejection, countAsRead: Bool = false) -> Disposition {
        if countAsRead { counts.read += 1 }
        counts.rejected += 1
        return .rejected(why)
    }

    // MARK: - A batch of lines

    /// Lines in arrival order; what each came to goes to `sink`, by its index in `lines`. `prior` answers for
    /// ids the admission does not hold (an intake with shards takes none: its admission runs in parallel).
    public func take<Prior: PriorIDs, Sink: IntakeSink>(_ lines: ArraySlice<Line>, prior: Prior, into sink: inout Sink) throws(Prior.Failure) {
        if let shards {
            // In parallel partitions each needs a prior of its own (`take(_:priors:into:)`); no prior ids is the same for all.
            precondition(admissions.count == 1 || Prior.self == NoPriorIDs.self, "an intake with shards takes one prior per id partition: take(_:priors:into:)")
            try takeSharded(lines, shards: shards, priors: [Prior](repeating: prior, count: admissions.count), into: &sink)
        } else if !admissions[0].checksIDs && Prior.self == NoPriorIDs.self {
            takeStored(lines, into: &sink)
        } else {
            try takeInOrder(lines, prior: prior, into: &sink)
        }
    }

    /// The same, with no ids accepted before this run.
    public func take<Sink: IntakeSink>(_ lines: ArraySlice<Line>, into sink: inout Sink) {
        if let shards {
            takeSharded(lines, shards: shards, priors: [NoPriorIDs](repeating: NoPriorIDs(), count: admissions.count), into: &sink)
        } else {
            take(lines, prior: NoPriorIDs(), into: &sink)
        }
    }

    /// Lines in arrival order, for an intake with shards whose earlier ids a store answers for (the ingest): one
    /// `PriorIDs` per id partition (`idPartitions` of them), `priors[p]` asked only about ids of partition `p`, on
    /// that partition's thread, in arrival order — so each may keep its own connection and filter, and none needs
    /// a lock. What each line came to goes to `sink` as `take(_:prior:into:)` says, with exactly its verdicts and
    /// awards. A failure of any prior fails the batch (the first partition's, by number); the intake is then not
    /// to be used further (as when `take(_:prior:into:)` throws).
    public func take<Prior: PriorIDs, Sink: IntakeSink>(_ lines: ArraySlice<Line>, priors: [Prior], into sink: inout Sink) throws(Prior.Failure) {
        precondition(priors.count == admissions.count, "one prior per id partition")
        if let shards {
            try takeSharded(lines, shards: shards, priors: priors, into: &sink)
        } else {
            try take(lines, prior: priors[0], into: &sink)
        }
    }

    /// What a batch of lines came to, only where there is something to say: most events earn nothing.
    public struct BatchOutcome: Sendable, IntakeSink {
        /// Accepted events that earned achievements: their index in the batch and what they earned, in order.
        public var earned: [(index: Int, achievements: [Achievement])] = []
        /// Refused lines: their index in the batch and why, in order.
        public var rejected: [(index: Int, why: Rejection)] = []

        public init() {}

        public mutating func reject(at index: Int, _ why: Rejection, event: Event?) { rejected.append((index, why)) }

        public mutating func accept(at index: Int, _ event: Event, earned achievements: [Achievement]) {
            if !achievements.isEmpty { earned.append((index, achievements)) }
        }

        public static var takesEventsThatEarnNothing: Bool { false }
    }

    /// A batch of lines in arrival order, each a validated event or the reason it is not one.
    public func take(batch: [Line]) -> BatchOutcome {
        var outcome = BatchOutcome()
        take(batch[...], into: &outcome)
        return outcome
    }

    // MARK: - Bounded memory

    /// How many event ids the admission holds.
    public var rememberedIDs: Int { admissions.reduce(0) { $0 + $1.remembered } }

    /// Forgets every id the admission holds, to bound memory; from now on `prior` answers for them (it is
    /// told, `PriorIDs.forgotten()`), so it must know every id accepted so far.
    public func forgetIDs<Prior: PriorIDs>(answeredBy prior: Prior) {
        for a in admissions { a.forgetSeen() }
        prior.forgotten()
    }

    /// The same for an intake with shards: each partition's prior is told.
    public func forgetIDs<Prior: PriorIDs>(answeredBy priors: [Prior]) {
        precondition(priors.count == admissions.count, "one prior per id partition")
        for a in admissions { a.forgetSeen() }
        for p in priors { p.forgotten() }
    }

    // MARK: - The steps

    /// The id partition an event's admission belongs to.
    private func partition(of key: IDDigest) -> Int {
        admissions.count == 1 ? 0 : Int(key.high % UInt64(admissions.count))
    }

    /// Admission for one event, with the counts: where it stops (a duplicate, a refusal), or the engine that
    /// holds its user and its roster position. Every path of the intake but the parallel one goes through it.
    private enum Admitted {
        case stop(Disposition)
        case new(member: Int, engine: Engine)
    }

    @inline(__always)
    private func admit<Prior: PriorIDs>(_ event: Event, key: IDDigest, prior: Prior) throws(Prior.Failure) -> Admitted {
        let user = IDDigest(event.user)
        return try admit(event, key: key, user: user, member: engine.roster.position(of: event.user, digest: user), prior: prior)
    }

    /// The same for an event whose user was found already (`user`: their id's digest; `member`: their roster
    /// position, nil when not on it).
    @inline(__always)
    private func admit<Prior: PriorIDs>(_ event: Event, key: IDDigest, user: IDDigest, member: Int?, prior: Prior) throws(Prior.Failure) -> Admitted {
        let (verdict, member) = try admissions[partition(of: key)].judge(event, key: key, user: user, member: member, prior: prior)
        counts.read += 1
        switch verdict {
        case .duplicate:
            counts.duplicates += 1
            return .stop(.duplicate)
        case .rejected(let why):
            return .stop(reject(why))
        case .new:
            prior.admitted(key)
            return .new(member: member, engine: shards.map { $0.engines[$0.shard(ofMember: member)] } ?? engine)
        }
    }

    /// Counts an accepted event and what it earned.
    @inline(__always)
    private func accept(_ achievements: [Achievement]) -> [Achievement] {
        counts.accepted += 1
        counts.achievements += achievements.count
        return achievements
    }

    /// Without shards: line by line in arrival order, prefetching ahead.
    private func takeInOrder<Prior: PriorIDs, Sink: IntakeSink>(_ lines: ArraySlice<Line>, prior: Prior, into sink: inout Sink) throws(Prior.Failure) {
        // Each event's id digest and user, found once for the batch so that what an event will touch (its id's
        // table entry, the prior ids' answer, its user's state) can be prefetched a few events ahead: with many
        // ids and users these are far from the caches, and the look-ups would otherwise wait on memory one by one.
        let roster = engine.roster
        var keys: [IDDigest?] = [], users: [Int] = [], userKeys: [IDDigest] = []
        keys.reserveCapacity(lines.count)
        users.reserveCapacity(lines.count)
        userKeys.reserveCapacity(lines.count)
        for line in lines {
            if case .success(let e) = line {
                keys.append(IDDigest(e.id))
                let u = IDDigest(e.user)
                userKeys.append(u)
                users.append(roster.position(of: e.user, digest: u) ?? -1)
            } else {
                keys.append(nil)
                userKeys.append(IDDigest(high: 0, low: 0))
                users.append(-1)
            }
        }
        let admission = admissions[0], n = lines.count, base = lines.startIndex
        for k in 0..<n {
            if k + Prefetch.ids < n, let key = keys[k + Prefetch.ids] {
                admission.prefetch(key)
                prior.prefetch(key)
            }
            if evaluates { prefetchMembers(after: k, of: users) }
            let i = base + k
            switch lines[i] {
            case .failure(let why):
                refuse(why, at: i, into: &sink)
            case .success(let event):
                // The user as found above: admission does not look them up again.
                switch try admit(event, key: keys[k]!, user: userKeys[k], member: users[k] >= 0 ? users[k] : nil, prior: prior) {
                case .stop(.rejected(let why)): sink.reject(at: i, why, event: event)
                case .stop: sink.duplicate(at: i, event)
                case .new(let member, let engine):
                    let earned = accept(evaluates ? engine.record(event, member: member) : [])
                    if Sink.takesEventsThatEarnNothing || !earned.isEmpty { sink.accept(at: i, event, member: member, earned: earned) }
                }
            }
        }
    }

    /// Prefetches, stage by stage, the state of the members a few lines after line `k` (`users`: roster positions,
    /// -1 for none), so that it is in cache when their events come.
    @inline(__always)
    private func prefetchMembers(after k: Int, of users: [Int]) {
        for (ahead, stage) in Prefetch.userStages where k + ahead < users.count && users[k + ahead] >= 0 {
            engine.prefetch(member: users[k + ahead], stage: stage)
        }
    }

    /// A line that is not an event (bad JSON, a missing field...): counted as read and refused.
    @inline(__always)
    private func refuse<Sink: IntakeSink>(_ why: Rejection, at i: Int, into sink: inout Sink) {
        reject(why, countAsRead: true)
        sink.reject(at: i, why, event: nil)
    }

    /// Stored events (`init(storedEventsFor:)`): no id to check, so each event's user is found once and its state
    /// prefetched ahead; nothing else stands between the line and the engine. A preview or a backfill spends its
    /// time here.
    private func takeStored<Sink: IntakeSink>(_ lines: ArraySlice<Line>, into sink: inout Sink) {
        let roster = engine.roster
        var users: [Int] = []
        users.reserveCapacity(lines.count)
        for line in lines {
            if case .success(let e) = line { users.append(roster.position(of: e.user) ?? -1) } else { users.append(-1) }
        }
        let n = lines.count, base = lines.startIndex
        for k in 0..<n {
            prefetchMembers(after: k, of: users)
            let i = base + k
            switch lines[i] {
            case .failure(let why):
                refuse(why, at: i, into: &sink)
            case .success(let event):
                counts.read += 1
                guard users[k] >= 0 else {
                    let why = Rejection.unknownUser(event.user)
                    reject(why)
                    sink.reject(at: i, why, event: event)
                    continue
                }
                let earned = accept(engine.record(event, member: users[k]))
                if Sink.takesEventsThatEarnNothing || !earned.isEmpty { sink.accept(at: i, event, member: users[k], earned: earned) }
            }
        }
    }

    /// With shards: admission in parallel by id partition, then the engines in parallel by user partition.
    private func takeSharded<Prior: PriorIDs, Sink: IntakeSink>(_ lines: ArraySlice<Line>, shards: EngineShards, priors: [Prior],
                                                               into sink: inout Sink) throws(Prior.Failure) {
        let admitted = try admitSharded(lines, priors: priors)
        evaluate(lines, admitted: admitted, shards: shards, into: &sink)
    }

    // MARK: - Admission and evaluation apart

    /// What admission made of a batch, for its evaluation (`admit(_:)`, then `take(_:admitted:into:)`).
    public struct AdmittedBatch: @unchecked Sendable {
        fileprivate let verdicts: [ShardedVerdict]
        /// Each new event's index in the batch's lines, and its user's roster position, in arrival order.
        fileprivate let freshPlaces: [Int]
        fileprivate let freshMembers: [Int]
    }

    /// Admission alone (unknown users, duplicates, conflicts), for a pipeline that admits a batch on one thread
    /// while another evaluates the batch before it (`replay`: the reader thread admits, a stage of its own).
    /// Admission depends only on the ids and the roster, never on what the engines did, so the verdicts are the
    /// ones `take(_:into:)` gives. Batches must be admitted in arrival order, one at a time, and each then taken
    /// with `take(_:admitted:into:)` in the same order; nothing else may be taken by this intake meanwhile. For an
    /// intake with shards and no prior ids.
    public func admit(_ lines: ArraySlice<Line>) -> AdmittedBatch {
        precondition(shards != nil, "admission apart is for an intake with shards")
        return admitSharded(lines, priors: [NoPriorIDs](repeating: NoPriorIDs(), count: admissions.count))
    }

    /// Evaluation and the sink for a batch admitted by `admit(_:)`: the same calls, counts and awards as
    /// `take(_:into:)` of the same lines. Touches only the engines and the counts, never the admission, so it may
    /// run on another thread than `admit`, beside the admission of the next batch.
    public func take<Sink: IntakeSink>(_ lines: ArraySlice<Line>, admitted: AdmittedBatch, into sink: inout Sink) {
        guard let shards else { preconditionFailure("admission apart is for an intake with shards") }
        precondition(admitted.verdicts.count == lines.count, "the admitted batch is these lines'")
        evaluate(lines, admitted: admitted, shards: shards, into: &sink)
    }

    /// Steps 1 and 2 of a sharded batch: admission, one thread per id partition, then the verdicts in arrival order,
    /// the new events found for the engines by their place (not copied).
    private func admitSharded<Prior: PriorIDs>(_ lines: ArraySlice<Line>, priors: [Prior]) throws(Prior.Failure) -> AdmittedBatch {
        let (perPartition, owner) = try admitInParallel(lines, priors: priors)
        var freshPlaces: [Int] = [], freshMembers: [Int] = []
        freshPlaces.reserveCapacity(lines.count)
        freshMembers.reserveCapacity(lines.count)
        var verdicts: [ShardedVerdict] = []
        verdicts.reserveCapacity(lines.count)
        var next = [Int](repeating: 0, count: perPartition.count)
        for i in lines.indices {
            guard case .success = lines[i] else {
                verdicts.append(.notEvent)
                continue
            }
            // The partition whose next verdict is this line's.
            let p = Int(owner[i - lines.startIndex])
            let judged = perPartition[p][next[p]]
            next[p] += 1
            switch judged.verdict {
            case .duplicate:
                verdicts.append(.duplicate)
            case .rejected(let why):
                verdicts.append(.rejected(why))
            case .new:
                verdicts.append(.fresh(freshPlaces.count))
                freshPlaces.append(i)
                freshMembers.append(judged.member)
            }
        }
        return AdmittedBatch(verdicts: verdicts, freshPlaces: freshPlaces, freshMembers: freshMembers)
    }

    /// Steps 3 and 4: the new events, one thread per user partition (only those that earned come back, in order),
    /// then every line to the sink in arrival order, refusals, duplicates and accepted events interleaved as
    /// `takeInOrder` gives them: a sink may depend on it (the ingest's duplicate arrivals note the last event
    /// accepted before them).
    private func evaluate<Sink: IntakeSink>(_ lines: ArraySlice<Line>, admitted: AdmittedBatch, shards: EngineShards, into sink: inout Sink) {
        let fresh = FreshEvents(lines: lines, places: admitted.freshPlaces)
        let freshMembers = admitted.freshMembers
        let earned = shards.record(fresh, members: freshMembers)
        var e = 0
        for i in lines.indices {
            switch admitted.verdicts[i - lines.startIndex] {
            case .notEvent:
                if case .failure(let why) = lines[i] { refuse(why, at: i, into: &sink) }
            case .duplicate:
                counts.read += 1
                counts.duplicates += 1
                if case .success(let event) = lines[i] { sink.duplicate(at: i, event) }
            case .rejected(let why):
                counts.read += 1
                reject(why)
                if case .success(let event) = lines[i] { sink.reject(at: i, why, event: event) }
            case .fresh(let k):
                counts.read += 1
                counts.accepted += 1
                var got: [Achievement] = []
                if e < earned.count && earned[e].index == k {
                    got = earned[e].achievements
                    e += 1
                }
                counts.achievements += got.count
                if Sink.takesEventsThatEarnNothing || !got.isEmpty { sink.accept(at: i, fresh[k], member: freshMembers[k], earned: got) }
            }
        }
    }

    /// A sharded batch's new events, read in place from its lines: each is copied out by the engine's thread that
    /// takes it, not first into an array of their own on the intake's thread, which the engines' threads wait for.
    struct FreshEvents: RandomAccessCollection, @unchecked Sendable {
        let lines: ArraySlice<Line>
        /// Each new event's index in `lines`, in arrival order.
        let places: [Int]

        var startIndex: Int { 0 }
        var endIndex: Int { places.count }

        subscript(k: Int) -> Event {
            guard case .success(let event) = lines[places[k]] else { preconditionFailure("a new event's line holds an event") }
            return event
        }
    }

    /// What admission made of one line of a sharded batch, kept until the engines have run.
    fileprivate enum ShardedVerdict {
        case notEvent
        case duplicate
        case rejected(Rejection)
        /// Accepted: its place among the batch's new events.
        case fresh(Int)
    }

    /// Each partition's verdicts on its own events, in arrival order, and each line's partition (`noPartition` for
    /// a line that is not an event). Each thread keeps a list of its own, merged by the caller: writing verdicts at
    /// their places in one shared array had the cores fight over cache lines, since partitions interleave through
    /// the batch.
    ///
    /// Two parallel steps: each thread digests the ids of one stretch of the batch (each id once: with every
    /// partition digesting every id, as before, each thread's share of the digests stayed the whole batch, and
    /// admission could not go faster than one core's digesting however many cores there were), then each
    /// partition judges its own events, found by a scan of the partition numbers (two bytes a line).
    private func admitInParallel<Prior: PriorIDs>(_ lines: ArraySlice<Line>, priors: [Prior]) throws(Prior.Failure) -> ([[Judged]], [UInt16]) {
        var perPartition = [[Judged]](repeating: [], count: admissions.count)
        var failures = [Prior.Failure?](repeating: nil, count: admissions.count)
        var keys = [IDDigest](repeating: IDDigest(high: 0, low: 0), count: lines.count)
        var owner = [UInt16](repeating: Self.noPartition, count: lines.count)
        let parts = admissions.count
        keys.withUnsafeMutableBufferPointer { k in
            owner.withUnsafeMutableBufferPointer { o in
                let keysOut = SharedBuffer(base: k.baseAddress!), ownerOut = SharedBuffer(base: o.baseAddress!)
                let work = DigestInput(lines: lines)
                DispatchQueue.concurrentPerform(iterations: parts) { t in
                    let n = work.lines.count, base = work.lines.startIndex
                    for k in (t * n / parts)..<((t + 1) * n / parts) {
                        guard case .success(let event) = work.lines[base + k] else { continue }
                        let key = IDDigest(event.id)
                        keysOut.base[k] = key
                        ownerOut.base[k] = UInt16(key.high % UInt64(parts))
                    }
                }
            }
        }
        perPartition.withUnsafeMutableBufferPointer { buffer in
          failures.withUnsafeMutableBufferPointer { failed in
            let out = SharedBuffer(base: buffer.baseAddress!), failure = SharedBuffer(base: failed.baseAddress!)
            let work = AdmissionWork(admissions: admissions, lines: lines, priors: priors)
            let digests = DigestWork(keys: keys, owner: owner)
            DispatchQueue.concurrentPerform(iterations: work.admissions.count) { p in
                let admission = work.admissions[p]
                let prior = work.priors[p]
                var own: [(index: Int, key: IDDigest)] = []
                own.reserveCapacity(work.lines.count / work.admissions.count + 64)
                let mine = UInt16(p), base = work.lines.startIndex
                for k in digests.owner.indices where digests.owner[k] == mine { own.append((base + k, digests.keys[k])) }
                // Ids are random over a table much larger than the caches: ask for the entry a few
                // events ahead so that memory latency overlaps the work on the current one.
                var judged: [Judged] = []
                judged.reserveCapacity(own.count)
                do throws(Prior.Failure) {
                    for j in own.indices {
                        if j + Prefetch.ids < own.count {
                            admission.prefetch(own[j + Prefetch.ids].key)
                            prior.prefetch(own[j + Prefetch.ids].key)
                        }
                        let (i, key) = own[j]
                        guard case .success(let event) = work.lines[i] else { continue }
                        let (verdict, member) = try admission.judge(event, key: key, prior: prior)
                        if case .new = verdict { prior.admitted(key) }
                        judged.append(Judged(index: i, member: member, verdict: verdict))
                    }
                } catch {
                    failure.base[p] = error
                }
                out.base[p] = judged  // one write per thread, at the end
            }
          }
        }
        if let first = failures.first(where: { $0 != nil }), let error = first { throw error }
        return (perPartition, owner)
    }

    /// The partition number of a line that is not an event.
    private static let noPartition = UInt16.max

    /// One admission verdict, at its line in the batch.
    private struct Judged {
        let index: Int
        let member: Int
        let verdict: Admission.Verdict
    }
}

/// The lines whose ids the digesting threads digest, each thread a stretch.
private struct DigestInput: @unchecked Sendable {
    let lines: ArraySlice<Intake.Line>
}

/// Each line's id digest and partition, read by every admission thread.
private struct DigestWork: @unchecked Sendable {
    let keys: [IDDigest]
    let owner: [UInt16]
}

/// What the admission threads read: each thread uses one admission only.
private struct AdmissionWork<Prior: PriorIDs>: @unchecked Sendable {
    let admissions: [Admission]
    let lines: ArraySlice<Intake.Line>
    /// One per partition, each used by its partition's thread only.
    let priors: [Prior]
}

/// The numbers in the closing summary line.
public struct IntakeCounts: Sendable, Equatable {
    public var read = 0
    public var accepted = 0
    public var duplicates = 0
    public var rejected = 0
    public var achievements = 0

    public init() {}

    /// `events: R read, A accepted, D duplicates, X rejected; achievements: N` (CONTRACT §5).
    public var summary: String {
        "events: \(read) read, \(accepted) accepted, \(duplicates) duplicates, \(rejected) rejected; achievements: \(achievements)"
    }

    public static func + (a: IntakeCounts, b: IntakeCounts) -> IntakeCounts {
        var c = a
        c.read += b.read; c.accepted += b.accepted; c.duplicates += b.duplicates
        c.rejected += b.rejected; c.achievements += b.achievements
        return c
    }
}
