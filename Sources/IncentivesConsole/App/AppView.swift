import IncentivesText
/// The view: the whole screen drawn from the state into a fresh canvas. Pure: no data queries.
public enum AppView {
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    public static func render(_ s: AppState, width: Int, height: Int, glyphs: Glyphs) -> Canvas {
        var c = Canvas(width: width, height: height, glyphs: glyphs)
        guard width >= minimumWidth, height >= minimumHeight else {
            let msg = ["The console needs \(minimumWidth)×\(minimumHeight);", "this terminal is \(width)×\(height).", "Enlarge it, or press q to quit."]
            for (i, line) in msg.enumerated() where i < height {
                c.text(line, x: max((width - TerminalText.cells(line)) / 2, 0), y: max(height / 2 - 1, 0) + i, style: i == 0 ? .header : .normal)
            }
            return c
        }
        TabBar.draw(active: s.screen, source: s.data.sourceName, clock: s.clock.label, on: &c)
        let (x, y, w, h) = (1, 2, width - 2, height - 4)
        switch s.screen {
        case .programs: ProgramsView.draw(s.programs, on: &c, x: x, y: y, width: w, height: h)
        case .users: UsersView.draw(s.users, today: s.clock.today, catalog: s.data.catalog, on: &c, x: x, y: y, width: w, height: h)
        case .achievements: AchievementsView.draw(s.achievements, catalog: s.data.catalog, on: &c, x: x, y: y, width: w, height: h)
        case .simulator: SimulatorView.draw(s.simulator, on: &c, x: x, y: y, width: w, height: h)
        case .live: LiveView.draw(s.live, on: &c, x: x, y: y, width: w, height: h)
        case .deliveries: DeliveriesView.draw(s.deliveries, on: &c, x: x, y: y, width: w, height: h)
        case .reports: ReportsView.draw(s.reports, on: &c, x: x, y: y, width: w, height: h)
        }
        Footer.draw(screen: s.screen, editing: s.isEditingText, status: s.status, on: &c)
        if s.showHelp { HelpOverlay.draw(screen: s.screen, on: &c) }
        return c
    }
}
