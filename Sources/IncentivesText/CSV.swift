/// CSV as RFC 4180 writes it: the `--format csv` of every command, and the rows `incentives bench store`
/// hands to `sqlite3 .import`.
public enum CSV {
    /// One record for people's spreadsheets (every command's `--format csv`): the fields neutralised against
    /// formula injection (`field`) and joined by commas (nil is an empty field).
    public static func line(_ cells: [String?]) -> String { cells.map { field($0 ?? "") }.joined(separator: ",") }

    /// A field for a spreadsheet. A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is a
    /// formula to Excel, LibreOffice and Google Sheets (quoting alone does not stop them): it gets a leading `'`,
    /// which they show as text, and is quoted. Everything else is `exactField`.
    public static func field(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, formulaStarts.contains(first) else { return exactField(s) }
        return quoted("'" + s)
    }

    /// The characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// A field exactly as given, quoted when it holds a comma, quote or line break, its quotes doubled: for
    /// machines (`sqlite3 .import`), never for a file people open.
    public static func exactField(_ s: String) -> String {
        // By scalar: "\r\n" is one Character, equal to neither "\r" nor "\n".
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return quoted(s)
    }

    private static func quoted(_ s: String) -> String {
        var quoted = "\""
        for c in s {
            if c == "\"" { quoted.append("\"") }
            quoted.append(c)
        }
        return quoted + "\""
    }
}
