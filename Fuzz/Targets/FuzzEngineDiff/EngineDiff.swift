// Differential fuzzing of the engine: a small random world (catalog, roster, events with late arrivals,
// duplicates, conflicts, users off the roster, several zones) built from the fuzzer's bytes, run four ways:
//   A. `Intake(engine:)`, one event at a time (what the console and the simulator do);
//   B. `Intake(shards:)` over 1–4 `EngineShards`, in batches of random sizes (what `replay` does);
//   C. as A, but at random points every changed user's progress is saved (`encodedProgress`), the engine
//      forgets everything, and reloads it on demand from the saved bytes (what the store does);
//   D. `Intake(engine:)` in the same batches as B, taken in order with prefetching (what `ingest` does).
// Properties: the four give identical achievements (same events, same order, same evidence) and counts.
import FuzzSupport
#if canImport(Glibc)
import Glibc
#endif
import IncentivesCore

let zoneNames = awkwardZones
let categories = ["sleep", "mood", "steps"]
let baseDay = LocalDate(iso: "2026-03-01")!
/// INCENTIVES_FUZZ_VERBOSE=1: one line per world, to see that the worlds earn something.
let verbose = getenv("INCENTIVES_FUZZ_VERBOSE") != nil

struct World {
    var catalog: Catalog
    var roster: Roster
    var events: [Event]
    var shards: Int
    var batchSizes: [Int]
    var saveAt: Set<Int>
}

func makeWorld(_ s: inout ByteStream) -> World {
    var incentives: [Incentive] = []
    for i in 0..<s.within(1...4) {
        let type: EventType = s.chance(6) ? .healthDataLogged : .birthReported
        var cats: Set<String>?
        if type == .healthDataLogged, s.chance(4) {
            cats = Set(categories.filter { _ in s.chance(4) })
            if cats!.isEmpty { cats = ["sleep"] }
        }
        let rule: any IncentiveRule
        switch s.below(3) {
        case 0: rule = SingleEventRule()
        case 1: rule = StreakRule(days: s.within(1...5))
        default:
            let window = s.within(1...8)
            rule = DaysInWindowRule(days: s.within(1...window), window: window)
        }
        incentives.append(Incentive(id: "i\(i)", name: "i\(i)", event: type, categories: cats, rule: rule))
    }
    var employers: [Employer] = []
    for e in 0..<s.within(1...2) {
        var programs: [Program] = []
        for p in 0..<s.within(1...2) {
            let starts = baseDay.adding(days: s.within(-3...6))
            let ends = starts.adding(days: s.within(0...25))
            let rewards = (0..<s.within(1...3)).map { r in
                Reward(incentive: incentives[s.below(incentives.count)].id, reward: "r\(e)\(p)\(r)", limit: s.within(1...3))
            }
            programs.append(Program(id: "p\(e)\(p)", name: "p", starts: starts, ends: ends, rewards: rewards))
        }
        employers.append(Employer(id: "emp\(e)", name: "emp", programs: programs))
    }
    let catalog = Catalog(incentives: incentives, employers: employers)
    var members: [Member] = []
    for m in 0..<s.within(1...5) {
        let employer: String? = s.chance(7) ? employers[s.below(employers.count)].id : nil
        let from = baseDay.adding(days: s.within(-5...10))
        let until: LocalDate? = s.chance(3) ? from.adding(days: s.within(0...20)) : nil
        members.append(Member(id: "u\(m)", employer: employer, timezone: s.pick(zoneNames), eligibleFrom: from, eligibleUntil: until))
    }
    var events: [Event] = []
    let count = s.within(0...120)
    for _ in 0..<count {
        if !events.isEmpty, s.chance(1) {
            events.append(events[s.below(events.count)]) // an exact duplicate, perhaps much later
            continue
        }
        let id = "e\(s.below(1_000))" // a pool: a few ids collide (conflicts); exact duplicates come above
        let user = s.chance(7) ? members[s.below(members.count)].id : "stranger"
        let type: EventType = s.chance(7) ? .healthDataLogged : .birthReported
        // Any time in the span; half-hours and a few seconds so local midnights in every zone are crossed.
        let seconds = Int64(baseDay.dayNumber) * 86_400 + Int64(s.within(-3...22)) * 86_400 + Int64(s.below(48)) * 1_800
            + Int64(s.chance(2) ? s.within(-2...2) : 0)
        let category = type.needsCategory ? (s.chance(7) ? categories[s.below(categories.count)] : "other") : nil
        events.append(Event(id: id, type: type, user: user, at: Instant(seconds: seconds, nanoseconds: s.chance(1) ? 1 : 0), category: category))
    }
    var batchSizes: [Int] = []
    var left = events.count
    while left > 0 { let b = s.within(1...max(1, min(left, 20))); batchSizes.append(b); left -= b }
    var saveAt = Set<Int>()
    for i in events.indices where s.chance(1) { saveAt.insert(i) }
    return World(catalog: catalog, roster: Roster(members: members), events: events, shards: s.within(1...4),
                 batchSizes: batchSizes, saveAt: saveAt)
}

/// What a run produced: per event index, the achievements it earned (only non-empty).
struct Run: Equatable {
    var earned: [Int: [Achievement]] = [:]
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
        if case .accepted(let a) = intake.take(e), !a.isEmpty { run.earned[i] = a }
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
        for (i, a) in intake.take(batch: batch).earned where !a.isEmpty { run.earned[start + i] = a }
        start += size
    }
    run.counts = intake.counts
    return run
}

func describe(_ w: World) -> String {
    var s = "members: " + w.roster.members.map { "\($0.id) \($0.employer ?? "-") \($0.timezone) \($0.eligibleFrom)…\($0.eligibleUntil?.description ?? "")" }.joined(separator: "; ")
    s += "\nevents:\n" + w.events.enumerated().map { "  \($0.offset): \($0.element.id) \($0.element.type.rawValue) \($0.element.user) \($0.element.at) \($0.element.category ?? "")" }.joined(separator: "\n")
    return s
}

func diff(_ a: Run, _ b: Run) -> String {
    var lines: [String] = []
    if a.counts != b.counts { lines.append("counts \(a.counts.summary) vs \(b.counts.summary)") }
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
