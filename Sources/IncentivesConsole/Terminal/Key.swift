/// A key press, decoded from ncurses (or built by tests and the benchmark).
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right, pageUp, pageDown, home, end
    case enter, escape, backspace, tab, backTab
    case resize
    case function(Int)
    /// A mouse event at a cell (0-based, column `x`, row `y`), decoded by the backend from ncurses' `KEY_MOUSE`.
    case mouse(x: Int, y: Int, kind: MouseKind)
    case unknown

    /// How the key is written in the footer and the help overlay.
    public var label: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Bksp"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .resize: return "resize"
        case .function(let n): return "F\(n)"
        case .mouse(_, _, let kind): return kind.label
        case .unknown: return "?"
        }
    }
}

/// What the mouse did: the left button clicked (once or twice), or the wheel turned a notch.
public enum MouseKind: Hashable, Sendable {
    case click, doubleClick, wheelUp, wheelDown

    public var label: String {
        switch self {
        case .click: return "click"
        case .doubleClick: return "double-click"
        case .wheelUp: return "wheel up"
        case .wheelDown: return "wheel down"
        }
    }
}
