import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore

/// `incentives init`: validates and stores the catalog and the roster (creating the database when missing).
enum InitCommand: Command {
    static let name = "init"
    static let summary = "load or update the catalog and roster in the database"
    static let valuedOptions: Set<String> = ["catalog", "roster", "db"]
    static let help = """
    Usage: incentives init --catalog FILE --roster FILE [--db PATH]

    Validates the catalog and the roster as replay does, then stores both in the database (created,
    mode 0600, when missing). Running it again replaces them: users no longer on the roster are removed
    from it (their events and achievements stay); progress already made is kept.

      --catalog FILE   the menu of incentives, the employers' programs and partners (catalog.json)
      --roster FILE    enterprise users, one JSON object a line (roster.jsonl)
    \(StoreAccess.optionHelp)

    Exit status: 0 stored; 64 bad usage; 66 a file is missing; 73 the database cannot be written;
                 75 the database is locked; 78 catalog or roster refused, or a database from a newer version.

    Example:
      incentives init --db demo.sqlite --catalog Assets/demo/catalog.json --roster Assets/demo/roster.jsonl

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let catalogPath = try args.required("catalog")
        let rosterPath = try args.required("roster")
        let engine = try Setup.engine(catalog: catalogPath, roster: rosterPath)
        let text = try StoreAccess.mapping { () throws -> Data in
            do { return try InputFile.readAll(catalogPath) } catch { throw CommandFailure(.noInput, "\(error)") }
        }
        let store = try StoreAccess.writer(args, create: true)
        let loaded = try StoreAccess.mapping {
            try store.load(catalogJSON: text, catalogFile: catalogPath, roster: engine.roster, rosterFile: rosterPath)
        }
        let c = engine.catalog
        Output.stdout.line("""
            \(store.path): catalog \(c.incentives.count) incentives, \(c.employers.count) employers, \
            \(c.employers.reduce(0) { $0 + $1.programs.count }) programs, \(c.partners.count) partners; \
            roster \(loaded.users) users (\(loaded.added) added, \(loaded.removed) removed)
            """)
        return .ok
    }
}
