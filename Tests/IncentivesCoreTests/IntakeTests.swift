import IncentivesCore
import Testing

@Suite("Duplicates, conflicts and counts")
struct IntakeTests {
    private func intake() throws -> Intake {
        var w = World()
        w.offer("s2", StreakRule(days: 2))
        w.member("ana", zone: "America/Chicago")
        return Intake(engine: try w.engine())
    }

    @Test func sameIdAndContentIsADuplicateEvenWithTheOffsetWrittenDifferently() throws {
        let i = try intake()
        guard case .accepted = i.take(log("a1", "ana", "2026-03-02T12:00:00-06:00")) else { Issue.record("not accepted"); return }
        guard case .duplicate = i.take(log("a1", "ana", "2026-03-02T18:00:00Z")) else { Issue.record("not a duplicate"); return }
        #expect(i.counts == counts(read: 2, accepted: 1, duplicates: 1))
    }

    @Test func sameIdWithOtherContentIsAConflictAndTheFirstStands() throws {
        let i = try intake()
        _ = i.take(log("a1", "ana", "2026-03-02T12:00:00-06:00", "mood"))
        for other in [log("a1", "ana", "2026-03-02T12:00:00-06:00", "sleep"), log("a1", "ana", "2026-03-02T12:00:01-06:00", "mood"),
                      Event(id: "a1", type: .birthReported, user: "ana", at: instant("2026-03-02T12:00:00-06:00"), category: nil)] {
            guard case .rejected(let why) = i.take(other) else { Issue.record("not rejected: \(other)"); continue }
            #expect(why.code == .conflict)
        }
        // The first one still counts toward the streak.
        guard case .accepted(let got) = i.take(log("a2", "ana", "2026-03-03T12:00:00-06:00")) else { Issue.record("not accepted"); return }
        #expect(got.map(\.evidence) == [["a1", "a2"]])
        #expect(i.counts == counts(read: 5, accepted: 2, rejected: 3, achievements: 1))
    }

    @Test func aDuplicateOfTheEarningEventEarnsNothingMore() throws {
        let i = try intake()
        _ = i.take(log("a1", "ana", "2026-03-02T12:00:00-06:00"))
        guard case .accepted(let first) = i.take(log("a2", "ana", "2026-03-03T12:00:00-06:00")), first.count == 1 else {
            Issue.record("expected one award"); return
        }
        guard case .duplicate = i.take(log("a2", "ana", "2026-03-03T12:00:00-06:00")) else { Issue.record("not a duplicate"); return }
        #expect(i.counts.achievements == 1)
    }

    @Test func anIdRefusedForAnUnknownUserIsNotRemembered() throws {
        let i = try intake()
        guard case .rejected(let why) = i.take(log("x", "zed", "2026-03-02T12:00:00Z")) else { Issue.record("not rejected"); return }
        #expect(why.code == .unknownUser)
        guard case .accepted = i.take(log("x", "ana", "2026-03-02T12:00:00Z")) else { Issue.record("the id should be free"); return }
    }

    @Test func summaryLineHasTheContractsShape() {
        #expect(counts(read: 8, accepted: 3, rejected: 5).summary == "events: 8 read, 3 accepted, 0 duplicates, 5 rejected; achievements: 0")
    }

    private func counts(read: Int, accepted: Int, duplicates: Int = 0, rejected: Int = 0, achievements: Int = 0) -> IntakeCounts {
        var c = IntakeCounts()
        c.read = read; c.accepted = accepted; c.duplicates = duplicates; c.rejected = rejected; c.achievements = achievements
        return c
    }
}

@Suite("Engine shards give one engine's answers")
struct ShardTests {
    @Test(arguments: [1, 2, 3, 7])
    func shardsAgreeWithOneEngine(count: Int) throws {
        var w = World()
        w.offer("s3", StreakRule(days: 3), limit: 3)
        w.offer("w4", DaysInWindowRule(days: 4, window: 7), categories: ["mood", "sleep"], limit: 2)
        w.offer("birth", SingleEventRule(), event: .birthReported)
        let zones = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kathmandu", "America/New_York"]
        for u in 0..<40 { w.member("u\(u)", zone: zones[u % zones.count]) }
        // A deterministic jumble: users interleaved, late events, same-day repeats, births.
        var events: [Event] = []
        var x: UInt64 = 12345
        func next(_ n: Int) -> Int { x = x &* 6364136223846793005 &+ 1442695040888963407; return Int((x >> 33) % UInt64(n)) }
        for i in 0..<4000 {
            let user = "u\(next(40))", day = date("2026-03-01").adding(days: next(60))
            let at = day.iso + "T" + String(format: "%02d:%02d:00Z", next(24), next(60))
            events.append(next(50) == 0 ? birth("b\(i)", user, at) : log("e\(i)", user, at, ["mood", "sleep", "weight"][next(3)]))
        }
        let one = try w.engine()
        let expected = events.map { try? one.record($0).get() }
        let catalog = one.catalog, roster = one.roster
        let shards = try EngineShards(catalog: catalog, roster: roster, count: count)
        var got: [[Achievement]?] = []
        for start in stride(from: 0, to: events.count, by: 512) {
            got += shards.record(Array(events[start..<min(start + 512, events.count)])).map { try? $0.get() }
        }
        #expect(got == expected)
        #expect(expected.compactMap { $0 }.joined().count > 50)
    }
}
