import IncentivesSQL

extension Database: SQLReadSession {
    package var dialect: any SQLDialect { SQLiteDialect() }
    package var display: String { path }

    /// Through the statement cache; the statement is reset before it returns.
    package func query<T>(_ sql: String, _ values: [SQLValue], map: (any SQLRow) throws -> T) throws -> [T] {
        let s = try prepare(sql)
        defer { s.reset() }
        try s.bind(values)
        var out: [T] = []
        while try s.step() { out.append(try map(s)) }
        return out
    }

    package func readSnapshot<T>(_ body: () throws -> T) throws -> T { try snapshot(body) }
}
