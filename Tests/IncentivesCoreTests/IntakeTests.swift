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

@Suite("A sharded intake gives one intake's answers")
struct ShardedIntakeTests {
    /// Lines where ids repeat (same content: duplicate; other user, instant or category: conflict), users are
    /// off the roster (their ids stay free), and some lines never became events.
    private func jumble(users: Int, lines: Int) -> [Result<Event, Rejection>] {
        var x: UInt64 = 987_654_321
        func next(_ n: Int) -> Int { x = x &* 6364136223846793005 &+ 1442695040888963407; return Int((x >> 33) % UInt64(n)) }
        var sent: [Event] = []
        var out: [Result<Event, Rejection>] = []
        for i in 0..<lines {
            switch next(20) {
            case 0 where !sent.isEmpty: out.append(.success(sent[next(sent.count)])) // duplicate
            case 1 where !sent.isEmpty: // conflict: an earlier id with another user or time
                let e = sent[next(sent.count)]
                out.append(.success(log(e.id, "u\(next(users))", "2026-03-\(10 + next(9))T08:00:00Z", e.category ?? "mood")))
            case 2: out.append(.success(log("n\(i)", "nobody\(next(3))", "2026-03-05T08:00:00Z"))) // unknown user
            case 3: out.append(.failure(Rejection(.invalidJSON, field: nil, "not valid JSON")))
            case 4: out.append(.success(log("n\(i - 1)", "u\(next(users))", "2026-03-05T08:00:00Z"))) // maybe the id an unknown user had
            default:
                let e = log("e\(i)", "u\(next(users))", "2026-03-\(10 + next(18))T\(10 + next(10)):00:00Z", ["mood", "sleep"][next(2)])
                sent.append(e)
                out.append(.success(e))
            }
        }
        return out
    }

    @Test(arguments: [2, 3, 5])
    func batchesAcrossShardsMatchOneIntakeLineByLine(count: Int) throws {
        var w = World()
        w.offer("s3", StreakRule(days: 3), limit: 2)
        w.offer("w4", DaysInWindowRule(days: 4, window: 7), categories: ["mood", "sleep"], limit: 2)
        for u in 0..<30 { w.member("u\(u)", zone: ["UTC", "Asia/Kathmandu", "America/New_York"][u % 3]) }
        let lines = jumble(users: 30, lines: 3000)

        let one = Intake(engine: try w.engine())
        var expected = Intake.BatchOutcome()
        for (i, line) in lines.enumerated() {
            switch line {
            case .failure(let why): one.reject(why, countAsRead: true); expected.rejected.append((i, why))
            case .success(let e):
                switch one.take(e) {
                case .accepted(let a): if !a.isEmpty { expected.earned.append((i, a)) }
                case .rejected(let why): expected.rejected.append((i, why))
                case .duplicate: break
                }
            }
        }
        let engine = try w.engine()
        let sharded = Intake(shards: try EngineShards(catalog: engine.catalog, roster: engine.roster, count: count))
        var got = Intake.BatchOutcome()
        for start in stride(from: 0, to: lines.count, by: 256) {
            let part = sharded.take(batch: Array(lines[start..<min(start + 256, lines.count)]))
            got.earned += part.earned.map { (start + $0.index, $0.achievements) }
            got.rejected += part.rejected.map { (start + $0.index, $0.why) }
        }
        #expect(sharded.counts == one.counts)
        #expect(got.earned.map { $0.index } == expected.earned.map { $0.index })
        #expect(got.earned.map { $0.achievements } == expected.earned.map { $0.achievements })
        #expect(got.rejected.map { $0.index } == expected.rejected.map { $0.index })
        #expect(got.rejected.map { $0.why.code } == expected.rejected.map { $0.why.code })
        // The jumble exercises every path.
        #expect(one.counts.duplicates > 50 && one.counts.achievements > 20)
        #expect(Set(expected.rejected.map { $0.why.code }) == [.conflict, .unknownUser, .invalidJSON])
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
        // The sparse form replay takes: only the events that earned, at their places.
        let sparse = try EngineShards(catalog: catalog, roster: roster, count: count)
        var earning: [Int: [Achievement]] = [:]
        for start in stride(from: 0, to: events.count, by: 512) {
            for (i, a) in sparse.recordEarning(Array(events[start..<min(start + 512, events.count)])) { earning[start + i] = a }
        }
        #expect(earning == Dictionary(uniqueKeysWithValues: expected.enumerated().compactMap { i, a in a.flatMap { $0.isEmpty ? nil : (i, $0) } }))
    }
}
