import Dispatch

/// Several engines, each owning the users whose id digests to it: the partition-by-user design of
/// DESIGN §9 applied to one machine's cores. A batch of admitted events is evaluated with one thread
/// per shard; each event's achievements come back at its place in the batch.
///
/// Why this gives the same answers as one engine: every rule reads and writes only its own user's
/// state, all of a user's events go to one shard, and each shard takes its events in arrival order.
/// Only the interleaving of different users' work changes, and it cannot change any decision.
public final class EngineShards: @unchecked Sendable {
    public let engines: [Engine]

    /// Events per `record` call that keep the cores busy: each call ends with the shards waiting for
    /// one another, so small batches leave a core idle (8,192: 1.9M events/s; 65,536: 2.5M; measured).
    public static let preferredBatch = 65_536

    public init(catalog: Catalog, roster: Roster, count: Int, zones: ZoneDirectory = ZoneDirectory()) throws(Engine.SetupError) {
        precondition(count >= 1, "at least one shard")
        var engines: [Engine] = []
        for _ in 0..<count { engines.append(try Engine(catalog: catalog, roster: roster, zones: zones)) }
        self.engines = engines
    }

    /// The shard that owns a user (stable for a given roster and shard count). A user off the roster has no
    /// progress anywhere; the first shard answers for them.
    public func shard(of user: String) -> Int {
        engines[0].roster.position(of: user).map(shard(ofMember:)) ?? 0
    }

    func shard(ofMember position: Int) -> Int { position % engines.count }

    public func engine(for user: String) -> Engine { engines[shard(of: user)] }

    /// Records a batch of new events (already admitted), in arrival order, shards in parallel.
    /// `results[i]` is what `events[i]` earned.
    public func record(_ events: [Event]) -> [Result<[Achievement], Rejection>] {
        // Find the users on the roster in parallel too: one sequential pass cost a tenth of the batch.
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
        return zip(events, zip(members, record(events, members: members))).map { event, recorded in
            recorded.0 < 0 ? .failure(.unknownUser(event.user)) : .success(recorded.1)
        }
    }

    /// The same for events whose users were found on the roster (`members[i]` is `events[i]`'s position;
    /// a negative position is skipped). `result[i]` is what `events[i]` earned.
    func record(_ events: [Event], members: [Int]) -> [[Achievement]] {
        var earned = [[Achievement]](repeating: [], count: events.count)
        var lanes = [[Int]](repeating: [], count: engines.count)
        for i in events.indices where members[i] >= 0 { lanes[shard(ofMember: members[i])].append(i) }
        earned.withUnsafeMutableBufferPointer { buffer in
            let out = SharedBuffer(base: buffer.baseAddress!)
            let work = ShardWork(engines: engines, lanes: lanes, events: events, members: members)
            DispatchQueue.concurrentPerform(iterations: engines.count) { s in
                let engine = work.engines[s]
                // Each shard writes only the indices of its own lane: no two threads touch one slot.
                let lane = work.lanes[s]
                for k in lane.indices {
                    // A user's state is three dependent loads away: start each a few events ahead.
                    if k + 12 < lane.count { engine.prefetch(member: work.members[lane[k + 12]], stage: 1) }
                    if k + 8 < lane.count { engine.prefetch(member: work.members[lane[k + 8]], stage: 2) }
                    if k + 4 < lane.count { engine.prefetch(member: work.members[lane[k + 4]], stage: 3) }
                    let i = lane[k]
                    out.base[i] = engine.record(work.events[i], member: work.members[i])
                }
            }
        }
        return earned
    }
}

/// The results buffer, shared by the shard threads, each writing its own indices.
struct SharedBuffer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}

/// What the shard threads read: each thread uses one engine only.
private struct ShardWork: @unchecked Sendable {
    let engines: [Engine]
    let lanes: [[Int]]
    let events: [Event]
    let members: [Int]
}

/// What the roster look-up threads read.
private struct LookupWork: @unchecked Sendable {
    let roster: Roster
    let events: [Event]
    let parts: Int
}
