/// What views draw on: the cell grid plus the glyphs this terminal can show.
public struct Canvas {
    public var grid: CellGrid
    public let glyphs: Glyphs
    /// What a mouse click at a cell would hit: the tabs and the rows of the lists drawn, recorded as they are
    /// drawn (later entries win: an overlay drawn last covers what is under it).
    public var hits: [Hit] = []

    public init(width: Int, height: Int, glyphs: Glyphs) {
        grid = CellGrid(width: width, height: height)
        self.glyphs = glyphs
    }

    public var width: Int { grid.width }

    /// Records that the cells `x..<x+width` of row `y` stand for `target`.
    public mutating func hit(_ target: HitTarget, x: Int, y: Int, width: Int) {
        guard width > 0, y >= 0, y < height else { return }
        hits.append(Hit(x: x, y: y, width: width, target: target))
    }

    /// What the cell at (x, y) stands for, if anything.
    public func target(x: Int, y: Int) -> HitTarget? {
        hits.last { $0.y == y && x >= $0.x && x < $0.x + $0.width }?.target
    }
    public var height: Int { grid.height }

    @discardableResult
    public mutating func text(_ s: String, x: Int, y: Int, style: Style = .normal, width: Int? = nil) -> Int {
        grid.put(glyphs == .ascii ? Glyphs.asciiOnly(s) : s, x: x, y: y, style: style, maxWidth: width, ellipsis: Character(glyphs.ellipsis))
    }

    /// A section title over a horizontal rule: `── Progress ─────`.
    public mutating func rule(_ title: String, x: Int, y: Int, width: Int) {
        let h = glyphs.horizontal
        grid.put(String(repeating: h, count: max(width, 0)), x: x, y: y, style: .dim, maxWidth: width, ellipsis: nil)
        if !title.isEmpty { text(" " + title + " ", x: x + 2, y: y, style: .header, width: max(width - 2, 0)) }
    }

    /// A framed box with a title, cleared inside (overlays).
    public mutating func box(_ title: String, x: Int, y: Int, width w: Int, height h: Int) {
        guard w >= 2, h >= 2 else { return }
        grid.fill(x: x, y: y, width: w, height: h)
        let g = glyphs
        let inner = String(repeating: g.horizontal, count: w - 2)
        grid.put(g.topLeft + inner + g.topRight, x: x, y: y, style: .accent, ellipsis: nil)
        for row in (y + 1)..<(y + h - 1) {
            grid.put(g.vertical, x: x, y: row, style: .accent)
            grid.put(g.vertical, x: x + w - 1, y: row, style: .accent)
        }
        grid.put(g.bottomLeft + inner + g.bottomRight, x: x, y: y + h - 1, style: .accent, ellipsis: nil)
        if !title.isEmpty { text(" " + title + " ", x: x + 2, y: y, style: .header, width: w - 4) }
    }
}

/// The lists a click can select a row in.
public enum HitList: Hashable, Sendable {
    case programs, users, userAchievements, achievements, partners, failures
}

/// What a cell on screen stands for: a tab of the tab bar, or a row of a list (its index in the whole list,
/// as the screen's selection counts it).
public enum HitTarget: Hashable, Sendable {
    case tab(ScreenID)
    case row(HitList, Int)
}

public struct Hit: Hashable, Sendable {
    public let x: Int
    public let y: Int
    public let width: Int
    public let target: HitTarget
}
