import IncentivesSQL

/// SQLite's current row as an `SQLRow`: the statement's own column readers, by position.
extension Statement: SQLRow {
    package var source: String { database.path }
    package func isNull(_ column: Int) -> Bool { isNull(Int32(column)) }
    package func int64(_ column: Int) -> Int64 { int64(Int32(column)) }
    package func double(_ column: Int) -> Double { double(Int32(column)) }
    package func text(_ column: Int) -> String { text(Int32(column)) }
    package func blob(_ column: Int) -> [UInt8]? { blob(Int32(column)) }
}
