import IncentivesCore
import Testing

/// Builds small worlds in code: one employer, one program, the rewards under test, and members.
struct World {
    var incentives: [Incentive] = []
    var rewards: [Reward] = []
    var programStarts = "2026-01-01"
    var programEnds = "2028-12-31"
    var members: [Member] = []

    mutating func offer(_ id: String, _ rule: any IncentiveRule, event: EventType = .healthDataLogged,
                        categories: Set<String>? = nil, reward: String? = nil, limit: Int = 1) {
        incentives.append(Incentive(id: id, name: id, event: event, categories: categories, rule: rule))
        rewards.append(Reward(incentive: id, reward: reward ?? "prize for \(id)", limit: limit))
    }

    mutating func member(_ id: String, zone: String = "UTC", from: String = "2020-01-01", until: String? = nil, employer: String? = "acme") {
        members.append(Member(id: id, employer: employer, timezone: zone, eligibleFrom: date(from), eligibleUntil: until.map(date)))
    }

    func engine() throws -> Engine {
        let program = Program(id: "p", name: "Program", starts: date(programStarts), ends: date(programEnds), rewards: rewards)
        let catalog = Catalog(incentives: incentives, employers: [Employer(id: "acme", name: "Acme", programs: [program])])
        return try Engine(catalog: catalog, roster: Roster(members: members))
    }
}

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
