import IncentivesCore
import IncentivesText

/// Screen 7: the employer chooser, the program's participation per month, and its funnel — for each reward, how many
/// eligible users stand at each step toward it (0, 1, … of 5 days; the last: the reward's limit reached), users
/// awarded and the median days to the award; for a points program, users by their highest tier. Every bar is glyphs
/// with its number beside it, so the screen reads the same with NO_COLOR, in ASCII and on a projector.
enum ReportsView {
    static func draw(_ s: ReportsState, on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        guard let e = s.employer else {
            c.text("The catalog has no employers.", x: x + 1, y: y + 1, style: .dim, width: width - 1)
            return
        }
        // The chooser: ◂ employer ▸ and the program, each with where it stands among the others.
        var col = x
        col += c.text("Employer ", x: col, y: y, style: .dim)
        col += c.text("◂ ", x: col, y: y, style: .accent)
        let programText = s.program.map { "\($0.name) · \($0.id)" } ?? "no programs"
        let programCount = e.programs.count > 1 ? "  (\(s.programIndex + 1)/\(e.programs.count), p)" : ""
        let employerText = "\(e.name) · \(e.id)"
        let counter = " ▸ \(s.employerIndex + 1)/\(s.employers.count)   "
        // The employer gets half the line at most; the program the rest.
        let employerRoom = max(min(TerminalText.cells(employerText), width / 2 - 12), 4)
        col += c.text(employerText, x: col, y: y, style: .header, width: employerRoom)
        col += c.text(counter, x: col, y: y, style: .accent)
        col += c.text("Program ", x: col, y: y, style: .dim)
        c.text(programText + programCount, x: col, y: y, width: max(x + width - col, 0))

        guard let p = s.program else { return }
        if let why = s.error {
            c.text("no report: " + why, x: x, y: y + 2, style: .bad, width: width)
            return
        }
        // The funnel's room first: its heading, the reward's line and its steps; the months take what is left, and
        // at least four of them.
        let entries = s.funnelEntries
        let first = entries.indices.contains(s.funnelIndex) ? entries[s.funnelIndex] : nil
        let funnelLines = 2 + (first.map(lines) ?? 1)
        let monthRoom = max(min(s.rows.count + 1, height - 2 - funnelLines - 1), 5)
        let asOf = s.asOf.map { " · as of \($0.iso)" } ?? ""
        c.rule("Participation per month · \(p.name)", x: x, y: y + 1, width: width)
        if s.rows.isEmpty {
            c.text("No period of this program to report.", x: x, y: y + 2, style: .dim, width: width)
        } else {
            ParticipationChart.draw(s.rows, through: s.asOf, on: &c, x: x, y: y + 2, width: width, height: monthRoom)
        }
        var row = y + 2 + monthRoom
        let bottom = y + height
        let position = entries.count > 1 ? " · reward \(s.funnelIndex + 1)/\(entries.count) (↑↓)" : ""
        c.rule("Funnel: where eligible users stand\(asOf)\(position)", x: x, y: row, width: width)
        row += 1
        guard !entries.isEmpty else {
            if row < bottom { c.text("This program has no rewards.", x: x, y: row, style: .dim, width: width) }
            return
        }
        // The chosen entry, then the ones after it while they fit (at 120×40 a program's rewards all show).
        for entry in entries[s.funnelIndex...] where row < bottom {
            row = draw(entry, on: &c, x: x, y: row, width: width, bottom: bottom)
        }
    }

    /// The lines an entry takes: its title and one per step.
    static func lines(_ entry: ReportsState.FunnelEntry) -> Int {
        switch entry {
        case .reward(let r): return 1 + r.steps.count
        case .tiers(let t): return 1 + t.tiers.count
        }
    }

    /// Draws an entry from `y`, stopping at `bottom`; returns the next free row.
    static func draw(_ entry: ReportsState.FunnelEntry, on c: inout Canvas, x: Int, y: Int, width: Int, bottom: Int) -> Int {
        var row = y
        let title: String
        let steps: [(label: String, users: Int)]
        switch entry {
        case .reward(let r):
            let median = r.medianDays.map { "median \(FunnelRow.number($0)) day\($0 == 1 ? "" : "s") from first qualifying event to award" } ?? "no award yet"
            title = "\(r.reward) · \(r.incentive) · awarded to \(r.awarded) · \(median)"
            let unit = r.needed == 1 ? "" : " of \(r.needed)"
            steps = r.steps.enumerated().map { k, n in (k == r.needed ? "limit reached" : "\(k)\(unit)", n) }
        case .tiers(let t):
            title = "Tiers of \(t.program): users by the highest tier reached"
            steps = t.tiers.map { ($0.id.isEmpty ? "no tier yet" : $0.id, $0.users) }
        }
        c.text(title, x: x, y: row, style: .accent, width: width)
        row += 1
        let total = steps.reduce(0) { $0 + $1.users }
        let labelWidth = min(max(steps.map { TerminalText.cells($0.label) }.max() ?? 0, 6), 20)
        let countWidth = max(String(total).count, 3)
        let barWidth = max(min(width - 2 - labelWidth - 1 - countWidth - 1 - 6, 60), 4)
        for step in steps where row < bottom {
            var col = x + 2
            col += c.text(TerminalText.pad(TerminalText.truncate(step.label, to: labelWidth), to: labelWidth) + " ", x: col, y: row, style: .dim)
            col += c.text(ProgressBar.text(done: step.users, needed: total, width: barWidth, glyphs: c.glyphs), x: col, y: row, style: .good)
            let share = total > 0 ? (step.users * 100 + total / 2) / total : 0
            c.text(" " + TerminalText.pad(String(step.users), to: countWidth, right: true) + " " + TerminalText.pad("\(share)%", to: 4, right: true),
                   x: col, y: row, width: max(x + width - col, 0))
            row += 1
        }
        return row
    }
}
