import Foundation
import IncentivesStore
import IncentivesConsole

/// Opening the database for a command: `--db`, `$INCENTIVES_DB` or the XDG default (`StoreLocation`),
/// with each store failure mapped to its exit status. Every command that touches the database uses this.
enum StoreAccess {
    /// The `--db` line for a command's `--help`.
    static let optionHelp = """
      --db PATH|URL    the database: a SQLite file, or a postgresql:// URL for PostgreSQL (default: $INCENTIVES_DB,
                       else $XDG_DATA_HOME/incentives/incentives.sqlite)
    """

    static func path(_ args: Arguments) -> String { StoreLocation.resolve(option: args.value("db")) }

    /// Whether the database is a PostgreSQL URL.
    static func isPostgres(_ args: Arguments) -> Bool { PGURL.isPostgres(path(args)) }

    /// The database as messages name it: a PostgreSQL URL without its password.
    static func displayName(_ args: Arguments) -> String {
        let p = path(args)
        return PGURL.isPostgres(p) ? PGURL.redacted(p) : p
    }

    /// The PostgreSQL writer (init, ingest).
    static func postgresWriter(_ args: Arguments, create: Bool) throws -> PGStore {
        try mapping { try PGStore(url: path(args), create: create) }
    }

    /// The SQLite writer (init, ingest, deliver, export): creates the file when `create`. Commands that also
    /// work on PostgreSQL ask `isPostgres` first and open `postgresWriter` there.
    static func writer(_ args: Arguments, create: Bool) throws -> Store {
        let path = path(args)
        if PGURL.isPostgres(path) {
            throw CommandFailure(.unavailable, "\(PGURL.redacted(path)): this command does not work on PostgreSQL yet")
        }
        if !create, !FileManager.default.fileExists(atPath: path) {
            throw CommandFailure(.noInput, "\(path): no database here yet; create it first with 'incentives init --db \(path) --catalog FILE --roster FILE'")
        }
        return try mapping { try Store(path: path, create: create) }
    }

    /// For look-ups: a read-only connection that an ingest never blocks.
    static func reader(_ args: Arguments) throws -> any StoreLookups {
        do {
            let path = path(args)
            if PGURL.isPostgres(path) { return try PGStoreReader(url: path) }
            return try StoreReader(path: path)
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

    /// The console's data over the store at `path`: two read-only readers, the retry connection and, on PostgreSQL,
    /// the LISTEN connection.
    static func consoleData(path: String) throws -> ReaderConsoleData {
        if PGURL.isPostgres(path) {
            // The Live screen LISTENs (PGChangeSignal) instead of polling; without that connection it polls.
            return try ReaderConsoleData(sourceName: PGURL.redacted(path), open: { try PGStoreReader(url: path) }, retry: PGDeliveryRetry(url: path),
                                         signal: try? PGChangeSignal(url: path))
        }
        return try ReaderConsoleData(sourceName: path, open: { try StoreReader(path: path) }, retry: StoreDeliveryRetry(path: path))
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
