#if canImport(Glibc)
import Glibc
#endif
import CNcursesw

/// The only code that talks to ncurses: starts and ends curses mode, reads keys with a timeout,
/// and flushes a `CellGrid` to the screen. ncurses is not thread-safe, so one thread owns this.
public final class CursesBackend {
    public enum StartError: Error, CustomStringConvertible {
        case unusableTerminal(String)
        case notATerminal

        public var description: String {
            switch self {
            case .unusableTerminal(let term):
                return term.isEmpty
                    ? "TERM is not set: the console needs a terminal type (try TERM=xterm-256color)"
                    : "the terminal type \"\(term)\" cannot run the console (unknown to terminfo or too limited; try TERM=xterm-256color)"
            case .notATerminal:
                return "the console needs a terminal: standard input and output must be a TTY"
            }
        }
    }

    public let glyphs: Glyphs
    private let screen: OpaquePointer
    private var theme: Theme
    private var shown: CellGrid?
    private var ended = false

    /// Starts curses mode. Fails (without touching the screen) on TERM=dumb, unknown or unset, and
    /// when stdin/stdout are not a terminal.
    public init(keyTimeoutMilliseconds: Int32 = 100, mouse: Bool = true) throws(StartError) {
        let utf8 = TerminalEnvironment.prepareLocale()
        guard isatty(0) == 1, isatty(1) == 1 else { throw .notATerminal }
        let term = getenv("TERM").map { String(cString: $0) } ?? ""
        // `initscr` exits the process on a terminal it cannot use; `newterm` returns NULL instead.
        // "dumb" has no cursor addressing: newterm accepts it but nothing would draw.
        // Our handlers go in first: ncurses then leaves SIGINT/SIGTERM alone (it only takes them when they
        // are at their defaults, and its own handler exits with status 1 instead of dying by the signal).
        TerminalRestore.install()
        guard !term.isEmpty, term != "dumb", let s = newterm(nil, cn_stdout(), cn_stdin()) else {
            TerminalRestore.uninstall()
            throw .unusableTerminal(term)
        }
        screen = s
        set_term(s)
        glyphs = utf8 ? .unicode : .ascii
        // Esc must respond at once: ncurses waits a second by default to see if a sequence follows.
        if getenv("ESCDELAY") == nil { set_escdelay(25) }
        cbreak()
        noecho()
        nonl()
        intrflush(cn_stdscr(), false)
        keypad(cn_stdscr(), true)
        curs_set(0)
        wtimeout(cn_stdscr(), keyTimeoutMilliseconds)
        // Clicks and the wheel. endwin turns the terminal's mouse reporting off again, on every path that
        // restores the terminal (quit, and the signal handlers).
        if mouse {
            mousemask(cn_mouse_mask(), nil)
            mouseinterval(200)
        }
        var colour = false
        if has_colors() && !TerminalEnvironment.noColor {
            start_color()
            use_default_colors()
            colour = cn_colors() >= 8
        }
        theme = Theme(colour: colour)
        TerminalRestore.captureStderr()
    }

    public var size: (width: Int, height: Int) { (Int(cn_cols()), Int(cn_lines())) }

    /// Waits up to the key timeout for a key; nil when none came (time to refresh live data).
    public func readKey() -> Key? {
        var ch: wint_t = 0
        let r = wget_wch(cn_stdscr(), &ch)
        if r == ERR { return nil }
        if r == KEY_CODE_YES {
            switch Int32(ch) {
            case KEY_UP: return .up
            case KEY_DOWN: return .down
            case KEY_LEFT: return .left
            case KEY_RIGHT: return .right
            case KEY_PPAGE: return .pageUp
            case KEY_NPAGE: return .pageDown
            case KEY_HOME: return .home
            case KEY_END: return .end
            case KEY_ENTER: return .enter
            case KEY_BACKSPACE: return .backspace
            case KEY_BTAB: return .backTab
            case KEY_RESIZE: return .resize
            case KEY_MOUSE:
                var event = MEVENT()
                guard getmouse(&event) == OK else { return nil }
                switch cn_mouse_kind(event.bstate) {
                case 1: return .mouse(x: Int(event.x), y: Int(event.y), kind: .click)
                case 2: return .mouse(x: Int(event.x), y: Int(event.y), kind: .doubleClick)
                case 3: return .mouse(x: Int(event.x), y: Int(event.y), kind: .wheelUp)
                case 4: return .mouse(x: Int(event.x), y: Int(event.y), kind: .wheelDown)
                default: return nil   // a release after a press already taken, or a button we do not use
                }
            case KEY_F0 + 1 ... KEY_F0 + 12: return .function(Int(Int32(ch) - KEY_F0))
            default: return .unknown
            }
        }
        switch ch {
        case 27: return .escape
        case 10, 13: return .enter
        case 9: return .tab
        case 8, 127: return .backspace
        default:
            guard let scalar = Unicode.Scalar(UInt32(ch)) else { return .unknown }
            return .character(Character(scalar))
        }
    }

    /// Shows a grid. Only rows that changed since the last frame are written; ncurses then sends the
    /// terminal only the cells that differ. After a resize pass `clear: true` to repaint everything.
    public func draw(_ grid: CellGrid, clear: Bool = false) {
        let win = cn_stdscr()
        if clear || shown?.width != grid.width || shown?.height != grid.height {
            clearok(win, true)
            shown = nil
        }
        var buffer: [wchar_t] = []
        buffer.reserveCapacity(grid.width * 2)
        for y in 0..<grid.height {
            if let old = shown, old.cells[y * grid.width ..< (y + 1) * grid.width] == grid.cells[y * grid.width ..< (y + 1) * grid.width] {
                continue
            }
            var x = 0
            while x < grid.width {
                let style = grid[x, y].style
                let start = x
                buffer.removeAll(keepingCapacity: true)
                while x < grid.width, grid[x, y].style == style {
                    let cell = grid[x, y]
                    if !cell.isContinuation {
                        for u in cell.character.unicodeScalars { buffer.append(wchar_t(bitPattern: u.value)) }
                    }
                    x += 1
                }
                cn_attrset(win, theme.attribute(style))
                // The bottom-right cell makes waddnwstr report ERR (the cursor cannot advance); the
                // character is drawn all the same.
                _ = buffer.withUnsafeBufferPointer { mvwaddnwstr(win, Int32(y), Int32(start), $0.baseAddress, Int32($0.count)) }
            }
        }
        cn_attrset(win, cn_a_normal())
        wnoutrefresh(win)
        doupdate()
        shown = grid
    }

    /// Puts `text` on the terminal's clipboard (OSC 52), written to the terminal after the frame ncurses sent.
    public func copyToClipboard(_ text: String) {
        Clipboard(insideTmux: getenv("TMUX") != nil) { bytes in
            bytes.withUnsafeBytes { raw in
                var done = 0
                while done < raw.count {
                    let n = Glibc.write(1, raw.baseAddress! + done, raw.count - done)
                    if n < 0 { if errno == EINTR { continue } else { return } }
                    done += n
                }
            }
        }.copy(text)
    }

    /// Leaves curses mode and restores the terminal. Safe to call twice.
    public func end() {
        guard !ended else { return }
        ended = true
        mousemask(0, nil)
        endwin()
        delscreen(screen)
        TerminalRestore.releaseStderr()
        TerminalRestore.uninstall()
    }

    deinit { end() }
}
