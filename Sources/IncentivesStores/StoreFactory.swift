import Foundation
import IncentivesCore
import IncentivesStore
import IncentivesPostgres
import IncentivesSQL

/// The one store factory: every command opens its store here, from the location `--db` / `$INCENTIVES_DB` gives
/// (a SQLite file, or a PostgreSQL URL), and works on it through ports (`StoreWriter`, `StoreLookups`,
/// `DeliveryQueue`, the console's reader) without naming which store it is. The only place that knows both.
public enum Stores {
    static let sqliteTraits = StoreTraits(evaluatesOnIngest: true, hasRoles: false, isFile: true)
    static let postgresTraits = StoreTraits(evaluatesOnIngest: false, hasRoles: true, isFile: false)

    /// What the store at `location` is like, without opening it (checks on options come before any connection).
    public static func traits(at location: String) -> StoreTraits {
        PGURL.isPostgres(location) ? postgresTraits : sqliteTraits
    }

    /// The location as messages name it: a PostgreSQL URL without its password.
    public static func displayName(of location: String) -> String {
        PGURL.isPostgres(location) ? PGURL.redacted(location) : location
    }

    /// The store at `location`, for writing: migrated to this build's schema; with `create`, made when missing.
    public static func writer(at location: String, create: Bool) throws -> any StoreWriter {
        PGURL.isPostgres(location) ? try PGStore(url: location, create: create) : try Store(path: location, create: create)
    }

    /// A read-only view for look-ups, which an ingest never blocks.
    public static func reader(at location: String) throws -> any StoreLookups {
        PGURL.isPostgres(location) ? try PGStoreReader(url: location) : try StoreReader(path: location)
    }

    /// What the console reads through: a way to open a reader (it keeps two), the retry of failed deliveries, and,
    /// where the store can tell of changes, the signal its Live screen waits on instead of polling.
    public static func consoleSources(at location: String) throws
        -> (open: () throws -> any StoreReading, retry: any DeliveryRetrying, signal: (any ChangeSignal)?) {
        if PGURL.isPostgres(location) {
            return ({ try PGStoreReader(url: location) }, PGDeliveryRetry(url: location), try? PGChangeSignal(url: location))
        }
        return ({ try StoreReader(path: location) }, StoreDeliveryRetry(path: location), nil)
    }

    /// The SQL that creates and grants the roles of the database at `location`, read without creating or migrating
    /// anything (`init --print-roles`); nil for a store without roles.
    public static func rolesScript(at location: String, roles: PGRoles) throws -> String? {
        traits(at: location).hasRoles ? try PGStore.rolesScript(url: location, roles: roles) : nil
    }

    /// Removes the database file at `location` and its companions (a store that `isFile` only).
    public static func remove(at location: String) throws { try Store.remove(path: location) }
}
