import IncentivesCore
import Testing

/// `why`'s vocabulary from small readable cases modelled on the shared scenarios: for each event, the exact
/// outcome code per reward (catalog order), and each reward's state and next step.
@Suite("Explain: outcomes per event and reward")
struct ExplainTests {
    /// Two employers: acme runs `acme-2026` (from 1 Mar: a 5-day streak and a birth), globex runs `globex-moms`
    /// (a 2-day streak, limit 2; 4 mood/symptom days of 7; 2 days a month).
    static func catalog() -> Catalog {
        let incentives = [
            Incentive(id: "log-5-days", name: "5 in a row", event: .healthDataLogged, categories: nil, rule: StreakRule(days: 5)),
            Incentive(id: "report-birth", name: "Birth", event: .birthReported, categories: nil, rule: SingleEventRule()),
            Incentive(id: "log-2-days", name: "2 in a row", event: .healthDataLogged, categories: nil, rule: StreakRule(days: 2)),
            Incentive(id: "mood-4-of-7", name: "Mood 4 of 7", event: .healthDataLogged, categories: ["mood", "symptom"],
                      rule: DaysInWindowRule(days: 4, window: 7)),
            Incentive(id: "month-2", name: "2 days a month", event: .healthDataLogged, categories: nil,
                      rule: DaysInPeriodRule(days: 2, period: .month)),
        ]
        let acme = Employer(id: "acme", name: "Acme", programs: [
            Program(id: "acme-2026", name: "Acme 2026", starts: date("2026-03-01"), ends: date("2026-12-31"), rewards: [
                Reward(incentive: "log-5-days", reward: "Pregnancy pillow"), Reward(incentive: "report-birth", reward: "$50 gift card")]),
        ])
        let globex = Employer(id: "globex", name: "Globex", programs: [
            Program(id: "globex-moms", name: "Globex Moms", starts: date("2026-01-01"), ends: date("2026-06-30"), rewards: [
                Reward(incentive: "log-2-days", reward: "Water bottle", limit: 2),
                Reward(incentive: "mood-4-of-7", reward: "$10 gift card"),
                Reward(incentive: "month-2", reward: "Coffee", limit: 3)]),
        ])
        return Catalog(incentives: incentives, employers: [acme, globex])
    }

    static let roster = Roster(members: [
        Member(id: "ana", employer: "acme", timezone: "America/Chicago", eligibleFrom: date("2026-01-01"), eligibleUntil: nil),
        Member(id: "gus", employer: "globex", timezone: "Europe/London", eligibleFrom: date("2026-01-01"), eligibleUntil: date("2026-04-03")),
        Member(id: "walk-in", employer: nil, timezone: "UTC", eligibleFrom: date("2026-01-01"), eligibleUntil: nil),
    ])

    /// Every event goes through the explainer (admission sees all ids); the user's are explained.
    func explain(_ user: String, _ events: [Event], today: String, program: String? = nil) throws -> Explanation {
        let explainer = try Explainer(intake: Intake(engine: Engine(catalog: Self.catalog(), roster: Self.roster)), user: user)
        for e in events { explainer.take(e) }
        return explainer.explanation(today: date(today), program: program)
    }

    /// The codes of one event's lines, in order.
    func codes(_ x: Explanation, _ id: String) -> [String] { x.lines.filter { $0.event.id == id }.map(\.outcome.code) }

    func chicago(_ id: String, _ day: String, _ category: String = "mood") -> Event { log(id, "ana", day + "T12:00:00-06:00", category) }
    func london(_ id: String, _ day: String, _ category: String = "mood") -> Event { log(id, "gus", day + "T12:00:00Z", category) }

    @Test func sameDayCountsOnceAndABirthIsTheWrongTypeForAStreak() throws {
        // Scenario 04: two logs on 2 Mar and three more days are four days, not a streak.
        let x = try explain("ana", [chicago("a1", "2026-03-02"), chicago("a2", "2026-03-02"), chicago("a3", "2026-03-03"),
                                    chicago("a4", "2026-03-04"), chicago("a5", "2026-03-05")], today: "2026-03-05")
        #expect(codes(x, "a1") == ["counted", "wrong-type"])
        #expect(codes(x, "a2") == ["day-already-counted", "wrong-type"])
        #expect(codes(x, "a5") == ["counted", "wrong-type"])
        #expect(x.lines.first { $0.event.id == "a5" }?.outcome == .counted(standing: "day 4 of 5"))
        #expect(x.lines.first { $0.event.id == "a2" }?.outcome.sentence.contains("day 1 of 5") == true)
        #expect(x.rewards.map(\.state) == [.open, .open])
        #expect(x.rewards[0].next == "log tomorrow, Fri 6 Mar, to finish 5 in a row")
        #expect(x.rewards[0].deadline == date("2026-12-31"))
        #expect(x.rewards[0].deadlineReason == "program end")
    }

    @Test func aStreakEarnsWithItsEvidenceAndALaterBirthEarnsOnce() throws {
        let days = ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-06"]
        var events = days.enumerated().map { chicago("a\($0.offset + 1)", $0.element) }
        events += [birth("b1", "ana", "2026-06-14T09:12:00Z"), birth("b2", "ana", "2026-06-15T09:12:00Z"), chicago("a6", "2026-03-07")]
        let x = try explain("ana", events, today: "2026-06-15")
        #expect(codes(x, "a5") == ["earned", "wrong-type"])
        guard case .earned(let a) = x.lines.first(where: { $0.event.id == "a5" })?.outcome else { Issue.record("a5 did not earn"); return }
        #expect(a.evidence == ["a1", "a2", "a3", "a4", "a5"])
        #expect(a.reward == "Pregnancy pillow")
        #expect(codes(x, "b1") == ["wrong-type", "earned"])
        #expect(codes(x, "b2") == ["wrong-type", "limit-reached"])
        #expect(codes(x, "a6") == ["limit-reached", "wrong-type"])
        #expect(x.rewards.map(\.state) == [.limitReached, .limitReached])
    }

    @Test func daysBeforeTheProgramDoNotCount() throws {
        // Scenario 07: the program starts on 1 Mar.
        let x = try explain("ana", [chicago("a0", "2026-02-28"), chicago("a1", "2026-03-01")], today: "2026-03-01")
        #expect(codes(x, "a0") == ["before-program", "wrong-type"])
        #expect(codes(x, "a1") == ["counted", "wrong-type"])
        #expect(x.lines.first?.outcome == .beforeProgram(starts: date("2026-03-01")))
    }

    @Test func daysAfterTheProgramDoNotCount() throws {
        let x = try explain("gus", [london("g1", "2026-07-01")], today: "2026-07-01")
        // gus's eligibility ended on 3 Apr: that gate comes first, for every reward at once.
        #expect(codes(x, "g1") == ["not-eligible"])
        var roster = Self.roster.members
        roster[1] = Member(id: "gus", employer: "globex", timezone: "Europe/London", eligibleFrom: date("2026-01-01"), eligibleUntil: nil)
        let explainer = try Explainer(intake: Intake(engine: Engine(catalog: Self.catalog(), roster: Roster(members: roster))), user: "gus")
        explainer.take(london("g1", "2026-07-01"))
        let after = explainer.explanation(today: date("2026-07-01"))
        #expect(codes(after, "g1") == ["after-program", "after-program", "after-program"])
        #expect(after.rewards.map(\.state) == [.closed, .closed, .closed])
    }

    @Test func eligibilityEndsAndTheRewardCloses() throws {
        // Scenario 08: gus is eligible until 3 Apr.
        let x = try explain("gus", [london("g1", "2026-04-03"), london("g2", "2026-04-04")], today: "2026-04-10")
        #expect(codes(x, "g1") == ["counted", "counted", "counted"])
        #expect(codes(x, "g2") == ["not-eligible"])
        #expect(x.lines.last?.outcome == .notEligible(from: date("2026-01-01"), until: date("2026-04-03")))
        #expect(x.rewards.map(\.state) == [.closed, .closed, .closed])
        #expect(x.rewards[0].deadlineReason == "eligibility end")
    }

    @Test func aDayUsedByAnAwardNeverCountsAgainAndTheLimitStops() throws {
        // Scenario 09: limit 2, disjoint evidence. Only the 2-in-a-row reward matters here (mood counts too).
        let x = try explain("gus", [london("g1", "2026-02-02"), london("g2", "2026-02-03"), london("g2b", "2026-02-03"),
                                    london("g3", "2026-02-04"), london("g4", "2026-02-05"), london("g5", "2026-02-06")],
                            today: "2026-02-06")
        let streak = x.filtered(reward: "Water bottle")
        #expect(codes(streak, "g1") == ["counted"])
        #expect(codes(streak, "g2") == ["earned"])
        #expect(codes(streak, "g2b") == ["day-already-used"])
        #expect(codes(streak, "g3") == ["counted"])
        #expect(codes(streak, "g4") == ["earned"])
        #expect(codes(streak, "g5") == ["limit-reached"])
        guard case .dayAlreadyUsed(let by) = streak.lines.first(where: { $0.event.id == "g2b" })?.outcome else { Issue.record("g2b"); return }
        #expect(by?.evidence == ["g1", "g2"])
        #expect(by?.ordinal == 1)
    }

    @Test func categoriesThatDoNotCountSaySoAndNameTheOnesThatDo() throws {
        // Scenario 10: the 4-of-7 reward counts mood and symptom only.
        let x = try explain("gus", [london("g1", "2026-02-02", "sleep")], today: "2026-02-02")
        #expect(codes(x, "g1") == ["counted", "category-not-counted", "counted"])
        #expect(x.lines[1].outcome == .categoryNotCounted(category: "sleep", counted: ["mood", "symptom"]))
        #expect(x.lines[1].outcome.sentence == "category \"sleep\" does not count: only \"mood\", \"symptom\" do")
    }

    @Test func aMonthEarnsOnceThenItsOtherDaysSayTheMonthAlreadyEarned() throws {
        // Scenarios 13 and 15: 2 days a month, at most one award a month.
        let x = try explain("gus", [london("g1", "2026-03-02", "sleep"), london("g2", "2026-03-10", "sleep"),
                                    london("g3", "2026-03-20", "sleep"), london("g2b", "2026-03-10", "sleep")],
                            today: "2026-03-20")
        let month = x.filtered(reward: "month-2")
        #expect(codes(month, "g1") == ["counted"])
        #expect(month.lines[0].outcome == .counted(standing: "1 of 2 days in March"))
        #expect(codes(month, "g2") == ["earned"])
        #expect(codes(month, "g3") == ["period-already-earned"])
        #expect(codes(month, "g2b") == ["day-already-used"])
        #expect(month.lines[2].outcome.sentence.hasPrefix("Sun 1 Mar 2026–Tue 31 Mar 2026 already earned its one award (award 1"))
        #expect(month.rewards[0].next == "already earned for March; log on 2 more days from Wed 1 Apr to Fri 3 Apr to earn it for April")
    }

    @Test func aUserWithoutEmployerGetsOneLinePerEvent() throws {
        let x = try explain("walk-in", [log("w1", "walk-in", "2026-03-02T12:00:00Z")], today: "2026-03-02")
        #expect(codes(x, "w1") == ["no-employer"])
        #expect(x.rewards.isEmpty)
    }

    @Test func aProgramTheEmployerDoesNotRunIsExplainedAsSuch() throws {
        let x = try explain("ana", [chicago("a1", "2026-03-02")], today: "2026-03-02", program: "globex-moms")
        let globex = x.filtered(program: "globex-moms")
        #expect(codes(globex, "a1") == ["employer-not-in-program", "employer-not-in-program", "employer-not-in-program"])
        #expect(globex.rewards.map(\.state) == [.notOffered, .notOffered, .notOffered])
    }

    @Test func duplicatesConflictsAndRefusedLinesNeverReachTheEngine() throws {
        let explainer = try Explainer(intake: Intake(engine: Engine(catalog: Self.catalog(), roster: Self.roster)), user: "ana")
        explainer.take(chicago("a1", "2026-03-02"))
        explainer.take(chicago("a1", "2026-03-02"))
        explainer.take(chicago("a1", "2026-03-03"))
        // Another user's event reusing ana's id is a conflict of theirs, not ana's.
        explainer.take(log("a1", "gus", "2026-03-02T12:00:00Z"))
        explainer.refused(Rejection(.badTimestamp, field: "at", "no offset"), file: "events.jsonl", line: 9)
        let x = explainer.explanation(today: date("2026-03-03"))
        #expect(x.lines.map(\.outcome.code) == ["counted", "wrong-type", "duplicate", "conflict", "rejected"])
        #expect(x.lines[4].event.line == 9)
        #expect(x.lines[3].outcome.sentence.contains("already accepted with other content"))
    }

    @Test func aBrokenRunSaysWhereItBroke() throws {
        let x = try explain("ana", [chicago("a1", "2026-03-01"), chicago("a2", "2026-03-02"), chicago("a4", "2026-03-04"),
                                    chicago("a5", "2026-03-05")], today: "2026-03-05")
        #expect(x.rewards[0].next == "the run broke on Tue 3 Mar: no log that day; log every day from tomorrow, Fri 6 Mar, to Sun 8 Mar to finish 5 in a row")
        let quiet = try explain("ana", [chicago("a1", "2026-03-01")], today: "2026-03-05")
        #expect(quiet.rewards[0].next == "the run broke on Mon 2 Mar: no log that day; log every day from today, Thu 5 Mar, to Mon 9 Mar to finish 5 in a row")
    }

    @Test func aWindowSaysHowManyMoreDaysAndByWhen() throws {
        let x = try explain("gus", [london("g1", "2026-02-02"), london("g2", "2026-02-03")], today: "2026-02-03")
        let window = x.filtered(reward: "mood-4-of-7")
        #expect(window.rewards[0].standing == "2 of 4 days within 7")
        #expect(window.rewards[0].next == "log on 2 more days from tomorrow, Wed 4 Feb, to Sun 8 Feb to have 4 within 7")
        #expect(window.rewards[0].sentence.hasSuffix("last day that counts Fri 3 Apr 2026 (eligibility end)"))
    }

    @Test func theListOfCodesIsEveryCasesCode() {
        let a = Achievement(user: "u", employer: "e", program: "p", incentive: "i", reward: "r", completedOn: date("2026-03-02"),
                            achievedAt: instant("2026-03-02T12:00:00Z"), evidence: ["x"], evidenceDays: [date("2026-03-02")], ordinal: 1)
        let d = date("2026-03-02"), why = Rejection(.badTimestamp, field: "at", "bad")
        let all: [Outcome] = [.earned(a), .pointsAdded(points: 1, total: 1, next: nil), .tierReached(a), .counted(standing: ""), .dayAlreadyCounted(standing: ""), .dayAlreadyUsed(by: nil),
                              .periodAlreadyEarned(within: d...d, by: nil), .limitReached(limit: 1), .beforeProgram(starts: d),
                              .afterProgram(ends: d), .notEligible(from: d, until: nil), .wrongType(type: .birthReported, counts: .healthDataLogged),
                              .categoryNotCounted(category: nil, counted: []), .noEmployer, .employerNotInProgram(employer: nil, program: "p"),
                              .duplicate, .conflict(why), .rejected(why)]
        #expect(all.map(\.code) == Outcome.codes)
    }
}
