import IncentivesCore

/// The size and glyphs of the screen as last drawn.
public struct Viewport: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var glyphs: Glyphs

    public init(width: Int, height: Int, glyphs: Glyphs) {
        self.width = width
        self.height = height
        self.glyphs = glyphs
    }
}

/// The mouse and the clipboard: a click is looked up in the layout the view draws (`Canvas.hits`, recorded as
/// the tabs and rows are drawn), so what is hit is exactly what is on screen; `y` hands the selected row's id to
/// the run loop, which writes it to the terminal's clipboard.
extension AppState {
    /// How many rows a notch of the wheel moves the selection.
    static let wheelStep = 3

    mutating func handleMouse(x: Int, y: Int, kind: MouseKind) {
        if showHelp {
            // A click closes the help, as any key does; the wheel leaves it open.
            if kind == .click || kind == .doubleClick { showHelp = false }
            return
        }
        // While text is typed, the mouse waits: Enter or Esc first.
        if isEditingText { return }
        switch kind {
        case .wheelUp, .wheelDown:
            let key: Key = kind == .wheelUp ? .up : .down
            for _ in 0..<Self.wheelStep { handle(key) }
        case .click, .doubleClick:
            let layout = AppView.render(self, width: viewport.width, height: viewport.height, glyphs: viewport.glyphs)
            guard let target = layout.target(x: x, y: y) else { return }
            switch target {
            case .tab(let s):
                cameFrom = nil
                enter(s)
            case .row(let list, let row):
                select(row, in: list)
                if kind == .doubleClick { handle(.enter) }
            }
        }
    }

    /// Selects row `row` (counted in the whole list) of a list on the current screen.
    mutating func select(_ row: Int, in list: HitList) {
        switch list {
        case .programs:
            programs.selected = min(max(row, 0), max(programs.rows.count - 1, 0))
        case .users:
            users.select(row, data: data)
        case .userAchievements:
            guard let p = users.profile, p.achievements.indices.contains(row) else { return }
            users.achievementSelected = row
            if users.evidence != nil { users.evidence = data.evidence(of: p.achievements[row]) }
        case .achievements:
            achievements.select(row, data: data)
        case .partners:
            guard deliveries.partners.indices.contains(row) else { return }
            if row != deliveries.selected { deliveries.failureSelected = 0 }
            deliveries.selected = row
            deliveries.onFailures = false
            deliveries.showingError = false
        case .failures:
            guard deliveries.failures.indices.contains(row) else { return }
            deliveries.failureSelected = row
            deliveries.onFailures = true
        }
    }

    /// The id of the selected row: a program, a user, an achievement, a partner or a delivery, a test user.
    public var selectedID: String? {
        switch screen {
        case .programs:
            let rows = programs.rows
            return rows.indices.contains(programs.selected) ? rows[programs.selected].program.program.id : nil
        case .users:
            if let p = users.profile {
                // On a user's page the rows are the user's achievements; with none, the user.
                return p.achievements.indices.contains(users.achievementSelected) ? p.achievements[users.achievementSelected].achievement.id : p.member.id
            }
            return users.selectedMember?.id
        case .achievements:
            return achievements.selectedRecord?.achievement.id
        case .deliveries:
            if deliveries.onFailures, deliveries.failures.indices.contains(deliveries.failureSelected) {
                return deliveries.failures[deliveries.failureSelected].id
            }
            return deliveries.partners.indices.contains(deliveries.selected) ? deliveries.partners[deliveries.selected].partnerID : nil
        case .simulator:
            return simulator.user?.id
        case .live:
            return nil
        case .reports:
            return reports.program?.id
        }
    }

    mutating func copySelectedID() {
        guard let id = selectedID else {
            status = "nothing selected to copy"
            return
        }
        pendingCopy = id
        status = "copied \(id) (OSC 52: the terminal must allow it)"
    }

    /// The id `y` asked to copy, once (the run loop writes it to the terminal).
    public mutating func takeCopy() -> String? {
        defer { pendingCopy = nil }
        return pendingCopy
    }
}
