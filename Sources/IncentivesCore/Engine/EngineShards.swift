import Dispatch

/// Several engines, each owning the users `UserPartition` gives it (the partition function PostgreSQL's per-user
/// tables and `incentives work` use too): the partition-by-user design of DESIGN §9 applied to one machine's cores. A batch of admitted events is evaluated with one thread
/// per shard; what each event earned comes back by its place in the batch.
///
/// Why this gives the same answers as one engine: every rule reads and writes only its own user's
/// state, all of a user's events go to one shard, and each shard takes its events in arrival order.
/// Only the interleaving of different users' work changes, and it cannot change any decision.
public final class EngineShards: @unchecked Sendable {
    public let engines: [Engine]

    /// Events per `record` call that keep the cores busy: each call ends with the shards waiting for
    /// one another, so small batches leave a core idle (README, Benchmarks, has the measurements).
    public static let preferredBatch = 65_536

    public init(catalog: Catalog, roster: Roster, count: Int, zones: ZoneDirectory = ZoneDirectory()) throws(Engine.SetupError) {
        precondition(count >= 1, "at least one shard")
        var engines: [Engine] = []
        for _ in 0..<count { engines.append(try Engine(catalog: catalog, roster: roster, zones: zones)) }
        self.engines = engines
        owners = roster.members.map { Int32(UserPartition.of($0.id, among: count)) }
    }

    /// Each roster position's shard, found once: the hash is not taken again per event.
    private let owners: [Int32]

    /// The shard that owns a user (stable for a given roster and shard count). A user off the roster has no
    /// progress anywhere; the first shard answers for them.
    public func shard(of user: String) -> Int {
        engines[0].roster.position(of: user).map(shard(ofMember:)) ?? 0
    }

    func shard(ofMember position: Int) -> Int { Int(owners[position]) }

    public func engine(for user: String) -> Engine { engines[shard(of: user)] }

    /// Records a batch of new events (already admitted), in arrival order, shards in parallel.
    /// `results[i]` is what `events[i]` earned.
    public func record(_ events: [Event]) -> [Result<[Achievement], Rejection>] {
        let members = positions(of: events)
        var results = [Result<[Achievement], Rejection>](repeating: .success([]), count: events.count)
        for (i, earned) in record(events, members: members) { results[i] = .success(earned) }
        for i in events.indices where members[i] < 0 { results[i] = .failure(.unknownUser(events[i].user)) }
        return results
    }

    /// The same, answering only for the events that earned something (by index, in order), as `replay` takes
    /// it: most events earn nothing. An event whose user is not on the roster earns nothing here.
    public func recordEarning(_ events: [Event]) -> [(index: Int, achievements: [Achievement])] {
        record(events, members: positions(of: events))
    }

    /// Each event's user's roster position (-1 when not on it), found in parallel too: one sequential pass
    /// was a visible share of the batch (README, Benchmarks).
    private func positions(of events: [Event]) -> [Int] {
        var members = [Int](repeating: -1, count: events.count)
        members.withUnsafeMutableBufferPointer { m in
            let out = SharedBuffer(base: m.baseAddress!)
            let work = LookupWork(roster: engines[0].roster, events: events, parts: engines.count)
            DispatchQueue.concurrentPerform(iterations: work.parts) { part in
                let chunk = (work.events.count + work.parts - 1) / work.parts
                for i in (part * chunk)..<min(work.events.count, (part + 1) * chunk) {
                    out.base[i] = work.roster.position(of: work.events[i].user) ?? -1
                }
            }
        }
        return members
    }

    /// The same for events whose users were found on the roster (`members[i]` is `events[i]`'s position;
    /// a negative position is skipped). Returns only the events that earned something, by index, in order.
    ///
    /// Each shard collects its results in an array of its own and they are merged after: shards interleave
    /// through the batch, so writing each result at its index in one shared array would have the two cores
    /// fight over the same cache lines on every event (two shards were then barely faster than one engine).
    func record<Events: RandomAccessCollection & Sendable>(_ events: Events, members: [Int]) -> [(index: Int, achievements: [Achievement])]
        where Events.Element == Event, Events.Index == Int
    {
        var lanes = [[Int]](repeating: [], count: engines.count)
        for i in events.indices where members[i] >= 0 { lanes[shard(ofMember: members[i])].append(i) }
        var perShard = [[(index: Int, achievements: [Achievement])]](repeating: [], count: engines.count)
        perShard.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(base: buffer.baseAddress!)
            let work = ShardWork(engines: engines, lanes: lanes, events: events, members: members)
            DispatchQueue.concurrentPerform(iterations: engines.count) { s in
                let engine = work.engines[s]
                let lane = work.lanes[s]
                var earned: [(index: Int, achievements: [Achievement])] = []
                for k in lane.indices {
                    // A user's state is three dependent loads away: start each a few events ahead.
                    for (ahead, stage) in Prefetch.userStages where k + ahead < lane.count {
                        engine.prefetch(member: work.members[lane[k + ahead]], stage: stage)
                    }
                    let i = lane[k]
                    let achievements = engine.record(work.events[i], member: work.members[i])
                    if !achievements.isEmpty { earned.append((i, achievements)) }
                }
                // One write per shard, at the end.
                out.base[s] = earned
            }
        }
        return Merge.byIndex(perShard)
    }
}

/// Merging per-shard lists of results, each sorted by index, into one sorted list.
enum Merge {
    static func byIndex(_ lists: [[(index: Int, achievements: [Achievement])]]) -> [(index: Int, achievements: [Achievement])] {
        if lists.count == 1 { return lists[0] }
        var merged: [(index: Int, achievements: [Achievement])] = []
        merged.reserveCapacity(lists.reduce(0) { $0 + $1.count })
        var next = [Int](repeating: 0, count: lists.count)
        while true {
            var best = -1
            for l in lists.indices where next[l] < lists[l].count {
                if best < 0 || lists[l][next[l]].index < lists[best][next[best]].index { best = l }
            }
            guard best >= 0 else { return merged }
            merged.append(lists[best][next[best]])
            next[best] += 1
        }
    }
}

/// The results buffer, shared by the shard threads, each writing its own indices.
struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

/// What the shard threads read: each thread uses one engine only.
private struct ShardWork<Events>: @unchecked Sendable {
    let engines: [Engine]
    let lanes: [[Int]]
    let events: Events
    let members: [Int]
}

/// What the roster look-up threads read.
private struct LookupWork: @unchecked Sendable {
    let roster: Roster
    let events: [Event]
    let parts: Int
}
