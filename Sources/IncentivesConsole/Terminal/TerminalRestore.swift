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
                TerminalRestore.releaseStderr()
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

    // MARK: - stderr while curses owns the screen

    /// The real stderr, and the file that stands in for it while curses draws (anything written to the
    /// terminal then would be drawn over, and lost when the alternate screen goes away: a fatalError's
    /// message, a library's warning). Raw descriptors, so the signal handlers can use them.
    nonisolated(unsafe) private static var savedStderr: Int32 = -1
    nonisolated(unsafe) private static var captureFile: Int32 = -1

    /// Sends fd 2 to an unlinked temporary file until `releaseStderr()`.
    static func captureStderr() {
        guard savedStderr < 0 else { return }
        var template = Array("/tmp/incentives-console-stderr-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        let saved = dup(2)
        guard saved >= 0 else { close(fd); return }
        dup2(fd, 2)
        captureFile = fd
        savedStderr = saved
    }

    /// Puts the real stderr back and copies to it what was written meanwhile. Async-signal-safe
    /// (dup2, lseek, read, write, close only).
    static func releaseStderr() {
        let saved = savedStderr, file = captureFile
        guard saved >= 0 else { return }
        savedStderr = -1
        captureFile = -1
        dup2(saved, 2)
        close(saved)
        guard file >= 0 else { return }
        lseek(file, 0, SEEK_SET)
        var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0),
                      UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        withUnsafeMutableBytes(of: &buffer) { raw in
            while true {
                let n = read(file, raw.baseAddress, raw.count)
                if n <= 0 { break }
                _ = write(2, raw.baseAddress, n)
            }
        }
        close(file)
    }
}
