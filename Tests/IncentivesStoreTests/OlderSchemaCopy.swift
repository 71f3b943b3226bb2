@testable import IncentivesStore

/// Building a database at an older schema version from one written now (the migration tests): a table's rows are
/// copied column by column as the older version defines the table. A column a later version dropped
/// (achievements' `json`, version 11) gets '' (every such column was NOT NULL text).
enum OlderSchemaCopy {
    /// `INSERT INTO main.TABLE … SELECT … FROM src.TABLE`, with `src` attached to `raw`.
    static func copy(_ table: String, in raw: Database) throws {
        let columns = try raw.rows("SELECT name FROM pragma_table_info('\(table)')") { $0.text(0) }
        let kept = Set(try raw.rows("SELECT name FROM pragma_table_info('\(table)', 'src')") { $0.text(0) })
        let values = columns.map { kept.contains($0) ? $0 : "''" }
        try raw.execute("INSERT INTO main.\(table)(\(columns.joined(separator: ", "))) SELECT \(values.joined(separator: ", ")) FROM src.\(table)")
    }
}
