import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesStore
import IncentivesStores

/// `incentives init`: validates and stores the catalog and the roster (creating the database when missing).
enum InitCommand: Command {
    static let name = "init"
    static let summary = "load or update the catalog and roster in the database"
    static let valuedOptions: Set<String> = ["catalog", "roster", "db", "effective", "roles"]
    static let booleanOptions: Set<String> = ["dry-run", "backfill", "print-roles"]
    static let help = """
    Usage: incentives init --catalog FILE --roster FILE [--effective DATE] [--backfill] [--dry-run] [--db PATH]
                           [--roles PREFIX]
           incentives init --print-roles --db postgresql://... [--roles PREFIX]

    Validates the catalog and the roster as replay does, then stores both in the database (created,
    mode 0600, when missing). Running it again replaces them: users no longer on the roster are removed
    from it (their events and achievements stay).

    A catalog that changes a reward becomes a new catalog version. init prints what changes, reward by
    reward, then applies it to events ingested from then on; every achievement names the version it was
    earned under (achievements --format jsonl). What each kind of change does (DESIGN.md §13):
      unchanged reward    keeps its progress and awards
      limit raised        more awards can follow from the progress made; lowered: none is taken back
      program dates       days outside the new dates stop counting; awards stay
      reward added        counts from the effective day
      incentive changed   (5 → 7 days, a category added) the old reward ends; the new one counts from the
                          effective day, as a new reward with awards of its own
      reward removed      nothing more is earned; nothing earned is taken back

      --catalog FILE     the menu of incentives, the employers' programs and partners (catalog.json)
      --roster FILE      enterprise users, one JSON object a line (roster.jsonl)
      --effective DATE   the first local day that added or changed rewards count (default: today, UTC);
                         refused before the start or after the end of a program whose rewards
                         it adds, redefines or re-dates
      --backfill         rewards added or changed count over the stored history instead of from the
                         effective day: their awards are recorded now, with the evidence history gives,
                         and delivered like any other
      --dry-run          print what would change; store nothing
    \(StoreAccess.optionHelp)

    On PostgreSQL, init also creates three group roles (NOLOGIN) and grants them what their work needs:
    PREFIX_reader (the console, look-ups; the console's retry of a failed delivery goes through a function),
    PREFIX_writer (ingest) and PREFIX_sender (deliver, export). Give people and services login roles in
    them: CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE incentives_reader. When the connecting user may
    not create roles, init stores the catalog and roster, then prints the SQL for someone who may.
      --roles PREFIX     the roles' prefix (default: incentives, making incentives_reader, _writer, _sender)
      --print-roles      print that SQL for the database (--catalog and --roster not needed) and change nothing

    Exit status: 0 stored; 64 bad usage; 66 a file is missing; 73 the database cannot be written;
                 75 the database is locked or an ingest is running; 77 the PostgreSQL login is refused or may
                 not write; 78 catalog or roster refused, or a database from a newer version.

    Example:
      incentives init --db demo.sqlite --catalog Assets/demo/catalog.json --roster Assets/demo/roster.jsonl
      incentives init --db demo.sqlite --catalog catalog-june.json --roster roster.jsonl --effective 2026-06-01 --dry-run
      incentives init --db postgresql://admin@db.internal/incentives --print-roles > roles.sql

    """

    static func run(_ args: Arguments) throws -> ExitCode {
        try args.noPositionals()
        let roles: StoreRoles
        do { roles = try StoreRoles(prefix: args.value("roles") ?? StoreRoles.defaultPrefix) } catch {
            throw Arguments.UsageError(message: "--roles: \(error)")
        }
        if args.value("roles") != nil || args.flag("print-roles"), !StoreAccess.traits(args).hasRoles {
            throw Arguments.UsageError(message: "--roles and --print-roles are for a PostgreSQL database (--db postgresql://...)")
        }
        if args.flag("print-roles") {
            printScript(try StoreAccess.mapping { try Stores.rolesScript(at: StoreAccess.path(args), roles: roles) ?? "" })
            return .ok
        }
        let catalogPath = try args.required("catalog")
        let rosterPath = try args.required("roster")
        var effective: LocalDate?
        if let v = args.value("effective") {
            guard let d = LocalDate(iso: v) else { throw Arguments.UsageError(message: "--effective must be a date YYYY-MM-DD, got \(v)") }
            effective = d
        }
        let engine = try Setup.engine(catalog: catalogPath, roster: rosterPath)
        let text = try StoreAccess.mapping { () throws -> Data in
            do { return try InputFile.readAll(catalogPath) } catch { throw CommandFailure(.noInput, "\(error)") }
        }
        let out = Output.stdout
        let store = try StoreAccess.writer(args, create: !args.flag("dry-run"))
        let day = effective ?? Instant(seconds: Int64(Date().timeIntervalSince1970.rounded(.down))).localDate(offsetSeconds: 0)
        let change = try StoreAccess.mapping { try store.plan(catalogJSON: text, file: catalogPath) }
        // A day given by hand is checked against the programs it changes; `--backfill` counts the added rewards over
        // the stored history instead, so its day bounds nothing.
        if let change, let effective, !args.flag("backfill"), let refused = change.refusal(effective: effective, in: engine.catalog) {
            throw CommandFailure(.config, refused)
        }
        // What changes is said once it is done (or, with --dry-run, as what would be): listed before a load that is
        // then refused (75: an ingest or workers running, events not evaluated yet), it read as applied.
        var changes: [String] = []
        if let change {
            if change.isEmpty {
                changes.append("catalog: no reward changes")
            } else {
                changes.append("catalog changes (effective \(day.iso)):")
                for r in change.rewards { changes.append("  " + r.sentence(effective: day, backfill: args.flag("backfill"))) }
                for t in change.tiers { changes.append("  " + t.sentence(effective: day)) }
                for o in change.other { changes.append("  " + o) }
            }
        }
        if args.flag("dry-run") {
            for l in changes { out.line(l) }
            out.line("dry run: nothing stored")
            return .ok
        }
        let loaded = try StoreAccess.mapping {
            try store.load(catalogJSON: text, catalogFile: catalogPath, roster: engine.roster, rosterFile: rosterPath, effective: day,
                           backfill: args.flag("backfill"))
        }
        for l in changes { out.line(l) }
        if args.flag("backfill") { out.line("backfill: \(loaded.backfilled) awards recorded from the stored history") }
        switch try StoreAccess.mapping({ try store.grantRoles(roles) }) {
        case nil: break // a store without roles
        case .applied:
            out.line("roles: \(roles.reader), \(roles.writer), \(roles.sender) granted")
        case .notPermitted(let why, let script):
            printError("warning: this login may not create or grant the roles (\(why)); the catalog and roster are stored. "
                       + "Have a superuser run this SQL (also printed by 'incentives init --print-roles'):")
            printScript(script)
        }
        let c = engine.catalog
        out.line("""
            \(store.path): catalog version \(loaded.version): \(c.incentives.count) incentives, \(c.employers.count) employers, \
            \(c.employers.reduce(0) { $0 + $1.programs.count }) programs, \(c.partners.count) partners; \
            roster \(loaded.users) users (\(loaded.added) added, \(loaded.removed) removed)
            """)
        return .ok
    }

    /// The roles' SQL, line by line (a line printed for people escapes a newline inside it).
    static func printScript(_ script: String) {
        for l in script.split(separator: "\n", omittingEmptySubsequences: false) { Output.stdout.line(String(l)) }
    }
}
