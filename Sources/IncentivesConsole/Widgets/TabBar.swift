import IncentivesText
/// The top line: the screens with the active one highlighted, then the database and the clock.
enum TabBar {
    static func draw(active: ScreenID, source: String, clock: String, on c: inout Canvas) {
        c.grid.fill(x: 0, y: 0, width: c.width, height: 1, style: .bar)
        var x = 0
        let compact = c.width < 110
        for s in ScreenID.allCases {
            let label = " \(s.rawValue) \(compact && s != active ? s.shortTitle : s.title) "
            let used = c.text(label, x: x, y: 0, style: s == active ? .selected : .bar)
            c.hit(.tab(s), x: x, y: 0, width: used)
            x += used
        }
        // Narrow terminals drop the date: the time is what tells that the screen is alive.
        let clock = compact ? String(clock.dropFirst(11)) : clock
        let right = " \(source) · \(clock) "
        let room = c.width - x - 1
        guard room > 8 else { return }
        let shown = TerminalText.cells(right) <= room ? right : " " + TerminalText.truncate(source, to: max(room - TerminalText.cells(clock) - 5, 1)) + " · " + clock + " "
        c.text(shown, x: c.width - TerminalText.cells(shown), y: 0, style: .bar)
    }
}
