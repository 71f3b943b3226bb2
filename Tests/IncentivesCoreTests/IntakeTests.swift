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
