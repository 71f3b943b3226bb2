import IncentivesText
/// The bottom line: a message when there is one, otherwise the key hints for the screen, both drawn
/// from `KeyMap.bindings`.
enum Footer {
    static func draw(screen: ScreenID, editing: Bool, status: String?, on c: inout Canvas) {
        let y = c.height - 1
        c.grid.fill(x: 0, y: y, width: c.width, height: 1, style: .bar)
        if let status {
            c.text(" " + status, x: 0, y: y, style: .bar, width: c.width)
            return
        }
        let hints: [(String, String)] = editing ? [("Enter", "apply"), ("Esc", "cancel"), ("Bksp", "delete")] : KeyMap.hints(for: screen)
        var x = 1
        for (key, what) in hints {
            let width = TerminalText.cells(key) + TerminalText.cells(what) + 2
            if x + width > c.width { break }
            x += c.text(key, x: x, y: y, style: .selected)
            x += c.text(" " + what + " ", x: x, y: y, style: .bar)
        }
    }
}
