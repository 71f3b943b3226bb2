import Foundation
import IncentivesCore
import IncentivesText

/// Screen 7: one employer's report (issue 25) for a sales demo or an account review — participation per month of one
/// of its programs and the funnel toward each reward (or tier) — the numbers `incentives report` and
/// `incentives report --funnel` print, from the same code (`ParticipationCounter`, `FunnelReport.make`).
/// ←/→ choose the employer, `p` the program, ↑/↓ the funnel shown first; `e` writes the participation table as CSV.
public struct ReportsState {
    /// The catalog's employers, in catalog order (the chooser cycles through them).
    public var employers: [Employer] = []
    public var employerIndex = 0
    /// Among the employer's programs.
    public var programIndex = 0
    /// The funnel entry drawn first: a reward of the program, or its tiers (after the rewards).
    public var funnelIndex = 0
    public var rows: [ParticipationRow] = []
    public var funnel = FunnelReport()
    public var error: String?
    /// The day the funnel stands users on: the console's today.
    public var asOf: LocalDate?
    /// Where `e` writes its CSV files: the console's working folder unless a test or the caller says otherwise.
    public var exportDirectory = FileManager.default.currentDirectoryPath

    public var employer: Employer? { employers.indices.contains(employerIndex) ? employers[employerIndex] : nil }
    public var program: Program? {
        guard let e = employer, e.programs.indices.contains(programIndex) else { return nil }
        return e.programs[programIndex]
    }

    /// What the funnel part lists: each reward's row, then the points ladder when the program has tiers.
    public enum FunnelEntry: Equatable {
        case reward(FunnelRow)
        case tiers(TierFunnelRow)
    }

    public var funnelEntries: [FunnelEntry] {
        funnel.rewards.map(FunnelEntry.reward) + funnel.tiers.map(FunnelEntry.tiers)
    }

    /// Opens on `employer` and `program` (Enter on Programs); nil keeps the current choice.
    mutating func focus(employer id: String?, program pid: String?, in catalog: Catalog) {
        employers = catalog.employers
        if let id, let i = employers.firstIndex(where: { $0.id == id }), i != employerIndex {
            employerIndex = i
            programIndex = 0
            funnelIndex = 0
        }
        if let pid, let e = employer, let j = e.programs.firstIndex(where: { $0.id == pid }), j != programIndex {
            programIndex = j
            funnelIndex = 0
        }
    }

    /// Asks the data for the chosen program's participation and funnel (again: on entering, and when the live poller
    /// saw an ingest commit).
    mutating func reload(_ data: any ConsoleData, today: LocalDate) {
        employers = data.catalog.employers
        employerIndex = min(employerIndex, max(employers.count - 1, 0))
        asOf = today
        guard let e = employer, let p = program else {
            rows = []; funnel = FunnelReport(); error = nil
            return
        }
        switch data.employerReport(employer: e.id, program: p.id, asOf: today) {
        case .success(let r): rows = r.rows; funnel = r.funnel; error = nil
        case .failure(let why): rows = []; funnel = FunnelReport(); error = why.message
        }
        funnelIndex = min(funnelIndex, max(funnelEntries.count - 1, 0))
    }

    /// Returns whether the action was used, a status line, and an achievements filter to open (Enter).
    mutating func handle(_ action: Action, data: any ConsoleData, today: LocalDate) -> (used: Bool, status: String?, open: String?) {
        if Selection.isMove(action) {
            funnelIndex = Selection.move(funnelIndex, action, count: funnelEntries.count, page: 3)
            return (true, nil, nil)
        }
        switch action {
        case .left, .right:
            guard !employers.isEmpty else { return (true, "the catalog has no employer", nil) }
            employerIndex = (employerIndex + (action == .right ? 1 : employers.count - 1)) % employers.count
            programIndex = 0
            funnelIndex = 0
            reload(data, today: today)
            return (true, nil, nil)
        case .reportProgram:
            guard let e = employer, e.programs.count > 1 else { return (true, "\(employer?.name ?? "this employer") has one program", nil) }
            programIndex = (programIndex + 1) % e.programs.count
            funnelIndex = 0
            reload(data, today: today)
            return (true, nil, nil)
        case .open:
            // Who earned what is drawn first: the achievements of that reward (or of the program, for its tiers).
            guard let p = program else { return (true, nil, nil) }
            if funnelEntries.indices.contains(funnelIndex), case .reward(let r) = funnelEntries[funnelIndex] {
                return (true, nil, "program:\(p.id) incentive:\(r.incentive)")
            }
            return (true, nil, "program:\(p.id)")
        case .export:
            return (true, export(), nil)
        default:
            return (false, nil, nil)
        }
    }

    /// Writes the participation table shown as CSV (the columns of `incentives report --format csv`) to a new file in
    /// `exportDirectory`, and says where — or why not, without leaving a partial file behind.
    mutating func export() -> String {
        guard let e = employer, let p = program else { return "nothing to export: no program chosen" }
        if let error { return "nothing to export: \(error)" }
        let table = ParticipationRow.table(rows)
        var text = CSV.line(table.columns) + "\n"
        for r in table.cells { text += CSV.line(r) + "\n" }
        switch ReportExport.write(text, directory: exportDirectory, name: "report-\(e.id)-\(p.id)") {
        // The file's name first: a narrow status line cuts the folder, never the name.
        case .success(let path):
            let url = URL(fileURLWithPath: path)
            return "exported \(url.lastPathComponent) (\(rows.count) month\(rows.count == 1 ? "" : "s")) in \(url.deletingLastPathComponent().path)"
        case .failure(let why): return "export failed: \(why.message)"
        }
    }
}
