import IncentivesSQL

extension PGConnection: SQLReadSession {
    var dialect: any SQLDialect { PostgresDialect() }

    func query<T>(_ sql: String, _ values: [SQLValue], map: (any SQLRow) throws -> T) throws -> [T] {
        try exec(sql, values.map(Self.text)).rows(source: display).map(map)
    }

    /// One REPEATABLE READ READ ONLY transaction.
    func readSnapshot<T>(_ body: () throws -> T) throws -> T {
        try exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        defer { _ = try? exec("COMMIT") }
        return try body()
    }

    /// A bound value in libpq's text format (nil: NULL).
    static func text(_ value: SQLValue) -> String? {
        switch value {
        case .int(let v): return String(v)
        case .double(let v): return String(v)
        case .text(let s): return s
        case .blob(let b): return PGText.bytea(b)
        case .null: return nil
        }
    }
}
