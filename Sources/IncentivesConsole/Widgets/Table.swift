import IncentivesText
/// A column of a `Table`: fixed width, or flexible: as wide as its content when there is room (at least `min`),
/// squeezed fairly when there is not.
public struct Column: Sendable {
    public let title: String
    public let width: Int
    public let flex: Bool
    public let right: Bool

    public static func fixed(_ title: String, _ width: Int, right: Bool = false) -> Column {
        Column(title: title, width: width, flex: false, right: right)
    }

    public static func flex(_ title: String, min: Int = 8) -> Column {
        Column(title: title, width: min, flex: true, right: false)
    }
}

/// A scrolling table with a header row and a selected row. Scrolling is computed from the selection,
/// so after a resize the selected row is still on screen and still selected.
public struct Table {
    public var columns: [Column]
    public var rows: [[String]]
    public var styles: [Style]? = nil
    public var selected: Int? = nil
    /// Selection highlight only when the table has focus.
    public var focused = true
    /// How many rows there are in all when `rows` is the part loaded (a paged list), and where in them `rows`
    /// starts: the position shown in the header counts in the whole list.
    public var total: Int?
    public var firstRow = 0
    /// The list a click on a row selects in (rows are recorded as `.row(list, firstRow + index)`); nil: not clickable.
    public var hitList: HitList? = nil

    public init(columns: [Column], rows: [[String]], styles: [Style]? = nil, selected: Int? = nil, focused: Bool = true, total: Int? = nil,
                firstRow: Int = 0, hitList: HitList? = nil) {
        self.hitList = hitList
        self.columns = columns
        self.rows = rows
        self.styles = styles
        self.selected = selected
        self.focused = focused
        self.total = total
        self.firstRow = firstRow
    }

    /// Column widths for `total` cells. Fixed columns keep their width, widened to their content's. Flexible ones get their content's width
    /// (`content`: the widest cell of each column, title included) and at least their `min`; spare room is then
    /// shared among them, each up to twice that width. When the content does not fit, the narrowest column still cut gets the next
    /// cell, one at a time: a short column is never cut while a long one takes the room (max-min fair), and
    /// each keeps `min` or its content's width, whichever is smaller.
    public static func widths(_ columns: [Column], total: Int, content: [Int]? = nil) -> [Int] {
        // A fixed column is at least as wide as its widest value: a count is never cut (`12345` in a 4-wide "Lim").
        let columns = columns.enumerated().map { i, c in
            c.flex ? c : Column(title: c.title, width: max(c.width, content.flatMap { $0.indices.contains(i) ? $0[i] : nil } ?? 0),
                                flex: false, right: c.right)
        }
        let gaps = max(columns.count - 1, 0)
        let fixed = columns.reduce(0) { $0 + ($1.flex ? 0 : $1.width) } + gaps
        let flex = columns.indices.filter { columns[$0].flex }
        var w = columns.map(\.width)
        guard !flex.isEmpty else { return w }
        let available = max(total - fixed, 0)
        // Without content (or in the old call), every flexible column wants only its minimum.
        let wanted = columns.indices.map { i in max(content.flatMap { $0.indices.contains(i) ? $0[i] : nil } ?? 0, columns[i].width) }
        let needed = flex.reduce(0) { $0 + wanted[$1] }
        if needed <= available {
            // Spare room is shared a cell each in turn, each column growing to at most twice its content: columns
            // stay near what they hold (easy to read across), and what is left over stays at the right end.
            for i in flex { w[i] = wanted[i] }
            var spare = available - needed
            while spare > 0 {
                let growing = flex.filter { w[$0] < 2 * wanted[$0] }
                if growing.isEmpty { break }
                for i in growing where spare > 0 {
                    w[i] += 1
                    spare -= 1
                }
            }
            return w
        }
        // Not enough room: floors first, then one cell at a time to the narrowest column still cut; once nothing
        // is cut, toward the minimums.
        let contentWidth = columns.indices.map { i in max(content.flatMap { $0.indices.contains(i) ? $0[i] : nil } ?? columns[i].width, 1) }
        for i in flex { w[i] = min(columns[i].width, contentWidth[i]) }
        var room = available - flex.reduce(0) { $0 + w[$1] }
        for target in [contentWidth, wanted] {
            while room > 0, let i = flex.filter({ w[$0] < target[$0] }).min(by: { w[$0] < w[$1] }) {
                w[i] += 1
                room -= 1
            }
        }
        return w
    }

    /// The widest cell of each column (title included), over the rows a table measures: the first
    /// `measured` rows and those on screen, so a long list costs the same to draw as a short one.
    static func contentWidths(_ columns: [Column], rows: [[String]], visible: Range<Int>, measured: Int = 1000) -> [Int] {
        // Fixed columns by their values only: a title wider than its numbers ("Earned") may be cut.
        var widest = columns.map { $0.flex ? TerminalText.cells($0.title) : 0 }
        func measure(_ r: Int) {
            for (i, cell) in rows[r].enumerated() where i < widest.count {
                widest[i] = max(widest[i], TerminalText.cells(cell))
            }
        }
        for r in 0..<min(rows.count, measured) { measure(r) }
        for r in visible where r >= measured && r < rows.count { measure(r) }
        return widest
    }

    /// The first visible row for a selection in a body of `height` rows.
    public static func scrollOffset(selected: Int?, count: Int, height: Int) -> Int {
        guard let s = selected, height > 0, count > height else { return 0 }
        return min(max(0, s - height + 1 + (s + 1 < count ? 1 : 0)), count - height)
    }

    public func draw(on canvas: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        guard height > 0, width > 0 else { return }
        let body = height - 1
        let offset = Table.scrollOffset(selected: selected, count: rows.count, height: body)
        let content = Table.contentWidths(columns, rows: rows, visible: offset..<(offset + max(body, 0)))
        var widths = Table.widths(columns, total: width, content: content)
        // A long list shows where the selection is at the header's right end: the columns leave it room when
        // they can do so without cutting anything.
        let all = max(total ?? rows.count, rows.count)
        let label = " \(firstRow + (selected ?? 0) + 1)/\(all)"
        if all > body, body > 0 {
            let narrower = Table.widths(columns, total: width - TerminalText.cells(label) - 1, content: content)
            if columns.indices.allSatisfy({ !columns[$0].flex || narrower[$0] >= min(content[$0], widths[$0]) }) { widths = narrower }
        }
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, w) in widths.enumerated() {
                if i > 0 { out += " " }
                out += TerminalText.pad(i < cells.count ? cells[i] : "", to: w, right: columns[i].right)
            }
            return out
        }
        // Cells cut to their column (`TerminalText.pad` ends them in an ellipsis), noted on the grid for the
        // tests that check every cut on every screen shows one.
        func noteCuts(_ cells: [String], y row: Int) {
            var cx = x
            for (i, w) in widths.enumerated() {
                if i > 0 { cx += 1 }
                if i < cells.count, w > 0, TerminalText.cells(cells[i]) > w, cx + w <= x + width {
                    let shown = TerminalText.cells(TerminalText.truncate(cells[i], to: w))
                    canvas.grid.note(.init(x: cx, y: row, limit: cx + w, ellipsisAt: columns[i].right ? cx + w - 1 : cx + shown - 1))
                }
                cx += w
            }
        }
        let header = line(columns.map(\.title))
        noteCuts(columns.map(\.title), y: y)
        canvas.text(header, x: x, y: y, style: .header, width: width)
        for i in 0..<min(body, rows.count - offset) {
            let r = offset + i
            let isSelected = r == selected
            // Without focus the selection stays visible, bold, so the eye can find it again.
            let style: Style = isSelected ? (focused ? .selected : .accent) : (styles?[r] ?? .normal)
            if isSelected && focused { canvas.grid.fill(x: x, y: y + 1 + i, width: width, height: 1, style: .selected) }
            canvas.text(line(rows[r]), x: x, y: y + 1 + i, style: style, width: width)
            noteCuts(rows[r], y: y + 1 + i)
            if let hitList { canvas.hit(.row(hitList, firstRow + r), x: x, y: y + 1 + i, width: width) }
        }
        // Where the selection is in a long list, when the header has room for it (never over a title).
        if all > body, body > 0 {
            let free = width - TerminalText.cells(header.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
            if free > TerminalText.cells(label) { canvas.text(label, x: x + width - TerminalText.cells(label), y: y, style: .dim) }
        }
    }
}
