import Foundation

/// A connection the shared read queries run on (`SQLStoreReader`): SQLite's `Database` or a `PGConnection`.
package protocol SQLReadSession: AnyObject {
    var dialect: any SQLDialect { get }
    /// The database as messages name it.
    var display: String { get }
    /// Runs `sql` with `values` bound and maps every row.
    func query<T>(_ sql: String, _ values: [SQLValue], map: (any SQLRow) throws -> T) throws -> [T]
    /// `body` on one snapshot of the data (a read transaction).
    func readSnapshot<T>(_ body: () throws -> T) throws -> T
}

extension SQLReadSession {
    package func queryFirst<T>(_ sql: String, _ values: [SQLValue] = [], map: (any SQLRow) throws -> T) throws -> T? {
        try query(sql, values, map: map).first
    }

    package func queryInt(_ sql: String, _ values: [SQLValue] = []) throws -> Int {
        try queryFirst(sql, values) { $0.int(0) } ?? 0
    }
}
