/// The characters used for lines, bars and marks. Box drawing needs a UTF-8 locale; otherwise
/// everything falls back to ASCII so a terminal in the C locale shows `+-|#` instead of garbage.
public struct Glyphs: Sendable, Equatable {
    public let horizontal: String
    public let vertical: String
    public let topLeft: String
    public let topRight: String
    public let bottomLeft: String
    public let bottomRight: String
    public let barFull: String
    public let barEmpty: String
    public let check: String
    public let arrowDown: String
    public let arrowUp: String
    public let bullet: String
    public let ellipsis: String

    public static let unicode = Glyphs(horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└",
                                       bottomRight: "┘", barFull: "█", barEmpty: "░", check: "✓", arrowDown: "▼",
                                       arrowUp: "▲", bullet: "●", ellipsis: "…")
    public static let ascii = Glyphs(horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+",
                                     bottomRight: "+", barFull: "#", barEmpty: "-", check: "*", arrowDown: "v",
                                     arrowUp: "^", bullet: "o", ellipsis: "~")
}

extension Glyphs {
    /// Text for a terminal that is not UTF-8: the punctuation the views use becomes ASCII, anything
    /// else outside ASCII (a name with an accent) becomes `?` rather than bytes the terminal garbles.
    static func asciiOnly(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 >= 0x80 }) else { return s }
        var out = ""
        for u in s.unicodeScalars {
            if u.isASCII { out.unicodeScalars.append(u); continue }
            switch u {
            case "·": out += "|"
            case "→": out += "->"
            case "…": out += "~"
            case "×": out += "x"
            case "↑": out += "^"
            case "↓": out += "v"
            case "←": out += "<"
            case "▼": out += "v"
            case "▲": out += "^"
            case "◂": out += "<"
            case "▸": out += ">"
            case "─": out += "-"
            case "≥": out += ">="
            case "—": out += "-"
            default: out += "?"
            }
        }
        return out
    }
}
