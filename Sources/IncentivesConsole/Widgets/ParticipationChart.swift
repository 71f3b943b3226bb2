import IncentivesCore
import IncentivesText

/// Participation per month as `incentives report` counts it: eligible users, a bar of active over eligible (glyphs,
/// not colour, so it reads with NO_COLOR and in ASCII), users awarded ("Won"), awards and cost. Drawn by the Programs
/// pane (`r`) and the Reports screen. The heading is at `y`, the months under it; the latest when not all fit.
enum ParticipationChart {
    /// `through`: when not all months fit, the last one shown is the one holding this day (today: an open-ended
    /// program's far future is empty), else the program's last.
    static func draw(_ rows: [ParticipationRow], through: LocalDate? = nil, on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        guard height > 0 else { return }
        let currencies = Set(rows.flatMap { $0.cost.units.keys }).sorted()
        let costWidth = currencies.isEmpty ? 0 : max(9, 1 + (rows.map { TerminalText.cells($0.cost.text) }.max() ?? 0))
        let fixed = 7 + 2 + 5 + 2 + 5 + 2 + 5 + 2 + 6 + (costWidth > 0 ? 2 + costWidth : 0)
        let barWidth = max(min(width - fixed - 2, 40), 4)
        // Numbers right-aligned under their headings: active users after the bar, then users awarded, awards, cost.
        let header = TerminalText.pad("Month", to: 7) + "  " + TerminalText.pad("Elig", to: 5, right: true) + "  "
            + TerminalText.pad("Active users", to: barWidth + 6, right: true) + " " + TerminalText.pad("Won", to: 5, right: true) + "  "
            + TerminalText.pad("Awards", to: 6, right: true) + (costWidth > 0 ? "  Cost" : "")
        c.text(header, x: x, y: y, style: .dim, width: width)
        // The latest months first when they do not all fit: the months being run are the ones a demo shows.
        let room = height - 1
        let end = through.flatMap { day in rows.lastIndex { $0.first <= day } }.map { $0 + 1 } ?? rows.count
        let shown = rows.count <= room ? rows[...] : rows[max(end - room, 0)..<max(end, min(room, rows.count))]
        for (i, r) in shown.enumerated() {
            let row = y + 1 + i
            var col = x
            col += c.text(TerminalText.pad(r.period, to: 7) + "  ", x: col, y: row)
            col += c.text(TerminalText.pad(String(r.eligible), to: 5, right: true) + "  ", x: col, y: row)
            col += c.text(ProgressBar.text(done: r.active, needed: r.eligible, width: barWidth, glyphs: c.glyphs), x: col, y: row, style: .good)
            col += c.text(" " + TerminalText.pad(String(r.active), to: 5, right: true) + " ", x: col, y: row)
            col += c.text(TerminalText.pad(String(r.awarded), to: 5, right: true) + "  ", x: col, y: row)
            col += c.text(TerminalText.pad(String(r.awards), to: 6, right: true), x: col, y: row)
            if costWidth > 0, col + 2 < x + width { c.text("  " + r.cost.text, x: col, y: row, width: x + width - col) }
        }
    }
}
