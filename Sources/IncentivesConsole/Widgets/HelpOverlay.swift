import IncentivesText
/// `?`: every key binding, the screen's own then the global ones, from the same table as the footer.
/// Two columns when the screen is wide enough, so that it fits 80×24.
enum HelpOverlay {
    static func lines(for screen: ScreenID) -> [(String, String)] {
        let (own, all) = KeyMap.bindings(for: screen)
        let global = all.filter { !isScreenSwitch($0.action) }
        var out: [(String, String)] = []
        if !own.isEmpty {
            out.append(("", screen.title))
            out += own.map { ($0.label, $0.help) }
        }
        out.append(("", "Everywhere"))
        out += global.map { ($0.label, $0.help) }
        out.append(("1-\(ScreenID.allCases.count)", ScreenID.allCases.map(\.shortTitle).joined(separator: " ")))
        out.append(("mouse", "click selects; wheel moves"))
        return out
    }

    private static func isScreenSwitch(_ a: Action) -> Bool {
        if case .switchTo = a { return true }
        return false
    }

    static func draw(screen: ScreenID, on c: inout Canvas) {
        let lines = lines(for: screen)
        let w = min(c.width - 4, 110)
        let columns = lines.count > c.height - 6 ? 2 : 1
        let perColumn = (lines.count + columns - 1) / columns
        let h = min(c.height - 2, perColumn + 2)
        let x = (c.width - w) / 2, y = max((c.height - h) / 2, 1)
        c.box("Help · any key closes", x: x, y: y, width: w, height: h)
        let colWidth = (w - 4) / columns
        for (i, (key, what)) in lines.enumerated() {
            let col = i / perColumn, row = i % perColumn
            guard row < h - 2 else { continue }
            let cx = x + 2 + col * colWidth, cy = y + 1 + row
            if key.isEmpty {
                c.text(what, x: cx, y: cy, style: .header, width: colWidth - 1)
            } else {
                c.text(TerminalText.pad(key, to: 7), x: cx, y: cy, style: .accent)
                c.text(TerminalText.truncate(what, to: colWidth - 9), x: cx + 8, y: cy, width: colWidth - 9)
            }
        }
    }
}
