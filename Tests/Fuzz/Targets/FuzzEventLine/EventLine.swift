// (a) One events.jsonl line: the simdjson shim, the field checks, the RFC 3339 instant, the local day.
//
// Properties:
// - a refused line names a reason (non-empty message);
// - an accepted event has a non-empty id, user and (for health_data_logged) category, and no category otherwise;
// - its instant formats as RFC 3339 and parses back to exactly the same instant, and the formatted text is a
//   fixed point (format(parse(format(i))) == format(i));
// - its local day in a zone (chosen by the user id) is the day Foundation's calendar gives for that instant
//   in that zone, and the zone table's offset is Foundation's offset.
// Not yet: the store's representation (seconds·1e9 + nanos in an Int64 overflows after 2262); assert
// that round trip here once the store's fix lands.
import Foundation
import FuzzSupport
import IncentivesCore
import IncentivesInput

nonisolated(unsafe) let decoder = EventLineDecoder()
let zones: [ZoneRules] = awkwardZones.map { name in
    guard let z = sharedZones.rules(for: name) else { propertyFailed("zone \(name) unknown on this machine") }
    return z
}
let calendars: [Calendar] = zones.map { z in
    var c = Calendar(identifier: .gregorian)
    c.timeZone = TimeZone(identifier: z.identifier)!
    return c
}
/// 1583-01-01T00:00:00Z: before it Foundation's Gregorian calendar is Julian, so it is no oracle there.
let gregorianFrom: Int64 = -12_212_553_600
/// 10000-01-01T00:00:00Z.
let year10000: Int64 = 253_402_300_800

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEventLine(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    withInput(data, size) { line in
        switch decoder.decode(line) {
        case .failure(let why):
            require(!why.message.isEmpty, "a refused line without a reason: \(why.code)")
        case .success(let event):
            check(event)
        }
    }
    return 0
}

func check(_ event: Event) {
    require(!event.id.isEmpty && !event.user.isEmpty, "accepted with an empty id or user: \(event)")
    require(event.type.needsCategory == (event.category != nil), "category \(String(describing: event.category)) on a \(event.type)")
    if let c = event.category { require(!c.isEmpty, "accepted with an empty category") }
    require(![event.id, event.user, event.category ?? ""].contains { $0.utf8.contains(0) }, "accepted with a NUL character: \(event)")

    let at = event.at
    require(at.nanoseconds >= 0 && at.nanoseconds < 1_000_000_000, "nanoseconds out of range: \(at.nanoseconds)")
    let outside = at.seconds < -62_135_596_800 || at.seconds >= year10000 // 0001-01-01 ..< 10000-01-01
    // CONTRACT §1: an accepted instant lies in years 0001-9999 in UTC, whatever offset it was written with.
    require(!outside, "accepted an instant outside years 0001-9999 in UTC: \(at.seconds)s")
    do {
        let text = at.rfc3339
        switch Instant.parseRFC3339(text) {
        case .success(let back):
            require(back == at, "RFC 3339 round trip: \(at.seconds)s \(at.nanoseconds)ns → \(text) → \(back.seconds)s \(back.nanoseconds)ns")
            require(back.rfc3339 == text, "formatting is not a fixed point: \(text) → \(back.rfc3339)")
        case .failure(let e):
            propertyFailed("an accepted instant (\(at.seconds)s \(at.nanoseconds)ns) formats as \(text), which does not parse: \(e)")
        }
    }

    // The local day, against Foundation.
    var h = FNV1a()
    h.add(event.user)
    let k = Int(h.value % UInt64(zones.count))
    let zone = zones[k]
    let day = zone.localDate(of: at)
    guard at.seconds >= gregorianFrom, at.seconds < year10000 - 2 * 86_400 else { return }
    let date = Date(timeIntervalSince1970: TimeInterval(at.seconds))
    let expectedOffset = calendars[k].timeZone.secondsFromGMT(for: date)
    let offset = zone.offset(at: at)
    require(offset == expectedOffset, "\(zone.identifier) at \(at): table offset \(offset), Foundation \(expectedOffset)")
    let c = calendars[k].dateComponents([.year, .month, .day], from: date)
    require(LocalDate(year: c.year!, month: c.month!, day: c.day!) == day,
            "\(zone.identifier) at \(at): local day \(day), Foundation \(c.year!)-\(c.month!)-\(c.day!)")
}
