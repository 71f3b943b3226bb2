import IncentivesCore
// The shared test helpers (World, TempDir, Binary, ...): every file of this target sees them.
@_exported import TestSupport
import Testing

func date(_ s: String) -> LocalDate {
    guard let d = LocalDate(iso: s) else { fatalError("bad test date \(s)") }
    return d
}

func instant(_ s: String) -> Instant {
    switch Instant.parseRFC3339(s) {
    case .success(let i): return i
    case .failure(let e): fatalError("bad test instant \(s): \(e)")
    }
}

func log(_ id: String, _ user: String, _ at: String, _ category: String = "mood") -> Event {
    Event(id: id, type: .healthDataLogged, user: user, at: instant(at), category: category)
}

func birth(_ id: String, _ user: String, _ at: String) -> Event {
    Event(id: id, type: .birthReported, user: user, at: instant(at), category: nil)
}

/// Feeds events in order; returns every achievement as (event that earned it, achievement).
@discardableResult
func feed(_ engine: Engine, _ events: [Event]) -> [(String, Achievement)] {
    var out: [(String, Achievement)] = []
    for e in events {
        switch engine.record(e) {
        case .success(let list): out += list.map { (e.id, $0) }
        case .failure(let why): Issue.record("event \(e.id) refused: \(why)")
        }
    }
    return out
}

/// One log a day at local noon-ish, given as UTC instants of the member's zone via explicit offsets.
func dailyLogs(_ user: String, from first: String, days: Int, at time: String = "12:00:00Z", prefix: String = "e") -> [Event] {
    (0..<days).map { i in log("\(prefix)\(i + 1)", user, date(first).adding(days: i).iso + "T" + time) }
}
