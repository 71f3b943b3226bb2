// (d) A saved-progress blob as the engine restores it (what the store keeps per user).
//
// Properties:
// - restoring never traps; bytes it refuses leave an engine that still works;
// - restored progress re-encodes to bytes that restore to the same state: encode(restore(encode(restore(b))))
//   == encode(restore(b)), byte for byte;
// - restored progress can be looked at (standings) and fed events without trapping.
//
// Seeds: INCENTIVES_FUZZ_WRITE_SEEDS=<dir> writes blobs saved by a real engine (formats 2 and 1) and exits.
import Foundation
import FuzzSupport
import IncentivesCore
import IncentivesInput

let member = Member(id: "u1", employer: "acme", timezone: "America/Chicago",
                    eligibleFrom: LocalDate(iso: "2026-03-05")!, eligibleUntil: LocalDate(iso: "2026-04-20")!)
let other = Member(id: "u2", employer: "globex", timezone: "Pacific/Kiritimati", eligibleFrom: LocalDate(iso: "2026-01-01")!, eligibleUntil: nil)
let roster = Roster(members: [member, other])

func makeEngine() -> Engine {
    do { return try Engine(catalog: fixedCatalog, roster: roster, zones: sharedZones) } catch { propertyFailed("\(error)") }
}

func event(_ id: String, _ at: String, _ category: String? = "sleep", type: EventType = .healthDataLogged, user: String = "u1") -> Event {
    guard case .success(let i) = Instant.parseRFC3339(at) else { propertyFailed("bad instant \(at)") }
    return Event(id: id, type: type, user: user, at: i, category: category)
}

let probes = [
    event("p1", "2026-03-12T10:00:00-06:00"), event("p2", "2026-03-13T23:59:59-05:00", "mood"),
    event("p3", "2026-03-14T00:00:00Z", nil, type: .birthReported), event("p4", "2026-03-11T08:00:00-06:00", "steps"),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProgress(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    _ = seedsWritten
    let blob = withInput(data, size) { [UInt8]($0) }
    let engine = makeEngine()
    do { try engine.restoreProgress(of: "u1", from: blob) } catch {
        // Refused: the engine must still work from scratch.
        for e in probes { _ = engine.record(e) }
        return 0
    }
    guard let first = engine.encodedProgress(of: "u1") else { propertyFailed("restored progress does not encode") }
    let again = makeEngine()
    do { try again.restoreProgress(of: "u1", from: first) } catch {
        propertyFailed("re-encoded progress is refused: \(error)\nre-encoded: \(first)")
    }
    guard let second = again.encodedProgress(of: "u1") else { propertyFailed("restored progress does not encode") }
    require(first == second, "re-encoding changes the bytes:\n first: \(first)\nsecond: \(second)")
    _ = engine.standings(of: "u1")
    _ = engine.standings(of: "u1", today: LocalDate(iso: "2026-03-15"))
    for e in probes { _ = engine.record(e) }
    _ = engine.encodedProgress(of: "u1")
    return 0
}

let seedsWritten: Void = {
    guard let dir = ProcessInfo.processInfo.environment["INCENTIVES_FUZZ_WRITE_SEEDS"] else { return }
    var n = 0
    func write(_ bytes: [UInt8]) {
        n += 1
        _ = FileManager.default.createFile(atPath: "\(dir)/seed-\(n)", contents: Data(bytes))
    }
    let engine = makeEngine()
    let days = ["2026-03-05", "2026-03-06", "2026-03-07", "2026-03-09", "2026-03-10", "2026-03-12", "2026-03-15", "2026-04-20"]
    var k = 0
    for (i, d) in days.enumerated() {
        for (c, t) in [("sleep", "T07:00:00-06:00"), ("mood", "T23:30:00-05:00"), ("steps", "T00:10:00Z")].prefix(1 + i % 3) {
            k += 1
            _ = engine.record(event("e\(k)", d + t, c))
        }
        if i == 4 { _ = engine.record(event("b1", d + "T12:00:00Z", nil, type: .birthReported)) }
        _ = engine.record(event("o\(k)", d + "T12:00:00Z", "sleep", user: "u2"))
        if let b = engine.encodedProgress(of: "u1") { write(b) }
    }
    if let b = engine.encodedProgress(of: "u2") { write(b) }
    // Format 1: the day log spells out each entry's day, type and category.
    var w = ByteWriter()
    w.write(1)
    w.write(1)
    w.write("acme\u{1f}p1\u{1f}2\u{1f}birth")
    w.write(1)
    w.write(1)
    w.write(1)
    w.write(Int(LocalDate(iso: "2026-03-09")!.dayNumber))
    w.write(2)
    for (day, type, category) in [("2026-03-09", "birth_reported", ""), ("2026-03-10", "health_data_logged", "sleep")] {
        w.write(Int(LocalDate(iso: day)!.dayNumber))
        w.write(type)
        w.write(category)
        w.write("id-\(day)")
    }
    write(w.bytes)
    write([2, 0, 14, 0, 0])
    print("wrote \(n) seeds to \(dir)")
    _exit(0)
}()
