import Foundation
import IncentivesCore
import IncentivesText

/// How look-up commands print: an aligned table for people, JSON lines or CSV for scripts.
enum OutputFormat: String, CaseIterable {
    case table, jsonl, csv

    static let optionHelp = "  --format F       table (default), jsonl or csv"

    static func from(_ args: Arguments) throws -> OutputFormat {
        guard let text = args.value("format") else { return .table }
        guard let f = OutputFormat(rawValue: text) else {
            throw Arguments.UsageError(message: "--format must be one of table, jsonl, csv; got \(text)")
        }
        return f
    }
}

/// Rows with named columns, printed in any `OutputFormat`. Values are strings; nil prints empty (null in JSON).
struct Table {
    let columns: [String]
    var rows: [[String?]] = []
    /// Columns whose JSON value is a number, not a string.
    var numeric: Set<String> = []

    init(_ columns: [String], numeric: Set<String> = []) {
        self.columns = columns
        self.numeric = numeric
    }

    mutating func add(_ row: [String?]) { rows.append(row) }

    func write(_ format: OutputFormat, to out: Output) {
        switch format {
        case .table:
            guard !rows.isEmpty else { return }
            // Each value made safe for a terminal first, so that widths are those of what is shown, in cells.
            let shown = rows.map { r in r.map { TerminalText.safe($0 ?? "") } }
            var widths = columns.map(\.count)
            for r in shown { for (i, v) in r.enumerated() { widths[i] = max(widths[i], TerminalText.cells(v)) } }
            func line(_ cells: [String]) -> String {
                var s = ""
                for (i, c) in cells.enumerated() {
                    s += i == cells.count - 1 ? c : TerminalText.pad(c, to: widths[i]) + "  "
                }
                return s
            }
            out.line(line(columns.map { $0.uppercased() }))
            for r in shown { out.line(line(r)) }
        case .jsonl:
            for r in rows {
                var parts: [String] = []
                for (i, c) in columns.enumerated() {
                    let v = r[i]
                    let value = v.map { numeric.contains(c) ? $0 : JSONText.quote($0) } ?? "null"
                    parts.append(JSONText.quote(c) + ":" + value)
                }
                out.dataLine("{" + parts.joined(separator: ",") + "}", format: .json)
            }
        case .csv:
            out.dataLine(CSV.line(columns), format: .csv)
            for r in rows { out.dataLine(CSV.line(r), format: .csv) }
        }
    }
}
