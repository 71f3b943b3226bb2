/// Moving a selection through a list of `count` rows with the generic keys.
public enum Selection {
    public static func move(_ index: Int, _ action: Action, count: Int, page: Int = 10) -> Int {
        guard count > 0 else { return 0 }
        let i: Int
        switch action {
        case .up: i = index - 1
        case .down: i = index + 1
        case .pageUp: i = index - page
        case .pageDown: i = index + page
        case .top: i = 0
        case .bottom: i = count - 1
        default: i = index
        }
        return min(max(i, 0), count - 1)
    }

    public static func isMove(_ action: Action) -> Bool {
        [.up, .down, .pageUp, .pageDown, .top, .bottom].contains(action)
    }
}

/// A one-line text field (the `/` filter): typed characters, Backspace, Enter applies, Esc cancels.
public struct TextField: Sendable, Equatable {
    public var text = ""
    public var editing = false

    public enum Outcome { case editing, applied, cancelled }

    public init(text: String = "") { self.text = text }

    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .enter: editing = false; return .applied
        case .escape: editing = false; return .cancelled
        case .backspace: if !text.isEmpty { text.removeLast() }; return .editing
        case .character(let c) where !c.isNewline: text.append(c); return .editing
        default: return .editing
        }
    }
}
