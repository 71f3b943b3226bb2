import Foundation
import Testing

/// Issue 20, item 5: `INCENTIVES_DB=postgresql://… incentives console` (no `--db`) made a folder tree named like
/// the URL (`postgresql:/nobody@/…`) in the current folder, holding a demo SQLite database, because the demo's
/// first-run path took the URL for a file path. Every command that opens a database, and `incentives` alone, is
/// run here with a URL in `$INCENTIVES_DB` and with `--db`: none may create anything in the current folder or the
/// XDG location, and each says the server cannot be reached (69) instead of creating a demo.
@Suite("A database URL is never a path")
struct DatabaseURLTests {
    static let demo = Binary.packageRoot + "/Assets/demo"

    /// Each command's arguments past the name, enough to reach the database.
    static let commands: [[String]] = [
        [],  // `incentives` alone: the console on the usual database
        ["console"],
        ["init", "--catalog", demo + "/catalog.json", "--roster", demo + "/roster.jsonl"],
        ["ingest", "--events", demo + "/events.jsonl"],
        ["work"],
        ["achievements"],
        ["user", "u-00001"],
        ["why", "u-00001"],
        ["programs"],
        ["preview", "--catalog", demo + "/catalog.json"],
        ["rejects"],
        ["deliver"],
        ["export", "--partner", "giftly", "--out", "/tmp/never-written-by-database-url-tests"],
        ["demo-feed", "--rate", "1000"],
    ]

    enum Via: String, CaseIterable { case environment, option }

    @Test(arguments: commands, Via.allCases)
    func aPostgresURLMakesNoFolderAndIsNotADemo(args: [String], via: Via) throws {
        let cwd = TempDir(prefix: "url-cwd")
        let home = TempDir(prefix: "url-home")
        // A server that is not there: a socket folder that does not exist.
        let url = "postgresql://nobody@/incentives?host=\(cwd.path("no-server"))"
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = home.path("")
        env["XDG_DATA_HOME"] = home.path("data")
        env["TERM"] = "xterm"
        env.removeValue(forKey: "INCENTIVES_DB")
        var argv = args
        switch via {
        case .environment: env["INCENTIVES_DB"] = url
        case .option:
            guard !argv.isEmpty else { argv = ["console", "--db", url]; break }
            argv += ["--db", url]
        }
        let r = try Binary.run(argv, environment: env, directory: cwd.path(""))
        let left = try FileManager.default.contentsOfDirectory(atPath: cwd.path(""))
        #expect(left.isEmpty, "\(argv) via \(via): left \(left) in the current folder")
        #expect(!FileManager.default.fileExists(atPath: home.path("data/incentives")), "\(argv) via \(via)")
        #expect(!r.stderr.contains("created the demo database"), "\(argv) via \(via): \(r.stderr)")
        #expect(r.status != 0, "\(argv) via \(via)")
        // A command that works on PostgreSQL says the server is out of reach (69), with the URL, never a path error.
        #expect(r.status == 69, "\(argv) via \(via): \(r.status) \(r.stderr)")
        #expect(r.stderr.contains("postgresql://nobody@/incentives"), "\(argv) via \(via): \(r.stderr)")
    }

    /// Below every command: the SQLite store refuses to create a file whose path is a URL of any scheme.
    @Test func anotherSchemesURLIsRefusedNotCreated() throws {
        let cwd = TempDir(prefix: "url-cwd")
        let r = try Binary.run(["init", "--db", "mysql://nobody@localhost/incentives", "--catalog", Self.demo + "/catalog.json",
                                "--roster", Self.demo + "/roster.jsonl"], directory: cwd.path(""))
        #expect(r.status == 64, "\(r.stderr)")
        #expect(r.stderr.contains("a URL is not a SQLite file path"), "\(r.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path("")).isEmpty)
    }
}
