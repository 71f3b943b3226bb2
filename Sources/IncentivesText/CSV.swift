/// CSV as RFC 4180 writes it: the `--format csv` of every command, and the rows `incentives bench store`
/// hands to `sqlite3 .import`.
public enum CSV {
    /// One record: the fields quoted as needed and joined by commas (nil is an empty field).
    public static func line(_ cells: [String?]) -> String { cells.map { field($0 ?? "") }.joined(separator: ",") }

    /// A field quoted when it holds a comma, quote or line break, its quotes doubled.
    public static func field(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        var quoted = "\""
        for c in s {
            if c == "\"" { quoted.append("\"") }
            quoted.append(c)
        }
        return quoted + "\""
    }
}
