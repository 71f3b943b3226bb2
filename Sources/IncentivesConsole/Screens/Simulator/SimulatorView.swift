import IncentivesText
import IncentivesCore

enum SimulatorView {
    static func draw(_ s: SimulatorState, on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        c.text("SANDBOX", x: x, y: y, style: .selected)
        c.text(" nothing here touches the real data", x: x + 7, y: y, style: .dim, width: width - 7)
        guard let user = s.user else {
            c.text("The catalog has no employers to simulate.", x: x, y: y + 2, style: .dim)
            return
        }
        let employer = user.employer.flatMap { s.sandbox.catalog.employer($0)?.name } ?? "no employer"
        let who = "\(user.id) · \(employer) · \(user.timezone)"
        c.text(who, x: x, y: y + 1, style: .accent, width: width)
        let count = "user \(s.current + 1)/\(s.sandbox.members.count)"
        c.text(count, x: x + width - TerminalText.cells(count), y: y + 1, style: .dim)
        if s.field.editing {
            let label = s.prompt.label
            c.text(label, x: x, y: y + 2, style: .dim)
            InputLine.draw(s.field.text, editing: true, on: &c, x: x + TerminalText.cells(label), y: y + 2, width: width - TerminalText.cells(label))
        }
        let clock = "clock \(s.clockLabel) · category \(s.categories.isEmpty ? "-" : s.categories[s.category]) · p logs \(s.daysBack) day\(s.daysBack == 1 ? "" : "s") back"
        if !s.field.editing {
            c.text(clock, x: x, y: y + 2, width: width)
            // The keys for the clock and for sending again, where the line has room (all are in `?`).
            let keys = "t/T time · d day · a/A send again"
            if TerminalText.cells(clock) + 2 + TerminalText.cells(keys) <= width {
                c.text(keys, x: x + width - TerminalText.cells(keys), y: y + 2, style: .dim)
            }
        }

        let rewardsHeight = min(s.standings.count + 1, max((height - 4) / 2, 2))
        Table(columns: [.flex("Reward", min: 12), .flex("Program", min: 10), .flex("Rule", min: 16), .fixed("Progress", 16), .fixed("Won", 5, right: true)],
              rows: s.standings.map { st in
                  let (done, needed) = st.bar
                  let bar = ProgressBar.text(done: done, needed: needed, width: 10, glyphs: c.glyphs) + " \(done)/\(needed)"
                  return [st.slot.label(among: s.standings.map(\.slot)), st.slot.program.id, st.slot.incentive.rule.summary, bar, "\(st.awards)/\(st.slot.reward.limit)"]
              },
              styles: s.standings.map { $0.limitReached ? .good : .normal },
              selected: s.standings.isEmpty ? nil : s.selectedReward)
            .draw(on: &c, x: x, y: y + 3, width: width, height: rewardsHeight)

        let fy = y + 3 + rewardsHeight
        c.rule("Feed (\(s.sandbox.eventCount) events)", x: x, y: fy, width: width)
        let room = height - (fy + 1 - y)
        guard room > 0 else { return }
        // A line longer than the screen wraps (indented under itself) rather than losing its end; the newest
        // rows are at the bottom.
        var rows: [(String, Style)] = []
        for line in s.feed.suffix(room) {
            guard TerminalText.cells(line.text) > width else { rows.append((line.text, line.style)); continue }
            let indent = line.text.prefix { $0 == " " }.count
            let parts = TextWrap.lines(String(line.text.dropFirst(indent)), width: max(width - indent - 2, 10))
            for (n, part) in parts.enumerated() {
                rows.append((String(repeating: " ", count: n == 0 ? indent : indent + 2) + part, line.style))
            }
        }
        for (i, row) in rows.suffix(room).enumerated() {
            c.text(row.0, x: x, y: fy + 1 + i, style: row.1, width: width)
        }
        if s.feed.isEmpty {
            c.text("l log now · n next day · p late log · b birth · s play a streak for the selected reward", x: x, y: fy + 1, style: .dim, width: width)
            c.text("t time of day (T types it) · d jump to a day · a send the last event again · A the same id, other content", x: x, y: fy + 2, style: .dim, width: width)
        }
    }
}
