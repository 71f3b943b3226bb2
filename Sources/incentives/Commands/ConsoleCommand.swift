import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesInput
import IncentivesStore
import IncentivesStores
import IncentivesSQL

/// `incentives console`: the ncurses admin console (also what `incentives` alone opens).
enum ConsoleCommand: Command {
    static let name = "console"
    static let summary = "the terminal console: programs, users, achievements, simulator, live feed, deliveries"
    static let valuedOptions: Set<String> = ["db", "catalog", "roster", "events", "screen", "today"]
    static let booleanOptions: Set<String> = ["demo", "no-mouse"]
    static let help = """
    Usage: incentives console [--db PATH] [--demo] [--catalog FILE --roster FILE [--events FILE]] [--screen N]
                              [--today DATE] [--no-mouse]

    Opens the admin console. Keys: 1-7 switch screens, arrows or j/k move, Enter opens, Esc backs out,
    q backs out and quits at the top, / filters, y copies the selected id, ? shows every key. A click
    selects a row or a tab and the wheel moves the selection.

      --db PATH        the database to look at (default: $INCENTIVES_DB, else ~/.local/share/incentives/
                       incentives.sqlite, created from Assets/demo on first run). Read-only, except that
                       the Deliveries screen can put a failed delivery back in the queue. Events that
                       `incentives ingest` writes from another terminal appear within a second (on
                       PostgreSQL as each batch commits: the Live screen LISTENs). On PostgreSQL a login
                       with only the reader role is enough, the retry included (incentives init --help).
      --catalog FILE   with --roster and --events: run the engine in memory over these files instead of
      --roster FILE    a database (the events file is followed as lines are appended)
      --events FILE
      --demo           the demo files in Assets/demo, in memory (no database is read or written)
      --screen N       the screen to open on (1 Programs ... 6 Deliveries, 7 Reports)
      --today DATE     take DATE (YYYY-MM-DD) as today: users' progress is judged on it and the simulator
                       starts on it (the time of day runs on). For the demo, whose events are fixed
                       (Assets/demo ends on 2026-11-24): --today 2026-11-25 shows it as it stood then
      --no-mouse       leave the mouse to the terminal (its own selection and paste): no clicks, no wheel

    The simulator (screen 4) never writes anything: it runs the open catalog in a private sandbox.
    Exit status: 0 quit; 64 bad usage; 66 a file or the database is missing; 69 the terminal cannot run the
    console (TERM=dumb, unknown or unset, or not a TTY) or the PostgreSQL server cannot be reached; 77 the
    PostgreSQL server refused the login; 78 catalog or roster refused.

    Example:
      incentives console --catalog Assets/demo/catalog.json --roster Assets/demo/roster.jsonl \\
                         --events Assets/demo/events.jsonl

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let screenNumber = try args.int("screen", default: 1, range: 1...ScreenID.allCases.count)
        var clock = ConsoleClock.system
        if let text = args.value("today") {
            guard let day = LocalDate(iso: text) else { throw Arguments.UsageError(message: "--today must be a date YYYY-MM-DD, got \(text)") }
            clock = .on(day)
        }
        let data = try openData(args)
        switch ConsoleApp.run(data: data, clock: clock, screen: ScreenID(rawValue: screenNumber)!, mouse: !args.flag("no-mouse")) {
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
            if let created = try Demo.ensureDatabase(path: usual) { printError(created) }
            return try openStore(usual)
        }
        guard let dir = Demo.assetsDirectory() else {
            throw CommandFailure(.noInput, "Assets/demo not found (run from the project folder, or give --catalog/--roster/--events)")
        }
        return try load(catalog: dir + "/catalog.json", roster: dir + "/roster.jsonl", events: dir + "/events.jsonl", name: "demo files")
    }

    static func openStore(_ path: String) throws -> any ConsoleData {
        guard !Stores.traits(at: path).isFile || FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure(.noInput, "\(path): no such database (create one with incentives init, or try --demo)")
        }
        do {
            return try StoreAccess.consoleData(path: path)
        } catch let e as StoreError {
            // Its own status, as every look-up command: a server out of reach is 69 and a refused login 77, not
            // "missing input".
            throw StoreAccess.lookupFailure(e)
        } catch {
            throw CommandFailure(.noInput, "\(Stores.displayName(of: path)): cannot open the database: \(error)")
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
}
