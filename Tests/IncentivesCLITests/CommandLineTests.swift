import Foundation
import Testing

/// What a newcomer types wrong, answered as a person would want: the nearest command or option, the
/// version, and names that are in no catalog called unknown (66) rather than "nothing found".
@Suite("The command line helps with slips", .serialized, .timeLimit(.minutes(10)))
struct CommandLineTests {
    let demo = Binary.packageRoot + "/Assets/demo"

    @Test func aMistypedCommandOrOptionGetsTheNearestOne() throws {
        let command = try Binary.run(["ingst"])
        #expect(command.status == 64)
        #expect(command.stderr.contains("unknown command 'ingst'; did you mean ingest?"))
        let option = try Binary.run(["replay", "--catalg", "x"])
        #expect(option.status == 64)
        #expect(option.stderr.contains("unknown option --catalg; did you mean --catalog?"))
        let far = try Binary.run(["frobnicate"])
        #expect(far.status == 64)
        #expect(!far.stderr.contains("did you mean"), "no guess for a word that is nothing like a command")
    }

    @Test func versionNamesTheSchemaAndTheKinds() throws {
        let r = try Binary.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("incentives "))
        #expect(r.stdout.contains("store schema 11"))
        #expect(r.stdout.contains("days_in_period"))
    }

    @Test func unknownNamesAndAMissingDatabaseAreSaidPlainly() throws {
        let dir = TempDir(prefix: "cli")
        let db = dir.path("demo.sqlite")
        let missing = try Binary.run(["ingest", "--db", db, "--events", demo + "/events.jsonl"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no database here yet; create it first with 'incentives init --db \(db)"))
        #expect(!FileManager.default.fileExists(atPath: db), "a failed ingest creates no empty database")
        #expect(try Binary.run(["init", "--db", db, "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl"]).status == 0)
        let employer = try Binary.run(["achievements", "--db", db, "--employer", "acmee"])
        #expect(employer.status == 66)
        #expect(employer.stderr.contains(#"no employer "acmee" in the catalog; did you mean acme?"#))
        let program = try Binary.run(["achievements", "--db", db, "--program", "nope"])
        #expect(program.status == 66)
        let code = try Binary.run(["rejects", "--db", db, "--code", "unknown-usr"])
        #expect(code.status == 66)
        #expect(code.stderr.contains("did you mean unknown-user?"))
        #expect(try Binary.run(["achievements", "--db", db, "--employer", "acme"]).status == 0)
        #expect(try Binary.run(["rejects", "--db", db, "--code", "unknown-user"]).status == 0)
    }

    /// Issue 20, item 11: the nearest id by edit distance, through the one helper (`Suggestion`): `why u-0159`
    /// suggested u-00001…u-00010 (the ids sharing "u-0"); `--verison` got no suggestion.
    @Test func theNearestIdIsByEditDistance() throws {
        let dir = TempDir(prefix: "cli")
        let db = dir.path("demo.sqlite")
        #expect(try Binary.run(["init", "--db", db, "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl"]).status == 0)
        let files = ["--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl", "--events", demo + "/events.jsonl"]
        for args in [["why", "u-0159", "--db", db], ["user", "u-0159", "--db", db], ["why", "u-0159"] + files] {
            let r = try Binary.run(args)
            #expect(r.status == 66, "\(args): \(r.stderr)")
            let listed = r.stderr.split(separator: "\n").dropFirst().map { $0.split(separator: " ").first.map(String.init) ?? "" }
            #expect(listed == ["u-00159"], "\(args): \(r.stderr)")
        }
        let version = try Binary.run(["--verison"])
        #expect(version.status == 64)
        #expect(version.stderr.contains("unknown option '--verison'; did you mean --version?"), "\(version.stderr)")
    }

    /// Issue 20, item 11: a zone or employer typo in a roster gets the nearest name.
    @Test func aRosterZoneOrEmployerTypoGetsTheNearestName() throws {
        let dir = TempDir(prefix: "cli")
        let roster = dir.write("roster.jsonl", #"{"id": "a", "employer": "acme", "timezone": "Europe/Pari", "eligibleFrom": "2026-01-01"}"# + "\n")
        let r = try Binary.run(["replay", "--catalog", demo + "/catalog.json", "--roster", roster, "--events", demo + "/events.jsonl"])
        #expect(r.status == 78)
        #expect(r.stderr.contains(#"timezone: unknown time zone "Europe/Pari"; did you mean Europe/Paris?"#), "\(r.stderr)")
        let employer = dir.write("employer.jsonl", #"{"id": "a", "employer": "acmee", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"# + "\n")
        let e = try Binary.run(["replay", "--catalog", demo + "/catalog.json", "--roster", employer, "--events", demo + "/events.jsonl"])
        #expect(e.stderr.contains(#"employer: unknown employer "acmee"; did you mean acme?"#), "\(e.stderr)")
    }

    /// Issue 20, item 3: `why USER --reward NAME` for a reward the user's employer does not offer printed "none
    /// apply" and exited 0, although the user had 26 events: now 66, saying so, with the nearest and the offered names.
    @Test func whyForARewardTheEmployerDoesNotOffer() throws {
        let files = ["--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl", "--events", demo + "/events.jsonl"]
        let r = try Binary.run(["why", "u-00159", "--reward", "Pregnancy pillow"] + files)
        #expect(r.status == 66, "\(r.stderr)")
        #expect(r.stderr.contains(#"incentives why: u-00159 is not offered "Pregnancy pillow": their employer "acme" does not offer it"#), "\(r.stderr)")
        #expect(r.stderr.contains(#"offered to u-00159: "Yoga class pass", "$50 gift card", "Water bottle", "Sleep mask""#), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let typo = try Binary.run(["why", "u-00159", "--reward", "Sleep mak"] + files)
        #expect(typo.status == 66)
        #expect(typo.stderr.contains(#"did you mean "Sleep mask"?"#), "\(typo.stderr)")
        let program = try Binary.run(["why", "u-00159", "--program", "acme-families-202"] + files)
        #expect(program.status == 66)
        #expect(program.stderr.contains(#"no program "acme-families-202" in the catalog; did you mean acme-families-2026?"#), "\(program.stderr)")
        // An offered reward, by name or incentive id, explains as before.
        #expect(try Binary.run(["why", "u-00159", "--reward", "Sleep mask", "--today", "2026-11-25"] + files).status == 0)
    }

    /// Issue 20, item 9: acme-wellness-2026 offers "$50 gift card" for two incentives; `why` names each with its
    /// incentive, in the rewards table and the timeline, so that the two can be told apart.
    @Test func whyTellsApartTwoRewardsOfOneName() throws {
        let files = ["--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl", "--events", demo + "/events.jsonl"]
        let r = try Binary.run(["why", "u-00159", "--today", "2026-11-25", "--program", "acme-wellness-2026"] + files)
        #expect(r.status == 0, "\(r.stderr)")
        let rewards = r.stdout.split(separator: "\n").filter { $0.hasPrefix("acme-wellness-2026") }
        #expect(rewards.contains { $0.contains("$50 gift card · log-5-days") }, "\(r.stdout)")
        #expect(rewards.contains { $0.contains("$50 gift card · mood-4-of-7") }, "\(r.stdout)")
        #expect(!rewards.contains { $0.contains("$50 gift card ") && !$0.contains("$50 gift card · ") }, "no bare name left")
        #expect(r.stdout.contains("Water bottle  "), "a name offered once stays as it is")
    }
}
