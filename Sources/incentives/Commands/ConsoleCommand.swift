import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesInput
import IncentivesStore

/// `incentives console`: the ncurses admin console (also what `incentives` alone opens).
enum ConsoleCommand: Command {
    static let name = "console"
    static let summary = "the terminal console: programs, users, achievements, simulator, live feed, deliveries"
    static let valuedOptions: Set<String> = ["db", "catalog", "roster", "events", "screen"]
    static let booleanOptions: Set<String> = ["demo"]
    static let help = """
    Usage: incentives console [--db PATH] [--demo] [--catalog FILE --roster FILE [--events FILE]] [--screen N]

    Opens the admin console. Keys: 1-6 switch screens, arrows or j/k move, Enter opens, Esc backs out,
    q backs out and quits at the top, / filters, ? shows every key.

      --db PATH        the database to look at (default: $INCENTIVES_DB, else ~/.local/share/incentives/
                       incentives.sqlite, created from Assets/demo on first run). Read-only, except that
                       the Deliveries screen can put a failed delivery back in the queue. Events that
                       `incentives ingest` writes from another terminal appear within a second.
      --catalog FILE   with --roster and --events: run the engine in memory over these files instead of
      --roster FILE    a database (the events file is followed as lines are appended)
      --events FILE
      --demo           the demo files in Assets/demo, in memory (no database is read or written)
      --screen N       the screen to open on (1 Programs ... 6 Deliveries)

    The simulator (screen 4) never writes anything: it runs the open catalog in a private sandbox.
    Exit status: 0 quit; 64 bad usage; 66 a file is missing; 69 the terminal cannot run the console
    (TERM=dumb, unknown or unset, or not a TTY); 78 catalog or roster refused.

    Example:
      incentives console --catalog Assets/demo/catalog.json --roster Assets/demo/roster.jsonl \\
                         --events Assets/demo/events.jsonl

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let screenNumber = try args.int("screen", default: 1, range: 1...ScreenID.allCases.count)
        let data = try openData(args)
        switch ConsoleApp.run(data: data, screen: ScreenID(rawValue: screenNumber)!) {
        case .quit:
            return .ok
        case .unusableTerminal(let why):
            throw CommandFailure(.unavailable, why)
        }
    }

    /// Where the console's data comes from: files in memory, or the demo files.
    static func openData(_ args: Arguments) throws -> any ConsoleData {
        if let db = args.value("db") { return try openStore(db) }
        if let catalog = args.value("catalog") {
            guard let roster = args.value("roster") else { throw Arguments.UsageError(message: "--catalog needs --roster") }
            return try load(catalog: catalog, roster: roster, events: args.value("events"))
        }
        if args.value("roster") != nil || args.value("events") != nil {
            throw Arguments.UsageError(message: "--roster and --events need --catalog")
        }
        // No option: the usual database ($INCENTIVES_DB or the XDG location); on first run it is created
        // from the demo files, so that `incentives` alone shows something real.
        let usual = StoreLocation.resolve(option: nil)
        if !args.flag("demo") {
            if FileManager.default.fileExists(atPath: usual) { return try openStore(usual) }
            if let dir = demoDirectory() {
                try createDemoDatabase(at: usual, from: dir)
                return try openStore(usual)
            }
        }
        guard let dir = demoDirectory() else {
            throw CommandFailure(.noInput, "Assets/demo not found (run from the project folder, or give --catalog/--roster/--events)")
        }
        return try load(catalog: dir + "/catalog.json", roster: dir + "/roster.jsonl", events: dir + "/events.jsonl", name: "demo files")
    }

    /// `incentives init` and `incentives ingest` of the demo files (the demo has a few bad lines on purpose).
    static func createDemoDatabase(at path: String, from dir: String) throws {
        printError("incentives console: no database at \(path) yet: creating it from \(dir)")
        let loaded = InitCommand.main(["--db", path, "--catalog", dir + "/catalog.json", "--roster", dir + "/roster.jsonl"])
        guard loaded == .ok else { throw CommandFailure(loaded, "could not create the demo database at \(path)") }
        let ingested = IngestCommand.main(["--db", path, "--events", dir + "/events.jsonl"])
        guard ingested == .ok || ingested == .dataError else { throw CommandFailure(ingested, "could not load the demo events into \(path)") }
        Output.stdout.flush()
    }

    static func openStore(_ path: String) throws -> any ConsoleData {
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(.noInput, "\(path): no such database (create one with incentives init, or try --demo)")
        }
        do {
            return try StoreConsoleData(path: path)
        } catch {
            throw CommandFailure(.noInput, "\(path): cannot open the database: \(error)")
        }
    }

    static func load(catalog: String, roster: String, events: String?, name: String? = nil) throws -> any ConsoleData {
        for path in [catalog, roster] + (events.map { [$0] } ?? []) where !FileManager.default.isReadableFile(atPath: path) {
            throw CommandFailure(.noInput, "\(path): \(FileManager.default.fileExists(atPath: path) ? "cannot be read" : "no such file")")
        }
        do {
            return try InMemoryConsoleData(catalogPath: catalog, rosterPath: roster, eventsPath: events, sourceName: name)
        } catch let e as ConfigurationError {
            throw CommandFailure(.config, "refused: \(e)")
        } catch let e as UnreadableInput {
            throw CommandFailure(.noInput, e.description)
        }
    }

    /// Assets/demo under the current folder, or above the executable (.build/debug/incentives).
    static func demoDirectory() -> String? {
        var candidates = [FileManager.default.currentDirectoryPath]
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.path)
            dir.deleteLastPathComponent()
        }
        return candidates.map { $0 + "/Assets/demo" }.first { FileManager.default.fileExists(atPath: $0 + "/catalog.json") }
    }
}
