import Foundation
import Testing

/// What a newcomer types wrong, answered as a person would want: the nearest command or option, the
/// version, and names that are in no catalog called unknown (66) rather than "nothing found".
@Suite("The command line helps with slips", .serialized)
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
        #expect(r.stdout.contains("store schema 8"))
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
}
