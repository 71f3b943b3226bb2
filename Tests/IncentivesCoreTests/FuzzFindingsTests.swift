import Foundation
import IncentivesCore
import Testing

/// Inputs the fuzzers (Tests/Fuzz/) found, replayed as FuzzProgress runs them: restore the bytes for `u1` of the fuzz
/// target's fixed catalog (Tests/Fuzz/Support/Worlds.swift, rebuilt here in code), re-encode, restore again, look, record.
/// Each used to trap; the inputs are inlined as the fuzzer saved them (base64).
@Suite("Fuzz findings: saved progress")
struct FuzzProgressFindingsTests {
    /// The fuzz target's world: `fixedCatalogJSON` and the member `u1`.
    private func engine() throws -> Engine {
        func d(_ s: String) -> LocalDate { date(s) }
        let incentives = [
            Incentive(id: "log-3", name: "log-3", event: .healthDataLogged, categories: nil, rule: StreakRule(days: 3)),
            Incentive(id: "sleep-2-of-4", name: "sleep-2-of-4", event: .healthDataLogged, categories: ["sleep"],
                      rule: DaysInWindowRule(days: 2, window: 4)),
            Incentive(id: "birth", name: "birth", event: .birthReported, categories: nil, rule: SingleEventRule()),
            Incentive(id: "mood-once", name: "mood-once", event: .healthDataLogged, categories: ["mood", "steps"], rule: SingleEventRule()),
        ]
        let p1 = Program(id: "p1", name: "p1", starts: d("2026-03-01"), ends: d("2026-04-30"), rewards: [
            Reward(incentive: "log-3", reward: "r1", limit: 3), Reward(incentive: "sleep-2-of-4", reward: "r2", limit: 2),
            Reward(incentive: "birth", reward: "r3"),
        ])
        let p2 = Program(id: "p2", name: "p2", starts: d("2026-03-10"), ends: d("2026-03-20"), rewards: [
            Reward(incentive: "mood-once", reward: "r4", limit: 2), Reward(incentive: "log-3", reward: "r5"),
        ])
        let g1 = Program(id: "g1", name: "g1", starts: d("2026-01-01"), ends: d("2026-12-31"), rewards: [Reward(incentive: "log-3", reward: "r6")])
        let catalog = Catalog(incentives: incentives, employers: [Employer(id: "acme", name: "acme", programs: [p1, p2]),
                                                                  Employer(id: "globex", name: "globex", programs: [g1])])
        let roster = Roster(members: [
            Member(id: "u1", employer: "acme", timezone: "America/Chicago", eligibleFrom: d("2026-03-05"), eligibleUntil: d("2026-04-20")),
            Member(id: "u2", employer: "globex", timezone: "Pacific/Kiritimati", eligibleFrom: d("2026-01-01"), eligibleUntil: nil),
        ])
        return try Engine(catalog: catalog, roster: roster)
    }

    private let probes = [
        log("p1", "u1", "2026-03-12T10:00:00-06:00", "sleep"), log("p2", "u1", "2026-03-13T23:59:59-05:00", "mood"),
        birth("p3", "u1", "2026-03-14T00:00:00Z"), log("p4", "u1", "2026-03-11T08:00:00-06:00", "steps"),
    ]

    /// What FuzzProgress checks, without its fuzzer.
    private func replay(refused: Bool, _ base64: String) throws {
        let bytes = try #require(Data(base64Encoded: base64).map { [UInt8]($0) })
        let e = try engine()
        do { try e.restoreProgress(of: "u1", from: bytes) } catch {
            // Refused: the engine goes on as if nothing had been restored — the probes earn what they earn on a fresh one.
            #expect(refused, "restore refused bytes the test expects to be restored: \(error)")
            let fresh = try engine()
            for p in probes { #expect("\(e.record(p))" == "\(fresh.record(p))", "\(p.id)") }
            return
        }
        #expect(!refused, "restore took bytes it must refuse")
        let first = try #require(e.encodedProgress(of: "u1"))
        let again = try engine()
        try again.restoreProgress(of: "u1", from: first)
        #expect(again.encodedProgress(of: "u1") == first)
        _ = e.standings(of: "u1")
        for p in probes { _ = e.record(p) }
    }

    /// Restored: a streak counting days the day log had no event for; the probe that completed the streak
    /// trapped naming the evidence ("every counted day has a first event"). Now refused at restore.
    @Test func countedDaysWithoutEvents() throws {
        try replay(refused: true, "BAoeYWNtZR9wMR8wH2xvZy0zAgLKwAJeCjcHLGFjbWUfcDEfMR9zbGVlcC0yLW9mLTQEAB5hY21lH3AxHzIfYmlydGgCACZhY21lH3AyHzAfbW9vZC1vbmNlAgIC1MACHmFjbWUfcDIfMR9sb2ctMwAWAsABAtQAAAokaGVhaGx0X2RhdGFfbG9nZ2VkHGJpcnRoX3JlcG9ydGVkCnNsZWVwCG1vbwkKc3RlcHMUysACAAQEZTECAAQEZTIAAAYEZTMAAAgEZTYCAAQEZTQAAAYEZTUEAAQEZTcCAAQEZTgAAAYEZTo5AAIBBGIx")
    }

    /// A slot key whose length is near Int.max: `position + n` overflowed in ByteReader.readString.
    @Test func aStringLengthNearIntMax() throws {
        try replay(refused: true, "BAoeYWNtZR9wMR8wH2xvZy0zAgLKwAJeCBcHLGFjbWUfcDEfMR9zbGVlcC0yLW9mLTQCAI7//////////z09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT09PT3///8EM2FjbWVwHzH/fgAAHmFjbWUfcDIfMR9sb2ctMwAACiRoZWFsdGhf")
    }
}

/// Inputs Tests/Fuzz/FuzzEventLine found with `--strict`, inlined: instants whose UTC date fell outside years 0001-9999
/// were accepted and then printed as `10000-…` or `0000-…`. CONTRACT §1 now settles both: a leap second reads as
/// :59 of its minute (so it stays in its year), and an instant outside the years in UTC is refused.
@Suite("Fuzz findings: instants")
struct FuzzInstantFindingsTests {
    @Test(arguments: [("9999-12-31T23:59:60Z", "9999-12-31T23:59:59Z"), ("0001-01-01T00:00:60+00:00", "0001-01-01T00:00:59Z")])
    func aLeapSecondStaysInItsYearAndRoundTrips(_ text: String, _ utc: String) throws {
        let instant = try Instant.parseRFC3339(text).get()
        #expect(instant.rfc3339 == utc)
        #expect(Instant.parseRFC3339(instant.rfc3339) == .success(instant))
    }

    @Test(arguments: ["9999-12-31T23:30:00-01:00", "0001-01-01T00:00:00+01:00"])
    func anInstantOutsideTheYearsInUTCIsRefused(_ text: String) {
        #expect(Instant.parseRFC3339(text) == .failure(.outsideYears))
    }
}
