import IncentivesText
/// A column of a `Table`: fixed width, or a share of what is left.
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

    public init(columns: [Column], rows: [[String]], styles: [Style]? = nil, selected: Int? = nil, focused: Bool = true) {
        self.columns = columns
        self.rows = rows
        self.styles = styles
        self.selected = selected
        self.focused = focused
    }

    public static func widths(_ columns: [Column], total: Int) -> [Int] {
        let gaps = max(columns.count - 1, 0)
        let fixed = columns.reduce(0) { $0 + $1.width } + gaps
        let flexCount = columns.filter(\.flex).count
        let spare = max(total - fixed, 0)
        var extra = flexCount > 0 ? spare / flexCount : 0
        var remainder = flexCount > 0 ? spare % flexCount : 0
        return columns.map { c in
            guard c.flex else { return c.width }
            defer { remainder = max(remainder - 1, 0) }
            let w = c.width + extra + (remainder > 0 ? 1 : 0)
            if flexCount == 1 { extra = 0 }
            return w
        }
    }

    /// The first visible row for a selection in a body of `height` rows.
    public static func scrollOffset(selected: Int?, count: Int, height: Int) -> Int {
        guard let s = selected, height > 0, count > height else { return 0 }
        return min(max(0, s - height + 1 + (s + 1 < count ? 1 : 0)), count - height)
    }

    public func draw(on canvas: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        guard height > 0, width > 0 else { return }
        let widths = Table.widths(columns, total: width)
        func line(_ cells: [String]) -> String {
            var out = ""
            for (i, w) in widths.enumerated() {
                if i > 0 { out += " " }
                out += TerminalText.pad(i < cells.count ? cells[i] : "", to: w, right: columns[i].right)
            }
            return out
        }
        let header = line(columns.map(\.title))
        canvas.text(header, x: x, y: y, style: .header, width: width)
        let body = height - 1
        let offset = Table.scrollOffset(selected: selected, count: rows.count, height: body)
        for i in 0..<min(body, rows.count - offset) {
            let r = offset + i
            let isSelected = r == selected
            // Without focus the selection stays visible, bold, so the eye can find it again.
            let style: Style = isSelected ? (focused ? .selected : .accent) : (styles?[r] ?? .normal)
            if isSelected && focused { canvas.grid.fill(x: x, y: y + 1 + i, width: width, height: 1, style: .selected) }
            canvas.text(line(rows[r]), x: x, y: y + 1 + i, style: style, width: width)
        }
        // Where the selection is in a long list, when the header has room for it (never over a title).
        if rows.count > body, body > 0 {
            let label = " \((selected ?? 0) + 1)/\(rows.count)"
            let free = width - TerminalText.cells(header.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
            if free > TerminalText.cells(label) { canvas.text(label, x: x + width - TerminalText.cells(label), y: y, style: .dim) }
        }
    }
}
