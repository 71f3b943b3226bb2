import Foundation
import IncentivesStore
import IncentivesConsole
import IncentivesStores
import IncentivesSQL

/// Opening the database for a command: `--db`, `$INCENTIVES_DB` or the XDG default (`StoreLocation`),
/// with each store failure mapped to its exit status. Every command that touches the database uses this.
enum StoreAccess {
    /// The `--db` line for a command's `--help`.
    static let optionHelp = """
      --db PATH|URL    the database: a SQLite file, or a postgresql:// URL for PostgreSQL (default: $INCENTIVES_DB,
                       else $XDG_DATA_HOME/incentives/incentives.sqlite)
    """

    static func path(_ args: Arguments) -> String { StoreLocation.resolve(option: args.value("db")) }

    /// What the database is like, from its location alone (`Stores`): options are checked before any connection.
    static func traits(_ args: Arguments) -> StoreTraits { Stores.traits(at: path(args)) }

    /// The database as messages name it: a PostgreSQL URL without its password.
    static func displayName(_ args: Arguments) -> String { Stores.displayName(of: path(args)) }

    /// The writer (init, ingest, work, deliver, export), from the one factory: creates a database file when `create`.
    static func writer(_ args: Arguments, create: Bool) throws -> any StoreWriter {
        let path = path(args)
        if !create, Stores.traits(at: path).isFile, !FileManager.default.fileExists(atPath: path) {
            throw CommandFailure(.noInput, "\(path): no database here yet; create it first with 'incentives init --db \(path) --catalog FILE --roster FILE'")
        }
        return try mapping { try Stores.writer(at: path, create: create) }
    }

    /// For look-ups: a read-only connection that an ingest never blocks.
    static func reader(_ args: Arguments) throws -> any StoreLookups {
        do {
            return try Stores.reader(at: path(args))
        } catch let e as StoreError {
            throw lookupFailure(e)
        }
    }

    /// A store error met by a look-up (a command or the console): a missing database is missing input (66);
    /// anything else keeps its own status (a server out of reach 69, a refused login 77, ...).
    static func lookupFailure(_ e: StoreError) -> CommandFailure {
        if case .cannotOpen = e { return CommandFailure(.noInput, e.description) }
        if case .notInitialized = e { return CommandFailure(.noInput, e.description) }
        return CommandFailure(exitCode(e), e.description)
    }

    /// The console's data over the store at `path`: two read-only readers, the retry connection and, where the store
    /// tells of changes (PostgreSQL's LISTEN), the signal the Live screen waits on instead of polling.
    static func consoleData(path: String) throws -> ReaderConsoleData {
        let sources = try Stores.consoleSources(at: path)
        return try ReaderConsoleData(sourceName: Stores.displayName(of: path), open: sources.open, retry: sources.retry, signal: sources.signal)
    }

    /// Runs `body`, turning a `StoreError` into a `CommandFailure` with its exit status.
    static func mapping<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as StoreError {
            throw CommandFailure(exitCode(e), e.description)
        }
    }

    static func exitCode(_ e: StoreError) -> ExitCode {
        switch e {
        case .locked, .ingestRunning, .senderRunning, .workersRunning, .inboxPending: return .tempFail
        case .readOnly, .cannotOpen: return .cantCreate
        case .full: return .ioError
        case .newerSchema, .notInitialized, .olderSchemaReadOnly, .severalNames, .storedCatalogRefused: return .config
        case .moved: return .ioError
        case .notADatabase, .corrupt, .eventRefused: return .dataError
        case .workRefused: return .config
        case .sqlite: return .software
        case .badURL: return .usage
        case .unreachable: return .unavailable
        case .refused, .permissionDenied: return .noPermission
        case .connectionLost: return .tempFail
        case .postgres: return .software
        }
    }
}
