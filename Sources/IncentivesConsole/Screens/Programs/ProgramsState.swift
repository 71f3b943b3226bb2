import Foundation
import IncentivesCore

/// Screen 1: every employer's programs, narrowed by `/` to those whose employer, program or rewards hold the
/// typed text; the selected program's menu items below.
public struct ProgramsState {
    public var overview: [EmployerOverview] = []
    public var selected = 0
    /// `/`: narrows the list as it is typed; Enter keeps it, Esc puts back what was there before.
    public var filter = TextField()
    private var filterBefore = ""

    /// Programs flattened in catalog order, with their employer: those the filter matches.
    public var rows: [(employer: EmployerOverview, program: ProgramOverview)] {
        overview.flatMap { e in e.programs.filter { Self.matches(filter.text, employer: e, program: $0) }.map { (e, $0) } }
    }

    /// How many programs the catalog has, filter aside.
    public var programCount: Int { overview.reduce(0) { $0 + $1.programs.count } }

    /// Whether the filter text occurs (ignoring case) in the employer's id or name, the program's id or name,
    /// or one of its rewards (the reward, its incentive, the rule's kind).
    static func matches(_ text: String, employer e: EmployerOverview, program p: ProgramOverview) -> Bool {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return true }
        let fields = [e.employer.id, e.employer.name, p.program.id, p.program.name]
        return fields.contains { $0.localizedCaseInsensitiveContains(t) } || p.rewards.contains { matches(t, reward: $0) }
    }

    static func matches(_ text: String, reward r: RewardOverview) -> Bool {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty else { return false }
        return [r.reward.reward, r.incentive.id, type(of: r.incentive.rule).kind].contains { $0.localizedCaseInsensitiveContains(t) }
    }

    mutating func reload(_ data: any ConsoleData) {
        overview = data.programsOverview()
        selected = min(selected, max(rows.count - 1, 0))
    }

    mutating func edit(_ key: Key) {
        let before = filter.text
        switch filter.handle(key) {
        case .editing:
            if filter.text != before { selected = 0 }
        case .applied:
            break
        case .cancelled:
            filter.text = filterBefore
            selected = min(selected, max(rows.count - 1, 0))
        }
    }

    /// Returns whether the action was used, and a program id to open (its achievements).
    mutating func handle(_ action: Action) -> (Bool, String?) {
        let all = rows
        if Selection.isMove(action) {
            selected = Selection.move(selected, action, count: all.count)
            return (true, nil)
        }
        switch action {
        case .open:
            return selected < all.count ? (true, all[selected].program.program.id) : (true, nil)
        case .filter:
            filterBefore = filter.text
            filter.editing = true
            return (true, nil)
        case .clearFilter, .back:
            guard !filter.text.isEmpty else { return (false, nil) }
            filter.text = ""
            selected = 0
            return (true, nil)
        default:
            return (false, nil)
        }
    }
}
