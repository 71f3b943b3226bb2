import Foundation
import XCTest
import IncentivesCore
import IncentivesInput
@testable import IncentivesStore

/// The read API that `user`, `programs`, `rejects` and the console use.
final class ReaderTests: XCTestCase {
    /// A store with the contract's example: ana logs five days in a row (Chicago) and earns the pillow.
    private func streakStore(_ dir: TempDir, days: Int = 5) throws -> String {
        let catalog = dir.write("catalog.json", """
        {"incentives": [
          {"id": "log-5-days", "name": "Log 5 days", "kind": "streak", "event": "health_data_logged", "days": 5},
          {"id": "report-birth", "name": "Report a birth", "kind": "single", "event": "birth_reported"}],
         "employers": [{"id": "acme", "name": "Acme Corp", "programs": [
          {"id": "acme-2026", "name": "Acme 2026", "starts": "2026-01-01", "ends": "2026-12-31", "rewards": [
            {"incentive": "log-5-days", "reward": "Pregnancy pillow"},
            {"incentive": "report-birth", "reward": "$50 gift card", "limit": 1}]}]},
          {"id": "globex", "programs": []}],
         "partners": [{"id": "pillowco", "employers": ["acme"], "rewards": ["Pregnancy pillow"],
                       "webhook": {"url": "https://pillow.example/h", "secretEnv": "PILLOW_SECRET"}}]}
        """)
        let roster = dir.write("roster.jsonl", """
        {"id": "ana", "employer": "acme", "timezone": "America/Chicago", "eligibleFrom": "2026-01-01", "partnerIds": {"pillowco": "PC-1"}}
        {"id": "andy", "employer": "acme", "timezone": "Europe/Paris", "eligibleFrom": "2026-01-01", "eligibleUntil": "2026-02-01"}
        {"id": "bob", "employer": null, "timezone": "UTC", "eligibleFrom": "2026-01-01"}
        """)
        var lines: [String] = []
        for d in 0..<days {
            // 23:30 in Chicago is the next day in UTC: the local day is what counts.
            lines.append("{\"id\": \"e-\(d + 1)\", \"type\": \"health_data_logged\", \"user\": \"ana\", \"at\": \"2026-03-0\(2 + d)T23:30:00-06:00\", \"category\": \"mood\"}")
        }
        lines.append("{\"id\": \"x\", \"type\": \"health_data_logged\", \"user\": \"nobody\", \"at\": \"2026-03-02T10:00:00Z\", \"category\": \"mood\"}")
        let events = dir.write("events.jsonl", lines.joined(separator: "\n") + "\n")
        let path = dir.path("db.sqlite")
        let store = try Fixtures.initStore(path, Inputs(catalog: catalog, roster: roster, events: events))
        _ = try Ingestor(store: store).ingest(path: events)
        return path
    }

    func testProfileShowsStandingAchievementsAndLocalDays() throws {
        let dir = TempDir()
        let reader = try StoreReader(path: try streakStore(dir, days: 3))
        let p = try XCTUnwrap(try reader.profile(of: "ana", today: LocalDate(iso: "2026-03-04")))
        XCTAssertEqual(p.member.timezone, "America/Chicago")
        XCTAssertEqual(p.member.partnerMemberIDs, ["pillowco": "PC-1"])
        XCTAssertEqual(p.employerName, "Acme Corp")
        XCTAssertTrue(p.eligibleToday)
        XCTAssertEqual(p.eventCount, 3)
        XCTAssertEqual(p.standings.map(\.incentive), ["log-5-days", "report-birth"])
        let streak = p.standings[0]
        XCTAssertEqual(streak.done, 3)
        XCTAssertEqual(streak.needed, 5)
        XCTAssertEqual(streak.lastDay, LocalDate(iso: "2026-03-04"))
        XCTAssertEqual(streak.summary, "day 3 of 5, last logged Wed 4 Mar (America/Chicago)")
        XCTAssertTrue(p.achievements.isEmpty)
        XCTAssertEqual(p.recentEvents.map(\.id), ["e-3", "e-2", "e-1"])
        XCTAssertEqual(p.recentEvents.last?.localDay, LocalDate(iso: "2026-03-02"))
        XCTAssertEqual(p.recentEvents.last?.at.rfc3339, "2026-03-03T05:30:00Z")
        XCTAssertNil(try reader.profile(of: "nobody"))
    }

    func testAchievementPagesFiltersEvidenceAndOutbox() throws {
        let dir = TempDir()
        let path = try streakStore(dir)
        let reader = try StoreReader(path: path)
        let all = try reader.achievements(AchievementQuery())
        XCTAssertEqual(all.count, 1)
        let a = try XCTUnwrap(all.first)
        XCTAssertEqual(a.achievement.user, "ana")
        XCTAssertEqual(a.achievement.completedOn, LocalDate(iso: "2026-03-06"))
        XCTAssertEqual(a.achievement.evidenceDays.map(\.iso), ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"])
        XCTAssertEqual(a.jsonLine, #"{"user":"ana","employer":"acme","program":"acme-2026","incentive":"log-5-days","reward":"Pregnancy pillow","completedOn":"2026-03-06","achievedAt":"2026-03-07T05:30:00Z","evidence":["e-1","e-2","e-3","e-4","e-5"]}"#)
        XCTAssertEqual(try reader.achievements(AchievementQuery(employer: "globex")).count, 0)
        XCTAssertEqual(try reader.achievements(AchievementQuery(since: LocalDate(iso: "2026-03-06"))).count, 1)
        XCTAssertEqual(try reader.achievements(AchievementQuery(since: LocalDate(iso: "2026-03-07"))).count, 0)
        XCTAssertEqual(try reader.achievements(AchievementQuery(until: LocalDate(iso: "2026-03-05"))).count, 0)
        XCTAssertEqual(try reader.achievementCount(AchievementQuery(user: "ana", program: "acme-2026")), 1)
        XCTAssertEqual(try reader.achievement(id: a.id), a)
        let evidence = try reader.evidence(of: a.id)
        XCTAssertEqual(evidence.map(\.eventID), ["e-1", "e-2", "e-3", "e-4", "e-5"])
        XCTAssertEqual(evidence.map(\.day.iso), ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"])
        XCTAssertEqual(evidence.first?.event?.user, "ana")
        XCTAssertEqual(try reader.achievements(usingEvent: "e-3", of: "ana").map(\.id), [a.id])
        XCTAssertEqual(try reader.achievements(usingEvent: "e-9", of: "ana").count, 0)
        // One pending delivery for the partner that ships pillows to acme, due at once.
        let rows = try reader.db.rows("SELECT id, achievement_id, partner, status, attempts FROM deliveries") {
            [$0.text(0), $0.text(1), $0.text(2), $0.text(3), String($0.int(4))]
        }
        XCTAssertEqual(rows, [[a.id + ":pillowco", a.id, "pillowco", "pending", "0"]])
        XCTAssertEqual(try reader.counts().pendingDeliveries, 1)
    }

    func testProgramsUsersRejectsCountsAndChanges() throws {
        let dir = TempDir()
        let path = try streakStore(dir)
        let reader = try StoreReader(path: path)
        let programs = try reader.programs()
        XCTAssertEqual(programs.map(\.incentive.id), ["log-5-days", "report-birth"])
        XCTAssertEqual(programs[0].kind, "streak")
        XCTAssertEqual(programs[0].incentive.rule.parameters, [RuleParameter("days", .integer(5))])
        XCTAssertEqual(programs[0].enrolled, 2)
        XCTAssertEqual(programs[0].achievements, 1)
        XCTAssertEqual(programs[1].achievements, 0)
        XCTAssertEqual(programs[1].reward.limit, 1)
        XCTAssertEqual(try reader.programs(employer: "globex").count, 0)
        // The unfiltered query again after a filtered one (cached statements must not keep old bindings).
        XCTAssertEqual(try reader.programs(employer: "acme").count, 2)
        XCTAssertEqual(try reader.programs().count, 2)

        XCTAssertEqual(try reader.users(prefix: "an").map(\.id), ["ana", "andy"])
        XCTAssertEqual(try reader.users(prefix: "b").map(\.id), ["bob"])
        XCTAssertNil(try reader.user("bob")?.employer)

        let rejects = try reader.rejects()
        XCTAssertEqual(rejects.map(\.code), ["unknown-user"])
        XCTAssertEqual(rejects.first?.line, 6)
        XCTAssertEqual(rejects.first?.eventID, "x")
        XCTAssertEqual(rejects.first?.message, "\(dir.path("events.jsonl")):6: user: unknown user \"nobody\"")

        let counts = try reader.counts()
        XCTAssertEqual(counts.users, 3)
        XCTAssertEqual(counts.events, 5)
        XCTAssertEqual(counts.achievements, 1)
        XCTAssertEqual(counts.rejects, 1)

        // What changed since a point: new events and achievements in order, and nothing after the last.
        let changes = try reader.changes(sinceEvent: 3, sinceAchievement: 0)
        XCTAssertEqual(changes.events.map(\.id), ["e-4", "e-5"])
        XCTAssertEqual(changes.achievements.count, 1)
        XCTAssertEqual(changes.lastEventSeq, 5)
        let none = try reader.changes(sinceEvent: changes.lastEventSeq, sinceAchievement: changes.lastAchievementSeq,
                                      sinceReject: changes.lastRejectSeq)
        XCTAssertTrue(none.events.isEmpty && none.achievements.isEmpty && none.rejects.isEmpty)
    }

    func testStandingsIncludeEventsStoredAfterTheLastProgressSave() throws {
        // Progress is saved every N events; a reader replays the user's later events on top of the blob.
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 5, events: 400)
        let path = dir.path("db.sqlite")
        let store = try Fixtures.initStore(path, g.inputs)
        var options = Ingestor.Options()
        options.progressEvery = 100
        _ = try Ingestor(store: store).ingest(path: g.inputs.events, options: options)
        let exact = try XCTUnwrap(try StoreReader(path: path).profile(of: "u1", today: LocalDate(iso: "2026-03-01")))
        // Pretend no save ever happened: replaying the user's events gives the same standings.
        XCTAssertTrue(exact.standings.contains { $0.awards > 0 || ($0.done ?? 0) > 0 || !$0.countedDays.isEmpty }, "u1 has progress")
        try store.db.run("UPDATE settings SET value = '0' WHERE key = 'progress_seq'")
        try store.db.run("DELETE FROM progress")
        let replayed = try XCTUnwrap(try StoreReader(path: path).profile(of: "u1", today: LocalDate(iso: "2026-03-01")))
        XCTAssertEqual(replayed.standings, exact.standings)
    }

    func testLocationFollowsOptionThenEnvironmentThenXDG() {
        XCTAssertEqual(StoreLocation.resolve(option: "/x/db.sqlite", environment: ["INCENTIVES_DB": "/y"]), "/x/db.sqlite")
        XCTAssertEqual(StoreLocation.resolve(option: nil, environment: ["INCENTIVES_DB": "/y/db", "XDG_DATA_HOME": "/d"]), "/y/db")
        XCTAssertEqual(StoreLocation.resolve(option: nil, environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]), "/d/incentives/incentives.sqlite")
        XCTAssertEqual(StoreLocation.resolve(option: nil, environment: ["XDG_DATA_HOME": "relative", "HOME": "/h"]),
                       "/h/.local/share/incentives/incentives.sqlite")
        XCTAssertEqual(StoreLocation.resolve(option: nil, environment: ["HOME": "/h"]), "/h/.local/share/incentives/incentives.sqlite")
    }
}

final class PagingTests: XCTestCase {
    func testKeysetPagesAndOffsetsCoverEveryAchievementOnce() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 40, events: 4_000)
        let path = dir.path("db.sqlite")
        _ = try Ingestor(store: try Fixtures.initStore(path, g.inputs)).ingest(path: g.inputs.events)
        let reader = try StoreReader(path: path)
        let all = try reader.achievements(AchievementQuery())
        XCTAssertGreaterThan(all.count, 60)
        for order in [AchievementQuery.Order.recorded, .newest] {
            var pages: [AchievementRecord] = []
            var after: Int64?
            while true {
                let page = try reader.achievements(AchievementQuery(order: order, limit: 25, afterSeq: after))
                if page.isEmpty { break }
                pages += page
                after = page.last?.seq
            }
            XCTAssertEqual(pages, order == .recorded ? all : all.reversed())
        }
        let byOffset = try reader.achievements(AchievementQuery(limit: 25, offset: 25))
        XCTAssertEqual(byOffset, Array(all[25..<50]))
        let employer = try XCTUnwrap(all.first?.achievement.employer)
        XCTAssertEqual(try reader.achievements(AchievementQuery(employer: employer)), all.filter { $0.achievement.employer == employer })
        XCTAssertEqual(try reader.achievementCount(AchievementQuery(employer: employer)), all.filter { $0.achievement.employer == employer }.count)
        XCTAssertEqual(try reader.achievements(AchievementQuery(order: .user)).map(\.achievement.user), all.map(\.achievement.user).sorted())
        var streamed: [AchievementRecord] = []
        let feb = try XCTUnwrap(LocalDate(iso: "2026-02-01"))
        try reader.forEachAchievement(AchievementQuery(since: feb)) { streamed.append($0) }
        XCTAssertEqual(streamed, all.filter { $0.achievement.completedOn >= feb })
        // A user id prefix is a prefix, not a pattern: `_` and `%` match only themselves.
        let someUser = try XCTUnwrap(all.first?.achievement.user)
        let prefix = String(someUser.prefix(2))
        XCTAssertEqual(try reader.achievements(AchievementQuery(userPrefix: prefix)), all.filter { $0.achievement.user.hasPrefix(prefix) })
        XCTAssertEqual(try reader.achievements(AchievementQuery(userPrefix: "%")), [])
        XCTAssertEqual(try reader.achievements(AchievementQuery(userPrefix: "_")), [])
    }
}
