#if canImport(Glibc)
import Glibc
#endif

/// SIGINT and SIGTERM as a stop request for a long-running command (a stream ingest, `demo-feed`): the command
/// finishes what it holds and ends cleanly. Unblocked when installed: a parent (a test runner, a service manager)
/// may have left them blocked, and Ctrl-C must reach the command. `restore()` puts the previous handlers back.
struct StopSignals {
    /// Set by the handler; read by the command between units of work.
    nonisolated(unsafe) static var requested: sig_atomic_t = 0

    private let previousINT: sighandler_t?
    private let previousTERM: sighandler_t?

    static func install() -> StopSignals {
        requested = 0
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        return StopSignals(previousINT: signal(SIGINT) { _ in StopSignals.requested = 1 },
                           previousTERM: signal(SIGTERM) { _ in StopSignals.requested = 1 })
    }

    func restore() {
        signal(SIGINT, previousINT)
        signal(SIGTERM, previousTERM)
    }
}
