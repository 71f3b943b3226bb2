import IncentivesSQL

/// PostgreSQL (`PGStoreReader`).
package struct PostgresDialect: SQLDialect {
    package init() {}
    package func placeholder(_ n: Int) -> String { "$\(n)" }
    package var byteOrder: String { " COLLATE \"C\"" }
    package func startsWith(_ column: String, _ prefix: String, _ q: inout SQLFilter) -> String {
        "starts_with(\(column), \(q.bind(.text(prefix))))"
    }
    /// lower() would fold every letter by the database's locale; translate() folds ASCII only.
    package func containsFolded(_ column: String, _ lowered: String, _ q: inout SQLFilter) -> String {
        "strpos(translate(\(column), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), \(q.bind(.text(lowered)))) > 0"
    }
    package var noLimit: SQLValue { .null }
    package var achievementUser: String { "user_id" }
    /// Awards in the order they were recorded (migration 4), not replay's order (`seq`).
    package var achievementCursor: String { "recorded" }
    package func eventOfUser(_ user: String, _ q: inout SQLFilter) -> String { "e.user_id = \(q.bind(.text(user)))" }
    package var eventSource: String { "events e LEFT JOIN ingests i ON i.id = e.ingest LEFT JOIN members m ON m.id = e.user_id" }
    package var eventUser: String { "e.user_id" }
    package func eventID(_ alias: String) -> String { PGSchema.eventID(alias) }
}
