import IncentivesText
import IncentivesCore

enum LiveView {
    static func draw(_ s: LiveState, on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        let state = s.frozen ? "FROZEN (\(s.missed) new) · f to follow" : "following · f to freeze"
        let skipped = s.skipped > 0 ? " · \(s.skipped) passed too fast to list" : ""
        c.text("\(s.totalEvents) events · \(s.totalAchievements) achievements" + skipped, x: x, y: y, style: .accent)
        c.text(state, x: x + width - TerminalText.cells(state), y: y, style: s.frozen ? .warn : .dim)
        let achHeight = max(min(s.achievements.count + 2, height / 2), 3)
        c.rule("Achievements, newest first", x: x, y: y + 1, width: width)
        Table(columns: [.fixed("Completed", 10), .flex("User", min: 8), .flex("Program", min: 10), .flex("Reward", min: 12), .fixed("Evidence", 8, right: true)],
              rows: s.achievements.reversed().map { r in
                  let a = r.achievement
                  return [a.completedOn.iso, a.user, a.program, a.reward, String(a.evidence.count)]
              },
              styles: Array(repeating: .good, count: s.achievements.count),
              selected: nil)
            .draw(on: &c, x: x, y: y + 2, width: width, height: achHeight - 1)
        let ey = y + 1 + achHeight
        c.rule("Events, newest first", x: x, y: ey, width: width)
        if s.events.isEmpty { c.text("Waiting for events…", x: x + 1, y: ey + 2, style: .dim) }
        Table(columns: [.fixed("Seq", 8, right: true), .fixed("Local day", 10), .flex("User", min: 8), .flex("Event", min: 10), .flex("Type", min: 12)],
              rows: s.events.reversed().map { e in
                  [String(e.seq), e.localDay?.iso ?? "?", e.event.user, e.event.id, e.event.category.map { "log " + $0 } ?? "birth"]
              },
              selected: nil)
            .draw(on: &c, x: x, y: ey + 1, width: width, height: height - (ey + 1 - y))
    }
}
