/// What really differs between the two stores' SQL for the same question, so that a query is written once
/// (`SQLStoreReader`) and each store says only this: how bind parameters are spelled, how text is made to
/// compare byte by byte, how a prefix and an ASCII-folded substring are matched, how "no limit" is said, and
/// the few column names the two schemas spell differently. After vapor/sql-kit's `SQLDialect`.
package protocol SQLDialect: Sendable {
    /// The `n`-th bind parameter (from 1): `?` or `$n`.
    func placeholder(_ n: Int) -> String
    /// Appended to a text column in ORDER BY or a comparison so that it goes byte by byte (UTF-8), as SQLite's
    /// BINARY collation does and `UserQuery.precedes` does in memory.
    var byteOrder: String { get }
    /// `column` starts with the bound text (never LIKE, which reads `%` and `_` as patterns).
    func startsWith(_ column: String, _ prefix: String, _ q: inout SQLFilter) -> String
    /// `column`, its ASCII letters lowered (as `UserQuery.asciiLowered`), contains the bound text.
    func containsFolded(_ column: String, _ lowered: String, _ q: inout SQLFilter) -> String
    /// The LIMIT value for "no limit".
    var noLimit: SQLValue { get }

    /// The achievements' user column (`user` in SQLite, `user_id` in PostgreSQL).
    var achievementUser: String { get }
    /// The column the Live feed's achievements cursor counts in: the order awards became visible.
    var achievementCursor: String { get }
    /// An `events e` row of the user bound by `q` (SQLite stores a user's key, PostgreSQL the id).
    func eventOfUser(_ user: String, _ q: inout SQLFilter) -> String
    /// `events e` with its source file (`i`) and its user's roster row (`m`), and the user's id among them.
    var eventSource: String { get }
    var eventUser: String { get }
    /// The expression `events` is looked up by id with (PostgreSQL's id index is byte-ordered).
    func eventID(_ alias: String) -> String
}

/// A WHERE clause and its bound values, built in the dialect's placeholders.
package struct SQLFilter {
    package let dialect: any SQLDialect
    package private(set) var terms: [String] = []
    package private(set) var values: [SQLValue] = []

    package init(_ dialect: any SQLDialect) { self.dialect = dialect }

    /// Binds `value` and returns its placeholder.
    package mutating func bind(_ value: SQLValue) -> String {
        values.append(value)
        return dialect.placeholder(values.count)
    }

    package mutating func add(_ term: String) { terms.append(term) }

    /// `column op value`, when there is a value.
    package mutating func add(_ column: String, _ op: String, _ value: String?) {
        guard let value else { return }
        terms.append("\(column) \(op) \(bind(.text(value)))")
    }

    package mutating func startsWith(_ column: String, _ prefix: String) {
        let term = dialect.startsWith(column, prefix, &self)
        terms.append(term)
    }

    package mutating func containsFolded(_ column: String, _ lowered: String) {
        let term = dialect.containsFolded(column, lowered, &self)
        terms.append(term)
    }

    package mutating func limit(_ n: Int?) -> String { bind(n.map { .int(Int64($0)) } ?? dialect.noLimit) }

    /// " WHERE a AND b", or "" without terms.
    package var sql: String { terms.isEmpty ? "" : " WHERE " + terms.joined(separator: " AND ") }
}
