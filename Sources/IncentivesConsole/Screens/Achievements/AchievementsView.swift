import IncentivesText
import IncentivesCore

enum AchievementsView {
    static func draw(_ s: AchievementsState, catalog: Catalog, on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        c.text("/", x: x, y: y, style: .accent)
        c.text("filter: ", x: x + 2, y: y, style: .dim)
        InputLine.draw(s.filter.text, editing: s.filter.editing, placeholder: "(none) e.g. program:acme-2026 from:2026-11-01",
                       on: &c, x: x + 10, y: y, width: width - 40)
        let order = "\(s.page.total) · by \(s.query.order.label) \(s.query.descending ? c.glyphs.arrowDown : c.glyphs.arrowUp)"
        c.text(order, x: x + width - TerminalText.cells(order), y: y, style: .dim)
        if let e = s.filterError { c.text(e, x: x, y: y + 1, style: .bad, width: width) }
        let top = y + (s.filterError == nil ? 1 : 2)
        if s.page.rows.isEmpty {
            c.text(s.page.total == 0 && s.filter.text.isEmpty ? "No achievements yet." : "No achievement matches the filter.", x: x + 1, y: top + 1, style: .dim)
            return
        }
        let body = s.evidence == nil ? height - (top - y) : max((height - (top - y)) / 2, 4)
        let wide = width >= 110
        var columns: [Column] = [.fixed("Completed", 10), .flex("User", min: 8), .flex("Program", min: 10), .flex("Reward", min: 12),
                                 .fixed("#", 2, right: true)]
        if wide { columns.insert(.flex("Incentive", min: 10), at: 3); columns.append(.fixed("Achieved at", 20)) }
        Table(columns: columns,
              rows: s.page.rows.map { r in
                  let a = r.achievement
                  // Narrow, without the Incentive column: a name twice in one program carries its incentive.
                  var row = [a.completedOn.iso, a.user, a.program, wide ? a.reward : catalog.rewardLabel(program: a.program, reward: a.reward, incentive: a.incentive),
                             String(a.ordinal)]
                  if wide { row.insert(a.source, at: 3); row.append(a.achievedAt.rfc3339) }
                  return row
              },
              selected: s.selected - s.firstRow, focused: s.evidence == nil, total: s.page.total, firstRow: s.firstRow, hitList: .achievements)
            .draw(on: &c, x: x, y: top, width: width, height: body)
        guard let evidence = s.evidence, let a = s.selectedRecord?.achievement else { return }
        let ey = top + body
        c.rule("Evidence · \(a.user) · \(a.reward) · \(a.source) · \(a.id)", x: x, y: ey, width: width)
        c.text(AwardSentence.of(a, catalog: catalog), x: x, y: ey + 1, style: .accent, width: width)
        Table(columns: [.fixed("Local day", 10), .flex("Event", min: 10), .flex("At", min: 20), .flex("Category", min: 8)],
              rows: evidence.map { [$0.localDay?.iso ?? "?", $0.event.id, $0.event.at.rfc3339, $0.event.category ?? $0.event.type.rawValue] },
              selected: nil)
            .draw(on: &c, x: x, y: ey + 2, width: width, height: height - (ey + 2 - y))
    }
}
