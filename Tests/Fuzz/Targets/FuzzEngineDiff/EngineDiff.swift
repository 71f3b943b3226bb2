// Differential fuzzing of the engine: a small random world (`RandomWorld`, Tests/TestSupport/RandomWorld.swift:
// every kind — single, streak, days_in_window, days_in_period week and month —, categories, program and
// eligibility edges, limits above 1, several programs and employers, users in awkward zones or with no employer,
// events with runs of days in shuffled order, exact duplicates, id conflicts, unknown users) built from the
// fuzzer's bytes, then:
//   1. the engine against the slow reference model (`ReferenceModel`, CONTRACT §2–§4 recomputed from every event
//      so far at each event, sharing no rule code with the engine): the same achievements per event, the same
//      dispositions and counts (`EngineModelDiff`);
//   2. the engine four ways, which must agree with one another:
//   A. `Intake(engine:)`, one event at a time (what the console and the simulator do);
//   B. `Intake(shards:)` over 1–8 `EngineShards` (users shared out by `UserPartition`), in batches of random
//      sizes (what `replay --threads N` does), its outcomes in the order they were merged back;
//   C. as A, but at random points every changed user's progress is saved (`encodedProgress`), the engine
//      forgets everything, and reloads it on demand from the saved bytes (what the store does);
//   D. `Intake(engine:)` in the same batches as B, taken in order with prefetching (what `ingest` does).
import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif
import IncentivesCore

/// INCENTIVES_FUZZ_VERBOSE=1: one line per world, to see that the worlds earn something.
let verbose = getenv("INCENTIVES_FUZZ_VERBOSE") != nil

extension ByteStream: WorldDice {
    public mutating func roll(_ n: Int) -> Int { below(n) }
}

struct World {
    var random: RandomWorld
    var catalog: Catalog { random.catalog }
    var roster: Roster
    var events: [Event] { random.events }
    var shards: Int
    var batchSizes: [Int]
    var saveAt: Set<Int>
}

func makeWorld(_ s: inout ByteStream) -> World {
    let random = RandomWorld.make(&s)
    var batchSizes: [Int] = []
    var left = random.events.count
    while left > 0 { let b = s.within(1...max(1, min(left, 20))); batchSizes.append(b); left -= b }
    var saveAt = Set<Int>()
    for i in random.events.indices where s.chance(1) { saveAt.insert(i) }
    return World(random: random, roster: Roster(members: random.members), shards: s.within(1...8), batchSizes: batchSizes, saveAt: saveAt)
}

/// What a run produced: per event index, the achievements it earned (only non-empty), and the order the indices
/// came back in (a sharded run merges its shards' results: they must come back in arrival order).
struct Run: Equatable {
    var earned: [Int: [Achievement]] = [:]
    var order: [Int] = []
    var counts = IntakeCounts()
}

func runOneByOne(_ w: World, saving: Bool) -> Run {
    let engine: Engine
    do { engine = try Engine(catalog: w.catalog, roster: w.roster, zones: sharedZones) } catch { propertyFailed("\(error)") }
    let intake = Intake(engine: engine)
    var saved: [String: [UInt8]] = [:]
    if saving { engine.loadProgress = { saved[$0.id] } }
    var run = Run()
    for (i, e) in w.events.enumerated() {
        if case .accepted(let a) = intake.take(e), !a.isEmpty { run.earned[i] = a; run.order.append(i) }
        if saving, w.saveAt.contains(i) {
            for m in engine.takeChangedMembers() {
                guard let bytes = engine.encodedProgress(of: m.id) else { propertyFailed("changed user \(m.id) has no progress to save") }
                saved[m.id] = bytes
            }
            engine.forgetProgress()
        }
    }
    run.counts = intake.counts
    return run
}

func runSharded(_ w: World) -> Run {
    let shards: EngineShards
    do { shards = try EngineShards(catalog: w.catalog, roster: w.roster, count: w.shards, zones: sharedZones) } catch { propertyFailed("\(error)") }
    return runBatches(w, Intake(shards: shards))
}

func runInOrderBatches(_ w: World) -> Run {
    do { return runBatches(w, Intake(engine: try Engine(catalog: w.catalog, roster: w.roster, zones: sharedZones))) } catch { propertyFailed("\(error)") }
}

func runBatches(_ w: World, _ intake: Intake) -> Run {
    var run = Run()
    var start = 0
    for size in w.batchSizes {
        let batch = w.events[start..<(start + size)].map { Result<Event, Rejection>.success($0) }
        for (i, a) in intake.take(batch: batch).earned where !a.isEmpty { run.earned[start + i] = a; run.order.append(start + i) }
        start += size
    }
    run.counts = intake.counts
    return run
}

func describe(_ w: World) -> String { w.random.description }

func diff(_ a: Run, _ b: Run) -> String {
    var lines: [String] = []
    if a.counts != b.counts { lines.append("counts \(a.counts.summary) vs \(b.counts.summary)") }
    if a.order != b.order { lines.append("order of the awarding events: \(a.order.prefix(20)) vs \(b.order.prefix(20))") }
    for i in Set(a.earned.keys).union(b.earned.keys).sorted() where a.earned[i] != b.earned[i] {
        lines.append("event \(i): \((a.earned[i] ?? []).map(\.jsonLine)) vs \((b.earned[i] ?? []).map(\.jsonLine))")
    }
    return lines.joined(separator: "\n")
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEngineDiff(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    withInput(data, size) { bytes in
        var s = ByteStream(bytes)
        let world = makeWorld(&s)
        if let diff = EngineModelDiff.compare(world.random, shards: world.shards, zones: sharedZones) {
            propertyFailed("the engine and the reference model disagree:\n\(diff)")
        }
        let plain = runOneByOne(world, saving: false)
        let sharded = runSharded(world)
        require(plain == sharded, "one engine and \(world.shards) shards disagree:\n\(diff(plain, sharded))\n\(describe(world))")
        let batched = runInOrderBatches(world)
        require(plain == batched, "one engine event by event and in batches disagree:\n\(diff(plain, batched))\n\(describe(world))")
        let saved = runOneByOne(world, saving: true)
        require(plain == saved, "saving and restoring progress changes the outcome:\n\(diff(plain, saved))\n\(describe(world))")
        if verbose {
            print("world: \(world.roster.members.count) users, \(world.events.count) events, \(world.saveAt.count) saves, " +
                  "\(world.shards) shards: \(plain.counts.summary)")
        }
    }
    return 0
}
