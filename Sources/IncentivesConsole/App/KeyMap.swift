/// What a key does. Screens interpret the generic moves; the rest are specific.
public enum Action: Hashable, Sendable {
    case back, quit, help, refresh, switchTo(ScreenID), nextScreen, previousScreen
    case up, down, pageUp, pageDown, top, bottom, open, filter, clearFilter
    case sortNext, sortReverse
    case simLog, simNextDay, simPastDay, simMoreDaysBack, simFewerDaysBack, left, right, simBirth, simStreak, simNewUser, simZone, simCategory, simEmployer, simReset
    case simTimeNext, simTypeTime, simTypeDate, simResend, simConflict, simExport, simDSTDay
    case liveFreeze
    case retry, focusNext
    case why, stateFilter, stateMore, stateLess
    case versions, preview, report, programAchievements
    case reportProgram, export
    case copyID
}

/// Where a binding applies: everywhere, or on one screen.
public enum KeyScope: Hashable, Sendable {
    case global
    case screen(ScreenID)
}

/// One row of the key table. The footer hints and the help overlay are both drawn from `KeyMap.bindings`,
/// so they cannot disagree with what the keys do.
public struct KeyBinding: Sendable {
    public let keys: [Key]
    /// How the keys are written (`j/k`, `1-6`).
    public let label: String
    public let help: String
    public let action: Action
    public let scope: KeyScope
    /// Shown in the footer (short hint); everything is in the help overlay.
    public let hint: String?

    init(_ keys: [Key], _ label: String, _ help: String, _ action: Action, _ scope: KeyScope = .global, hint: String? = nil) {
        self.keys = keys
        self.label = label
        self.help = help
        self.action = action
        self.scope = scope
        self.hint = hint
    }
}

public enum KeyMap {
    private static func c(_ s: Character) -> Key { .character(s) }

    public static let bindings: [KeyBinding] = {
        var b: [KeyBinding] = [
            KeyBinding([.up, c("k")], "↑/k", "move up", .up),
            KeyBinding([.down, c("j")], "↓/j", "move down", .down, hint: "move"),
            KeyBinding([.pageUp], "PgUp", "page up", .pageUp),
            KeyBinding([.pageDown, c(" ")], "PgDn", "page down", .pageDown),
            KeyBinding([.home, c("g")], "g/Home", "first row", .top),
            KeyBinding([.end, c("G")], "G/End", "last row", .bottom),
            KeyBinding([.enter], "Enter", "open the selected row", .open, hint: "open"),
            KeyBinding([.escape], "Esc", "back out: close, clear", .back, hint: "back"),
            KeyBinding([c("q")], "q", "back out; quit at the top", .quit, hint: "quit"),
            KeyBinding([c("/")], "/", "filter / search", .filter, hint: "filter"),
            KeyBinding([c("?")], "?", "this help", .help, hint: "help"),
            KeyBinding([.function(5), c("\u{12}")], "F5/^R", "refresh now", .refresh),
            KeyBinding([.tab], "Tab", "next screen", .nextScreen),
            KeyBinding([.backTab], "S-Tab", "previous screen", .previousScreen),
            KeyBinding([c("y")], "y", "copy the selected id", .copyID),
        ]
        for s in ScreenID.allCases {
            b.append(KeyBinding([c(Character(String(s.rawValue)))], String(s.rawValue), "go to \(s.title)", .switchTo(s)))
        }
        let ach = KeyScope.screen(.achievements)
        b += [
            KeyBinding([c("s")], "s", "sort by the next column", .sortNext, ach, hint: "sort"),
            KeyBinding([c("r")], "r", "reverse the order", .sortReverse, ach, hint: "reverse"),
            KeyBinding([c("x")], "x", "clear the filter", .clearFilter, ach),
        ]
        let sim = KeyScope.screen(.simulator)
        b += [
            KeyBinding([c("l")], "l", "log data now (the category)", .simLog, sim, hint: "log"),
            KeyBinding([c("n")], "n", "next day", .simNextDay, sim, hint: "next day"),
            KeyBinding([c("p")], "p", "log for a past day (late)", .simPastDay, sim, hint: "late"),
            KeyBinding([c("b")], "b", "report a birth", .simBirth, sim, hint: "birth"),
            KeyBinding([c("s")], "s", "play the days that earn the reward", .simStreak, sim, hint: "play"),
            KeyBinding([c("c")], "c", "next category", .simCategory, sim, hint: "category"),
            // Help texts of at most 26 cells: the help's two columns at 80×24 show them whole.
            KeyBinding([c("t")], "t", "later time: 23:55, 00:05…", .simTimeNext, sim),
            KeyBinding([c("T")], "T", "type a time of day HH:MM", .simTypeTime, sim),
            KeyBinding([c("d")], "d", "type a day (YYYY-MM-DD)", .simTypeDate, sim),
            KeyBinding([c("a")], "a", "duplicate the last event", .simResend, sim),
            KeyBinding([c("A")], "A", "same id, other content", .simConflict, sim),
            KeyBinding([c("u")], "u", "new test user", .simNewUser, sim),
            KeyBinding([c("e")], "e", "this user: next employer", .simEmployer, sim),
            KeyBinding([c("z")], "z", "new user, next time zone", .simZone, sim),
            KeyBinding([c("/")], "/", "new user in a zone you type", .filter, sim),
            KeyBinding([c("+")], "+", "p goes a day further back", .simMoreDaysBack, sim),
            KeyBinding([c("-")], "-", "p goes a day less back", .simFewerDaysBack, sim),
            KeyBinding([.left], "←", "previous test user", .left, sim),
            KeyBinding([.right], "→", "next test user", .right, sim),
            KeyBinding([c("R")], "R", "reset the sandbox", .simReset, sim),
            KeyBinding([c("x")], "x", "export for replay (files)", .simExport, sim),
            KeyBinding([c("D")], "D", "eve of the next DST change", .simDSTDay, sim),
        ]
        b.append(KeyBinding([c("v")], "v", "catalog versions and what each changed", .versions, .screen(.programs), hint: "versions"))
        b.append(KeyBinding([c("p")], "p", "preview a proposed catalog (a file) over the events", .preview, .screen(.programs), hint: "preview"))
        // No footer hint (the footer's room is spent); `?` lists it and the pane names itself.
        b.append(KeyBinding([c("r")], "r", "participation and cost per month (incentives report)", .report, .screen(.programs)))
        // Enter on a program opens its report (screen 7); its achievements, which Enter opened before, are `a`.
        b.append(KeyBinding([c("a")], "a", "the program's achievements", .programAchievements, .screen(.programs)))
        let rep = KeyScope.screen(.reports)
        b += [
            KeyBinding([.right, c("l")], "→/l", "next employer", .right, rep, hint: "employer"),
            KeyBinding([.left, c("h")], "←/h", "previous employer", .left, rep),
            KeyBinding([c("p")], "p", "next program of the employer", .reportProgram, rep, hint: "program"),
            KeyBinding([c("e")], "e", "export the table as CSV (a new file)", .export, rep, hint: "export"),
        ]
        b.append(KeyBinding([c("f")], "f", "freeze / follow", .liveFreeze, .screen(.live), hint: "freeze"))
        b.append(KeyBinding([c("r")], "r", "retry the failed delivery", .retry, .screen(.deliveries), hint: "retry"))
        b.append(KeyBinding([.right, .left, c("l"), c("h")], "←/→", "partners / failures pane", .focusNext, .screen(.deliveries), hint: "pane"))
        b.append(KeyBinding([c("x")], "x", "clear the search", .clearFilter, .screen(.users)))
        b.append(KeyBinding([c("x")], "x", "clear the filter", .clearFilter, .screen(.programs)))
        b.append(KeyBinding([c("f")], "f", "find users by state", .stateFilter,
                            .screen(.users), hint: "state"))
        b.append(KeyBinding([c("+")], "+", "state: one day more", .stateMore, .screen(.users)))
        b.append(KeyBinding([c("-")], "-", "state: one day less", .stateLess, .screen(.users)))
        b.append(KeyBinding([c("w")], "w", "why: each event's effect on a reward (j/k picks the reward)", .why, .screen(.users), hint: "why"))
        return b
    }()

    /// The action for a key on a screen: the screen's own bindings win over the global ones.
    public static func action(for key: Key, on screen: ScreenID) -> Action? {
        if let b = bindings.first(where: { $0.scope == .screen(screen) && $0.keys.contains(key) }) { return b.action }
        return bindings.first(where: { $0.scope == .global && $0.keys.contains(key) })?.action
    }

    /// Global actions a screen has no use for: never promised in its footer or help (a test walks every
    /// screen and presses every key listed there, and fails on one that changes nothing).
    static let unusedGlobally: [ScreenID: Set<Action>] = [
        .simulator: [.open, .top, .bottom, .pageUp, .pageDown],
        .live: [.open, .filter, .up, .down, .pageUp, .pageDown, .top, .bottom, .copyID],
        .deliveries: [.filter],
        .reports: [.filter],
    ]

    /// The bindings in effect on a screen: its own, then the global ones that it uses and that none of its
    /// own keys shadows (the simulator's `/` is its own, so the global `/ filter` is not listed there).
    public static func bindings(for screen: ScreenID) -> (own: [KeyBinding], global: [KeyBinding]) {
        let own = bindings.filter { $0.scope == .screen(screen) }
        let ownKeys = Set(own.flatMap(\.keys))
        let unused = unusedGlobally[screen] ?? []
        let global = bindings.filter { b in
            b.scope == .global && !unused.contains(b.action) && !b.keys.allSatisfy(ownKeys.contains)
        }
        return (own, global)
    }

    /// Footer hints for a screen: its own first, then the global ones.
    public static func hints(for screen: ScreenID) -> [(String, String)] {
        let (own, global) = bindings(for: screen)
        return (own + global).filter { $0.hint != nil }.map { ($0.label, $0.hint!) }
    }
}
