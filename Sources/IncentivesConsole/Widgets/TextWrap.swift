import IncentivesText

/// Text in lines of at most `width` cells, for panes that show a whole message (a partner's error): breaks at
/// spaces, keeps the text's own line breaks, and cuts a word wider than the line (a URL, a JSON body) into pieces
/// rather than losing its end. Control characters are escaped first, as everywhere on screen.
enum TextWrap {
    static func lines(_ text: String, width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for paragraph in TerminalText.safe(text, keepingNewlines: true).split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            func flush() { out.append(current); current = "" }
            for word in paragraph.split(separator: " ") {
                var word = String(word)
                let gap = current.isEmpty ? 0 : 1
                if TerminalText.cells(current) + gap + TerminalText.cells(word) <= width {
                    current += (current.isEmpty ? "" : " ") + word
                    continue
                }
                if !current.isEmpty { flush() }
                // A word wider than a line goes in pieces of a line each.
                while TerminalText.cells(word) > width {
                    var piece = "", used = 0
                    for ch in word {
                        let w = TerminalText.cells(ch)
                        if used + w > width { break }
                        piece.append(ch)
                        used += w
                    }
                    if piece.isEmpty { piece = String(word.first!) }
                    out.append(piece)
                    word.removeFirst(piece.count)
                }
                current = word
            }
            flush()
        }
        while out.last == "" { out.removeLast() }
        return out
    }

    /// At most `maxLines` of `lines(text, width:)`: when there are more, the last holds the rest of the text on
    /// one line, for the drawing to cut with its ellipsis (a pane never drops lines without saying so).
    static func lines(_ text: String, width: Int, maxLines: Int) -> [String] {
        limited(lines(text, width: width), maxLines: maxLines)
    }

    /// `lines` kept to `maxLines`, the last one holding the rest (joined by spaces) when some are left out.
    static func limited(_ lines: [String], maxLines: Int) -> [String] {
        guard maxLines > 0 else { return [] }
        guard lines.count > maxLines else { return lines }
        return Array(lines.prefix(maxLines - 1)) + [lines[(maxLines - 1)...].joined(separator: " ")]
    }
}
