/// `?`: every key binding, global ones then the screen's own, from the same table as the footer.
enum HelpOverlay {
    static func lines(for screen: ScreenID) -> [(String, String)] {
        let own = KeyMap.bindings.filter { $0.scope == .screen(screen) }
        let global = KeyMap.bindings.filter { $0.scope == .global && !isScreenSwitch($0.action) }
        var out: [(String, String)] = [("", screen.title + " keys")]
        out += own.map { ($0.label, $0.help) }
        out.append(("", "Everywhere"))
        out += global.map { ($0.label, $0.help) }
        out.append(("1-6", "switch screen: " + ScreenID.allCases.map(\.title).joined(separator: ", ")))
        return out
    }

    private static func isScreenSwitch(_ a: Action) -> Bool {
        if case .switchTo = a { return true }
        return false
    }

    static func draw(screen: ScreenID, on c: inout Canvas) {
        let lines = lines(for: screen)
        let w = min(c.width - 4, 76)
        let h = min(c.height - 2, lines.count + 3)
        let x = (c.width - w) / 2, y = max((c.height - h) / 2, 1)
        c.box("Help · any key closes", x: x, y: y, width: w, height: h)
        for (i, (key, what)) in lines.prefix(h - 3).enumerated() {
            if key.isEmpty {
                c.text(what, x: x + 2, y: y + 1 + i, style: .header, width: w - 4)
            } else {
                c.text(TextWidth.pad(key, to: 8), x: x + 3, y: y + 1 + i, style: .accent)
                c.text(what, x: x + 12, y: y + 1 + i, width: w - 14)
            }
        }
        if lines.count > h - 3 { c.text("… (a taller terminal shows more)", x: x + 3, y: y + h - 2, style: .dim) }
    }
}
