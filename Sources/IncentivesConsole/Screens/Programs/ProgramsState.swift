import IncentivesCore

/// Screen 1: every employer's programs; the selected program's menu items below.
public struct ProgramsState {
    public var overview: [EmployerOverview] = []
    public var selected = 0

    /// Programs flattened in catalog order, with their employer.
    public var rows: [(employer: EmployerOverview, program: ProgramOverview)] {
        overview.flatMap { e in e.programs.map { (e, $0) } }
    }

    mutating func reload(_ data: any ConsoleData) {
        overview = data.programsOverview()
        selected = min(selected, max(rows.count - 1, 0))
    }

    /// Returns whether the action was used, and a program id to open (its achievements).
    mutating func handle(_ action: Action) -> (Bool, String?) {
        let all = rows
        if Selection.isMove(action) {
            selected = Selection.move(selected, action, count: all.count)
            return (true, nil)
        }
        if action == .open, selected < all.count { return (true, all[selected].program.program.id) }
        return (false, nil)
    }
}
