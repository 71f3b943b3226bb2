import Foundation
import IncentivesCore
import IncentivesInput

/// Screen 1: every employer's programs, narrowed by `/` to those whose employer, program or rewards hold the
/// typed text; the selected program's menu items below.
public struct ProgramsState {
    public var overview: [EmployerOverview] = []
    public var selected = 0
    /// `/`: narrows the list as it is typed; Enter keeps it, Esc puts back what was there before.
    public var filter = TextField()
    private var filterBefore = ""
    /// `v`: the catalog versions pane, in place of the selected program's menu.
    public var versions: [CatalogVersion] = []
    public var showVersions = false
    /// `p`: the path of a proposed catalog, typed; Enter loads it and runs the preview (`CatalogPreview`).
    public var previewPath = TextField()
    public var preview: (file: String, rows: [CatalogPreview.Row])?
    public var previewError: String?
    /// `r`: the selected program's participation per month (issue 25), in place of its menu; refreshed with the screen.
    public var showReport = false
    public var report: (program: String, rows: [ParticipationRow])?
    public var reportError: String?

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
        versions = data.catalogVersions()
        selected = min(selected, max(rows.count - 1, 0))
        if showReport { loadReport(data) }
    }

    /// The selected program's report (`incentives report --by month` over the whole span).
    mutating func loadReport(_ data: any ConsoleData) {
        let all = rows
        guard selected < all.count else { report = nil; return }
        let (e, p) = all[selected]
        switch data.participation(employer: e.employer.id, program: p.program.id) {
        case .success(let rows): report = (p.program.id, rows); reportError = nil
        case .failure(let why): report = nil; reportError = why.message
        }
    }

    mutating func edit(_ key: Key, data: any ConsoleData) {
        if previewPath.editing {
            switch previewPath.handle(key) {
            case .editing, .cancelled: break
            case .applied: loadPreview(data)
            }
            return
        }
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

    /// Reads the typed catalog as `init` and `preview` do, and runs it over the data's events.
    mutating func loadPreview(_ data: any ConsoleData) {
        let path = previewPath.text.trimmingCharacters(in: .whitespaces)
        previewError = nil
        guard !path.isEmpty else { preview = nil; return }
        let expanded = path.hasPrefix("~/") ? NSString(string: path).expandingTildeInPath : path
        let proposed: Catalog
        do {
            proposed = try CatalogDecoder.load(path: expanded)
        } catch {
            previewError = "\(error)"
            return
        }
        switch data.preview(proposed) {
        case .success(let rows): preview = (path, rows)
        case .failure(let why): previewError = why.message
        }
    }

    /// The preview's rows for one program, the current catalog's rewards first.
    func previewRows(of program: String) -> [CatalogPreview.Row] {
        preview?.rows.filter { $0.program == program } ?? []
    }

    /// Returns whether the action was used, and a program id to open (its achievements).
    mutating func handle(_ action: Action, data: any ConsoleData) -> (Bool, String?) {
        let all = rows
        if Selection.isMove(action) {
            selected = Selection.move(selected, action, count: all.count)
            if showReport { loadReport(data) }
            return (true, nil)
        }
        switch action {
        case .open:
            return selected < all.count ? (true, all[selected].program.program.id) : (true, nil)
        case .filter:
            filterBefore = filter.text
            filter.editing = true
            return (true, nil)
        case .versions:
            showVersions.toggle()
            return (true, nil)
        case .report:
            showReport.toggle()
            if showReport { loadReport(data) }
            return (true, nil)
        case .preview:
            previewPath.editing = true
            return (true, nil)
        case .clearFilter, .back:
            if showVersions { showVersions = false; return (true, nil) }
            if showReport { showReport = false; return (true, nil) }
            if preview != nil || previewError != nil, filter.text.isEmpty { preview = nil; previewError = nil; return (true, nil) }
            guard !filter.text.isEmpty else { return (false, nil) }
            filter.text = ""
            selected = 0
            return (true, nil)
        default:
            return (false, nil)
        }
    }
}
