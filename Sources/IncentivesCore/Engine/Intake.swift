import Dispatch

/// The in-memory front of the engine used by `replay` and the console's simulator: admission
/// (unknown users, duplicates, conflicts — CONTRACT §4), then the engine, and the run's counts.
/// The store does the same admission against its event table instead.
///
/// With shards, a batch is taken in two parallel steps. Admission is partitioned by event id: whether an
/// event is a duplicate or a conflict depends only on earlier events with the same id, which all land in
/// the same partition, in arrival order. The engine is partitioned by user (`EngineShards`). So every
/// verdict and every achievement is the one a single admission and a single engine would give.
public final class Intake {
    /// The engine; with shards, the first shard's (use `engine(for:)` to reach a user's).
    public let engine: Engine
    private let shards: EngineShards?
    /// One admission per id partition (one in all without shards); each remembers only its own ids.
    private let admissions: [Admission]
    public private(set) var counts = IntakeCounts()

    public init(engine: Engine, expectedEvents: Int = 0) {
        self.engine = engine
        shards = nil
        admissions = [Admission(roster: engine.roster, expectedEvents: expectedEvents)]
    }

    /// Evaluates with several engines partitioned by user, and admits with as many admissions partitioned
    /// by event id, in parallel a batch at a time (`take(batch:)`).
    public init(shards: EngineShards, expectedEvents: Int = 0) {
        engine = shards.engines[0]
        self.shards = shards
        let n = shards.engines.count
        admissions = (0..<n).map { _ in Admission(roster: shards.engines[0].roster, expectedEvents: (expectedEvents + n - 1) / n) }
    }

    /// The engine that holds this user's progress.
    public func engine(for user: String) -> Engine { shards?.engine(for: user) ?? engine }

    public enum Disposition: Sendable {
        case accepted([Achievement])
        case duplicate
        case rejected(Rejection)
    }

    /// The id partition an event's admission belongs to.
    private func partition(of key: IDDigest) -> Int {
        admissions.count == 1 ? 0 : Int(key.high % UInt64(admissions.count))
    }

    /// Admission for one event, with the counts: where it stops (a duplicate, a refusal), or the engine that
    /// holds its user and its roster position. `take` and `takeExplaining` share it, so they cannot differ.
    private enum Admitted {
        case stop(Disposition)
        case new(member: Int, engine: Engine)
    }

    @inline(__always)
    private func admit(_ event: Event) -> Admitted {
        let key = IDDigest(event.id)
        let (verdict, member) = admissions[partition(of: key)].judge(event, key: key)
        counts.read += 1
        switch verdict {
        case .duplicate:
            counts.duplicates += 1
            return .stop(.duplicate)
        case .rejected(let why):
            return .stop(reject(why))
        case .new:
            return .new(member: member, engine: shards.map { $0.engines[$0.shard(ofMember: member)] } ?? engine)
        }
    }

    /// One validated event, in arrival order.
    public func take(_ event: Event) -> Disposition {
        switch admit(event) {
        case .stop(let d): return d
        case .new(let member, let engine): return accept(engine.record(event, member: member))
        }
    }

    /// `take(_:)` with the engine's findings for the event, reward by reward (for explanations): the same
    /// admission and the same engine, so an explanation cannot disagree with what was awarded.
    public func takeExplaining(_ event: Event) -> (disposition: Disposition, findings: [SlotFinding]) {
        switch admit(event) {
        case .stop(let d): return (d, [])
        case .new(let member, let engine):
            let (earned, findings) = engine.recordExplaining(event, member: member)
            return (accept(earned), findings)
        }
    }

    /// What a batch of lines came to, only where there is something to say: most events earn nothing.
    public struct BatchOutcome: Sendable {
        /// Accepted events that earned achievements: their index in the batch and what they earned, in order.
        public var earned: [(index: Int, achievements: [Achievement])] = []
        /// Refused lines: their index in the batch and why, in order.
        public var rejected: [(index: Int, why: Rejection)] = []

        public init() {}
    }

    /// A batch of lines in arrival order, each a validated event or the reason it is not one; with shards
    /// admission and evaluation run in parallel.
    public func take(batch: [Result<Event, Rejection>]) -> BatchOutcome {
        guard let shards else { return takeOneByOne(batch) }
        var outcome = BatchOutcome()
        // 1. Admission, one thread per id partition.
        let perPartition = admitInParallel(batch)
        // 2. Counts and refusals in arrival order; the new events collected for the engine.
        var fresh: [Event] = [], freshMembers: [Int] = [], freshIndex: [Int] = []
        fresh.reserveCapacity(batch.count)
        freshMembers.reserveCapacity(batch.count)
        freshIndex.reserveCapacity(batch.count)
        var next = [Int](repeating: 0, count: perPartition.count)
        for i in batch.indices {
            let event: Event
            switch batch[i] {
            case .failure(let why):
                reject(why, countAsRead: true)
                outcome.rejected.append((i, why))
                continue
            case .success(let e): event = e
            }
            // The partition whose next verdict is this line's.
            var p = 0
            while next[p] >= perPartition[p].count || perPartition[p][next[p]].index != i { p += 1 }
            let judged = perPartition[p][next[p]]
            next[p] += 1
            counts.read += 1
            switch judged.verdict {
            case .duplicate: counts.duplicates += 1
            case .rejected(let why):
                reject(why)
                outcome.rejected.append((i, why))
            case .new:
                counts.accepted += 1
                fresh.append(event)
                freshMembers.append(judged.member)
                freshIndex.append(i)
            }
        }
        // 3. The new events, one thread per user partition; what they earned, at their lines.
        for (k, achievements) in shards.record(fresh, members: freshMembers) {
            counts.achievements += achievements.count
            outcome.earned.append((freshIndex[k], achievements))
        }
        return outcome
    }

    /// Without shards: each line through `take(_:)`, in order.
    private func takeOneByOne(_ batch: [Result<Event, Rejection>]) -> BatchOutcome {
        var outcome = BatchOutcome()
        for (i, line) in batch.enumerated() {
            let disposition: Disposition
            switch line {
            case .success(let event): disposition = take(event)
            case .failure(let why): disposition = reject(why, countAsRead: true)
            }
            switch disposition {
            case .accepted(let a): if !a.isEmpty { outcome.earned.append((i, a)) }
            case .rejected(let why): outcome.rejected.append((i, why))
            case .duplicate: break
            }
        }
        return outcome
    }

    /// Each partition's verdicts on its own events, in arrival order. Each thread keeps a list of its own,
    /// merged by the caller: writing verdicts at their places in one shared array had the cores fight over
    /// cache lines, since partitions interleave through the batch.
    private func admitInParallel(_ batch: [Result<Event, Rejection>]) -> [[Judged]] {
        var perPartition = [[Judged]](repeating: [], count: admissions.count)
        perPartition.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(base: buffer.baseAddress!)
            let work = AdmissionWork(admissions: admissions, batch: batch)
            DispatchQueue.concurrentPerform(iterations: work.admissions.count) { p in
                let admission = work.admissions[p], n = UInt64(work.admissions.count)
                // Every partition digests every id, keeping its own: cheaper than a pass that sorts them out.
                var own: [(index: Int, key: IDDigest)] = []
                own.reserveCapacity(work.batch.count / work.admissions.count + 64)
                for i in work.batch.indices {
                    guard case .success(let event) = work.batch[i] else { continue }
                    let key = IDDigest(event.id)
                    if key.high % n == UInt64(p) { own.append((i, key)) }
                }
                // Ids are random over a table much larger than the caches: ask for the entry a few
                // events ahead so that memory latency overlaps the work on the current one.
                var judged: [Judged] = []
                judged.reserveCapacity(own.count)
                for j in own.indices {
                    if j + Prefetch.ids < own.count { admission.prefetch(own[j + Prefetch.ids].key) }
                    let (i, key) = own[j]
                    guard case .success(let event) = work.batch[i] else { continue }
                    let (verdict, member) = admission.judge(event, key: key)
                    judged.append(Judged(index: i, member: member, verdict: verdict))
                }
                out.base[p] = judged  // one write per thread, at the end
            }
        }
        return perPartition
    }

    /// One admission verdict, at its line in the batch.
    private struct Judged {
        let index: Int
        let member: Int
        let verdict: Admission.Verdict
    }

    private func accept(_ achievements: [Achievement]) -> Disposition {
        counts.accepted += 1
        counts.achievements += achievements.count
        return .accepted(achievements)
    }

    /// A line that failed before it became an event (bad JSON, missing field...).
    @discardableResult
    public func reject(_ why: Rejection, countAsRead: Bool = false) -> Disposition {
        if countAsRead { counts.read += 1 }
        counts.rejected += 1
        return .rejected(why)
    }
}

/// What the admission threads read: each thread uses one admission only.
private struct AdmissionWork: @unchecked Sendable {
    let admissions: [Admission]
    let batch: [Result<Event, Rejection>]
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

