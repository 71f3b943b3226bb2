import IncentivesSQL

/// One row of a PostgreSQL result (libpq's text format) as an `SQLRow`.
struct PGRow: SQLRow {
    let rows: PGRows
    let index: Int
    let source: String

    func isNull(_ column: Int) -> Bool { rows.isNull(index, column) }
    func int64(_ column: Int) -> Int64 { rows.int64(index, column) }
    func double(_ column: Int) -> Double { rows.double(index, column) }
    func text(_ column: Int) -> String { rows.text(index, column) }
    func blob(_ column: Int) -> [UInt8]? { rows.bytes(index, column) }
}

extension PGRows {
    /// Every row, each as an `SQLRow` naming `source` in its messages.
    func rows(source: String) -> [PGRow] { (0..<count).map { PGRow(rows: self, index: $0, source: source) } }
}
