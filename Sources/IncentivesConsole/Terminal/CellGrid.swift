import IncentivesText
/// One terminal cell: a character and its style. A wide character occupies its cell and marks the
/// next one as a continuation, so that what the grid holds is exactly what the screen will show.
public struct Cell: Equatable, Sendable {
    public var character: Character
    public var style: Style
    /// The right half of a wide character drawn in the cell to its left.
    public var isContinuation: Bool

    public static let blank = Cell(character: " ", style: .normal, isContinuation: false)
}

/// The in-memory screen that views draw into. The ncurses backend flushes it; tests read it as text
/// (the idea of ratatui's TestBackend): views never talk to the terminal.
public struct CellGrid: Sendable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(width, 0)
        self.height = max(height, 0)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes text at (x, y), clipped to `maxWidth` columns and to the grid; returns the columns used.
    /// Text that does not fit ends in `ellipsis` in its last column (never a silent cut: `306 achi` read as a
    /// number); a wide character that would straddle the clip edge is left out. Only spaces cut off count as
    /// nothing lost (padding). Lines and frames pass `ellipsis: nil`: a rule cut at the edge loses nothing.
    ///
    /// Every string on the screen passes here, so this is where text from data is made safe: a control or
    /// bidi character (`\r`, `\b`, ESC in an id) is shown as its escape and never reaches the terminal.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, style: Style = .normal, maxWidth: Int? = nil, ellipsis: Character? = "…") -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let limit = min(width, x + (maxWidth ?? width))
        guard limit > x else { return 0 }
        let safe = TerminalText.safe(text)
        var col = x
        // Where each drawn character started, to take back room for the ellipsis.
        var starts: [Int] = []
        // Each character as the terminal draws it: a cluster of several code points that take columns (an emoji and
        // its skin tone) in parts, each in cells of its own, as ncurses writes them.
        var index = safe.startIndex
        outer: while index < safe.endIndex {
            let character = safe[index]
            let parts = character.unicodeScalars.count == 1 ? [(character: character, cells: TerminalText.cells(character))]
                : TerminalText.drawnParts(character)
            for (c, w) in parts {
                if w == 0 { continue }
                if col + w > limit {
                    let rest = safe[index...]
                    guard let ellipsis, !rest.allSatisfy({ $0 == " " }) else {
                        if col < limit, col >= 0 { clearWideNeighbour(x: col, y: y); self[col, y] = Cell(character: " ", style: style, isContinuation: false); col += 1 }
                        break outer
                    }
                    // Cut: the ellipsis takes the last column, replacing what is drawn there.
                    var edge = col
                    while edge + TerminalText.cells(ellipsis) > limit, let last = starts.popLast() { edge = last }
                    for clear in edge..<min(col, limit) where clear >= 0 { clearWideNeighbour(x: clear, y: y); self[clear, y] = Cell(character: " ", style: style, isContinuation: false) }
                    if edge >= 0, edge < limit {
                        clearWideNeighbour(x: edge, y: y)
                        self[edge, y] = Cell(character: ellipsis, style: style, isContinuation: false)
                        col = edge + 1
                    }
                    // A wide character's cell left empty beside the ellipsis is part of the cut.
                    while col < limit { if col >= 0 { clearWideNeighbour(x: col, y: y); self[col, y] = Cell(character: " ", style: style, isContinuation: false) }; col += 1 }
                    cuts.append(Cut(x: x, y: y, limit: limit, ellipsisAt: edge))
                    break outer
                }
                if col >= 0 {
                    clearWideNeighbour(x: col, y: y)
                    self[col, y] = Cell(character: c, style: style, isContinuation: false)
                    if w == 2 {
                        clearWideNeighbour(x: col + 1, y: y)
                        self[col + 1, y] = Cell(character: " ", style: style, isContinuation: true)
                    }
                }
                starts.append(col)
                col += w
            }
            index = safe.index(after: index)
        }
        return col - x
    }

    /// A text that did not fit in its columns: where it was drawn and the column of its ellipsis. Tests check that
    /// every cut on every screen shows one.
    public struct Cut: Equatable, Sendable {
        public let x: Int
        public let y: Int
        public let limit: Int
        public let ellipsisAt: Int
        public init(x: Int, y: Int, limit: Int, ellipsisAt: Int) {
            self.x = x
            self.y = y
            self.limit = limit
            self.ellipsisAt = ellipsisAt
        }
    }
    /// Every cut made on this grid, in order: by `put`, and those a table made in a cell (`note`).
    public private(set) var cuts: [Cut] = []
    public mutating func note(_ cut: Cut) { cuts.append(cut) }

    /// Overwriting half of a wide character leaves the other half as a plain space.
    private mutating func clearWideNeighbour(x: Int, y: Int) {
        let cell = self[x, y]
        if cell.isContinuation, x > 0 {
            self[x - 1, y] = Cell(character: " ", style: self[x - 1, y].style, isContinuation: false)
        } else if x + 1 < width, self[x + 1, y].isContinuation {
            self[x + 1, y] = Cell(character: " ", style: self[x + 1, y].style, isContinuation: false)
        }
    }

    /// Fills a rectangle with spaces in a style.
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, style: Style = .normal) {
        for row in max(y, 0)..<min(y + h, height) {
            for col in max(x, 0)..<min(x + w, width) {
                self[col, row] = Cell(character: " ", style: style, isContinuation: false)
            }
        }
    }

    /// Restyles a rectangle, keeping its characters (selection highlight).
    public mutating func restyle(x: Int, y: Int, width w: Int, height h: Int = 1, style: Style) {
        for row in max(y, 0)..<min(y + h, height) {
            for col in max(x, 0)..<min(x + w, width) { cells[row * width + col].style = style }
        }
    }

    /// One row as text, continuation cells skipped.
    public func row(_ y: Int) -> String {
        var s = ""
        for x in 0..<width where !self[x, y].isContinuation { s.append(self[x, y].character) }
        return s
    }

    /// The screen as text, trailing spaces trimmed: what golden tests compare.
    public var text: String {
        (0..<height).map { y in
            var r = row(y)
            while r.last == " " { r.removeLast() }
            return r
        }.joined(separator: "\n") + "\n"
    }
}
