import IncentivesSQL

/// SQLite (`StoreReader`).
package struct SQLiteDialect: SQLDialect {
    package init() {}
    package func placeholder(_ n: Int) -> String { "?" }
    package var byteOrder: String { "" }
    /// A range on the column's index: every text starting with `prefix` sorts between it and it + U+10FFFF.
    package func startsWith(_ column: String, _ prefix: String, _ q: inout SQLFilter) -> String {
        "\(column) >= \(q.bind(.text(prefix))) AND \(column) < \(q.bind(.text(prefix + "\u{10FFFF}")))"
    }
    /// SQLite's lower() folds ASCII letters only.
    package func containsFolded(_ column: String, _ lowered: String, _ q: inout SQLFilter) -> String {
        "instr(lower(\(column)), \(q.bind(.text(lowered)))) > 0"
    }
    package var noLimit: SQLValue { .int(-1) }
    package var achievementUser: String { "user" }
    package var achievementCursor: String { "seq" }
    package func eventOfUser(_ user: String, _ q: inout SQLFilter) -> String {
        "e.user_key = (SELECT key FROM user_keys WHERE id = \(q.bind(.text(user))))"
    }
    package var eventSource: String {
        "events e JOIN user_keys k ON k.key = e.user_key LEFT JOIN ingests i ON i.id = e.ingest LEFT JOIN members m ON m.id = k.id"
    }
    package var eventUser: String { "k.id" }
    package func eventID(_ alias: String) -> String { "\(alias).id" }
}
