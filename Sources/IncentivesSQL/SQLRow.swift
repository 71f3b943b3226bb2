import IncentivesCore

/// One result row of either SQL store, read by column position (from 0): what SQLite's statement and a
/// PostgreSQL result row both are (`Statement+SQLRow`, `PGRow`), so that each read model decodes once
/// (`init(row:)`, `ReadModelRows`) whichever store the row came from. After vapor/sql-kit's `SQLRow`.
///
/// NULL reads as 0, 0.0 or "" from the plain accessors; `isNull` and the optional ones tell them apart.
package protocol SQLRow {
    /// The database as messages name it (a path, or a URL without its password).
    var source: String { get }
    func isNull(_ column: Int) -> Bool
    func int64(_ column: Int) -> Int64
    func double(_ column: Int) -> Double
    func text(_ column: Int) -> String
    func blob(_ column: Int) -> [UInt8]?
}

extension SQLRow {
    package func int(_ column: Int) -> Int { Int(truncatingIfNeeded: int64(column)) }
    package func optionalText(_ column: Int) -> String? { isNull(column) ? nil : text(column) }
    package func optionalInt(_ column: Int) -> Int? { isNull(column) ? nil : int(column) }
    package func optionalDouble(_ column: Int) -> Double? { isNull(column) ? nil : double(column) }

    /// An instant stored as whole seconds (`column`) and nanoseconds (`column + 1`), refused as damage when it is
    /// outside what `Instant` stores.
    package func instant(_ column: Int) throws -> Instant {
        let seconds = int64(column), nanos = int64(column + 1)
        guard Instant.storable.contains(seconds), (0..<1_000_000_000).contains(nanos) else {
            throw StoreError.corrupt(path: source, reason: "an event's instant (\(seconds) s, \(nanos) ns) is outside years 1 to 9999")
        }
        return Instant(seconds: seconds, nanoseconds: Int32(nanos))
    }
}
