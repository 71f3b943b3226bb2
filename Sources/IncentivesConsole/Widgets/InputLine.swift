import IncentivesText

/// A line being typed (`/` filters, the simulator's prompts). While editing, the text is bold and followed by
/// a reversed cell, the cursor: not an underscore, which ids and filters contain (`a_b`). Text wider than the
/// line shows its end, where the typing is.
enum InputLine {
    static func draw(_ text: String, editing: Bool, placeholder: String = "", on c: inout Canvas, x: Int, y: Int, width: Int) {
        guard width > 0 else { return }
        guard editing else {
            if text.isEmpty { c.text(placeholder, x: x, y: y, style: .dim, width: width) } else { c.text(text, x: x, y: y, width: width) }
            return
        }
        var shown = TerminalText.safe(text)
        while TerminalText.cells(shown) > width - 1, !shown.isEmpty { shown.removeFirst() }
        let used = c.text(shown, x: x, y: y, style: .accent, width: width - 1)
        c.text(" ", x: x + used, y: y, style: .selected, width: 1)
    }
}
