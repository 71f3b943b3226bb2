import Foundation
import IncentivesCore
import IncentivesSQL

/// "Anything new?" on PostgreSQL: a dedicated connection LISTENs on `incentives_changes`, which the triggers of
/// migration 3 notify when a transaction that inserted events or achievements commits (the ingest today, any
/// writer tomorrow). Asking reads what the socket holds without blocking (`PQconsumeInput`, `PQnotifies`) and
/// waits on the socket at most the time given, so the console's live thread wakes as a commit lands instead of on
/// a timer. LISTEN needs no privilege: a reader's login does it. If the connection is lost, every answer is
/// "maybe" after the wait (the console then polls, as on SQLite) and a new connection is tried every few seconds.
public final class PGChangeSignal: ChangeSignal {
    private let url: String
    private var c: PGConnection?
    private var lastAttempt = Date.distantPast

    /// Connects and LISTENs now, so that nothing committed after this returns is missed.
    public init(url: String) throws {
        self.url = url
        c = try Self.listen(url)
        lastAttempt = Date()
    }

    private static func listen(_ url: String) throws -> PGConnection {
        let c = try PGConnection(url: url)
        try c.exec("LISTEN \(PGSchema.changesChannel)")
        return c
    }

    public func anythingNew(waitingUpTo seconds: Double) -> Bool {
        if c == nil, Date().timeIntervalSince(lastAttempt) >= 5 {
            lastAttempt = Date()
            c = try? Self.listen(url)
            // What was committed while nobody listened is unknown: look.
            if c != nil { return true }
        }
        guard let c else {
            if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
            return true
        }
        do {
            return !(try c.notifications(waitingUpTo: seconds)).isEmpty
        } catch {
            self.c = nil
            return true
        }
    }
}
