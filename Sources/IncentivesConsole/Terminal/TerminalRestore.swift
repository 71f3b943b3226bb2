#if canImport(Glibc)
import Glibc
#endif
import CNcursesw

/// Puts the terminal back the way it was, whatever ends the program: quit, Ctrl-C, SIGTERM, or a
/// crash (`fatalError` is SIGILL on x86_64, a bad pointer SIGSEGV). The handlers call `endwin` and then
/// re-raise the signal with the action that was there before (Swift's backtracer, or the default),
/// so the process still dies the way it would have, only with a usable terminal.
enum TerminalRestore {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGILL, SIGABRT, SIGBUS, SIGFPE]

    /// The actions in place before ours, indexed by signal number. Raw memory, allocated once, so the
    /// handler reads it without touching Swift's runtime.
    nonisolated(unsafe) private static let previous: UnsafeMutablePointer<sigaction> = {
        let p = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
        p.initialize(repeating: sigaction(), count: 65)
        return p
    }()
    nonisolated(unsafe) private static var installed = false

    static func install() {
        guard !installed else { return }
        installed = true
        _ = previous
        for sig in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { sig in
                endwin()
                sigaction(sig, TerminalRestore.previous + Int(sig), nil)
                raise(sig)
            }
            sigemptyset(&action.sa_mask)
            action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND) | Int32(truncatingIfNeeded: SA_NODEFER)
            sigaction(sig, &action, previous + Int(sig))
        }
    }

    /// Gives the signals back to whoever had them (after a normal quit).
    static func uninstall() {
        guard installed else { return }
        installed = false
        for sig in signals { sigaction(sig, previous + Int(sig), nil) }
    }
}
