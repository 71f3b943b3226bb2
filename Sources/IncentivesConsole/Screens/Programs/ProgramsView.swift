import IncentivesCore
import IncentivesText

enum ProgramsView {
    static func draw(_ s: ProgramsState, on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        let rows = s.rows
        c.text("/", x: x, y: y, style: .accent)
        c.text("filter: ", x: x + 2, y: y, style: .dim)
        let count = s.filter.text.isEmpty ? "\(s.programCount) programs" : "\(rows.count) of \(s.programCount) programs"
        InputLine.draw(s.filter.text, editing: s.filter.editing, placeholder: "(none) an employer, program or reward: acme, gift card",
                       on: &c, x: x + 10, y: y, width: max(width - 10 - TerminalText.cells(count) - 1, 1))
        c.text(count, x: x + width - TerminalText.cells(count), y: y, style: .dim)
        guard !rows.isEmpty else {
            let why = s.filter.text.isEmpty ? "The catalog has no programs." : "No employer, program or reward matches \"\(s.filter.text)\"."
            c.text(why, x: x + 1, y: y + 2, style: .dim, width: width - 1)
            return
        }
        var (y, height) = (y + 1, height - 1)
        // One line for the catalog: its version, or the preview being typed, shown or refused.
        if s.previewPath.editing {
            c.text("p", x: x, y: y, style: .accent)
            c.text("proposed catalog file: ", x: x + 2, y: y, style: .dim)
            InputLine.draw(s.previewPath.text, editing: true, placeholder: "Assets/demo/catalog-proposed.json",
                           on: &c, x: x + 25, y: y, width: max(width - 25, 1))
        } else if let e = s.previewError {
            c.text("preview refused: " + e, x: x, y: y, style: .bad, width: width)
        } else if let p = s.preview {
            c.text("preview of \(p.file): proposed achievements beside the current ones (Esc clears)", x: x, y: y, style: .accent, width: width)
        } else if let v = s.versions.last {
            let effective = v.effective.map { " · effective " + $0.iso } ?? ""
            c.text("catalog version \(v.version)\(effective) · v versions · p preview a proposed catalog", x: x, y: y, style: .dim, width: width)
        }
        (y, height) = (y + 1, height - 1)
        let listHeight = min(rows.count + 1, max(height / 2 - 1, 3))
        let table = Table(
            columns: [.flex("Employer", min: 10), .flex("Program", min: 14), .fixed("Runs", 23), .fixed("Users", 6, right: true),
                      .fixed("Earned", 6, right: true)],
            rows: rows.map { e, p in
                [e.employer.name, p.program.name, p.program.starts.iso + " → " + p.program.ends.iso,
                 String(p.enrolled), String(p.achievements)]
            },
            selected: s.selected, hitList: .programs)
        table.draw(on: &c, x: x, y: y, width: width, height: listHeight)

        let (employer, program) = rows[min(s.selected, rows.count - 1)]
        let top = y + listHeight + 1
        let p = program.program
        c.rule("\(p.name) · \(p.id)", x: x, y: top - 1 + 0, width: width)
        // The counts first: what a narrow terminal cuts (with an ellipsis) is then the employer and the dates, which
        // the selected row shows too (`306 achi` was cut at 80 columns).
        let facts = "\(program.achievements) achievements · \(program.enrolled) of \(employer.users) users enrolled · employer \(employer.employer.id) · \(p.starts.iso) → \(p.ends.iso)"
        c.text(facts, x: x, y: top, style: .dim, width: width)
        if s.showVersions {
            drawVersions(s.versions, on: &c, x: x, y: top + 1, width: width, height: max(height - (top + 1 - y), 0))
            return
        }
        if s.showReport {
            drawReport(s, program: p, on: &c, x: x, y: top + 1, width: width, height: max(height - (top + 1 - y), 0))
            return
        }
        if s.preview != nil {
            drawPreview(s.previewRows(of: p.id), on: &c, x: x, y: top + 1, width: width, height: max(height - (top + 1 - y), 0))
            return
        }
        // A points program shows each reward's points and, under the rewards, its ladder; others look as before.
        let points = p.hasPoints || !p.tiers.isEmpty
        let rewards = Table(
            columns: [.flex("Reward", min: 10), .flex("Incentive", min: 10), .flex("Kind", min: 6), .flex("Parameters", min: 10),
                      .flex("Categories", min: 8), .fixed("Lim", 3, right: true)]
                + (points ? [.fixed("Pts", 4, right: true)] : []) + [.fixed("Earned", 6, right: true)],
            rows: program.rewards.map { r in
                [r.reward.reward, r.incentive.id, type(of: r.incentive.rule).kind,
                 r.incentive.rule.parameters.map(\.description).joined(separator: " "),
                 r.incentive.event == .birthReported ? "-" : (r.incentive.categories.map { $0.sorted().joined(separator: ",") } ?? "all"),
                 String(r.reward.limit)] + (points ? [String(r.reward.points)] : []) + [String(r.achievements)]
            },
            // The rewards the filter found stand out.
            styles: program.rewards.map { ProgramsState.matches(s.filter.text, reward: $0) ? .accent : .normal },
            selected: nil)
        let room = max(height - (top + 1 - y), 0)
        let ladder = p.tiers.isEmpty ? 0 : 2
        rewards.draw(on: &c, x: x, y: top + 1, width: width, height: max(min(program.rewards.count + 1, room - ladder), 0))
        if ladder > 0, room > program.rewards.count + 2 {
            let row = top + 1 + program.rewards.count + 1
            c.text("Tiers", x: x, y: row, style: .accent)
            let steps = p.tiers.map { "\($0.id) at \($0.points) → \($0.reward)" }.joined(separator: " · ")
            c.text(steps, x: x + 6, y: row, width: max(width - 6, 0))
        }
    }

    /// The versions, newest first, each with what it changed.
    static func drawVersions(_ versions: [CatalogVersion], on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        c.rule("Catalog versions (v closes)", x: x, y: y, width: width)
        var row = y + 1
        for v in versions.reversed() where row < y + height {
            let effective = v.effective.map { "effective " + $0.iso } ?? "the first"
            c.text("version \(v.version) · \(effective)" + (v.file.map { " · " + $0 } ?? ""), x: x, y: row, style: .accent, width: width)
            row += 1
            for change in v.changes where row < y + height {
                c.text("  " + change, x: x, y: row, width: width)
                row += 1
            }
        }
    }

    /// The program's participation per month: eligible, active (with a bar of active over eligible), users awarded
    /// ("Won"), awards and cost — the numbers of `incentives report`. The bar is glyphs, not colour, so it reads with NO_COLOR.
    static func drawReport(_ s: ProgramsState, program p: Program, on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        c.rule("Participation per month · r closes", x: x, y: y, width: width)
        guard height > 1 else { return }
        if let why = s.reportError {
            c.text("no report: " + why, x: x, y: y + 1, style: .bad, width: width)
            return
        }
        let rows = s.report?.program == p.id ? s.report!.rows : []
        guard !rows.isEmpty else {
            c.text("No period of this program to report.", x: x, y: y + 1, style: .dim, width: width)
            return
        }
        ParticipationChart.draw(rows, on: &c, x: x, y: y + 1, width: width, height: height - 1)
    }

    /// The selected program's rewards under the current and the proposed catalog, and what the store holds once the
    /// proposal is applied with `--backfill` ("Kept": nothing is taken back, so a removed reward keeps its awards).
    static func drawPreview(_ rows: [CatalogPreview.Row], on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        Table(columns: [.flex("Reward", min: 10), .flex("Incentive", min: 10), .fixed("Now", 6, right: true), .fixed("Proposed", 8, right: true),
                        .fixed("Diff", 6, right: true), .fixed("Kept", 6, right: true), .fixed("Users", 6, right: true), .flex("Change", min: 8)],
              rows: rows.map { r in
                  [r.reward, r.incentive, String(r.current), String(r.proposed), (r.difference > 0 ? "+" : "") + String(r.difference),
                   String(r.afterBackfill), String(r.users), r.changeText]
              },
              styles: rows.map { $0.difference > 0 ? .good : $0.difference < 0 ? .warn : .normal },
              selected: nil)
            .draw(on: &c, x: x, y: y, width: width, height: height)
    }
}
