import Foundation

/// Asks the data source for changes on its own thread, so a slow query never delays a key press: after each look
/// it waits for the data's word that something may have arrived (`ConsoleData.waitForChanges`: a timer on SQLite,
/// LISTEN/NOTIFY on PostgreSQL).
/// The UI thread takes what arrived between key reads (`take()`); the two share only this inbox.
final class LivePoller: @unchecked Sendable { // `inbox`, `cursor` and `stopped` are guarded by `lock`
    private let data: any ConsoleData
    private let lock = NSLock()
    private var inbox: [LiveChanges] = []
    private var cursor = LiveCursor.start
    private var stopped = false
    private let interval: TimeInterval

    init(data: any ConsoleData, interval: TimeInterval = 0.25) {
        self.data = data
        self.interval = interval
    }

    func start() {
        let thread = Thread { [self] in
            // The first look always; after it, only when the data says something may have arrived (every
            // `interval` when it cannot tell, as on SQLite; at once on a PostgreSQL NOTIFY, and not otherwise).
            var due = true
            var shown: LiveChanges?
            var failed = false
            while true {
                lock.lock()
                let (from, stop) = (cursor, stopped)
                lock.unlock()
                if stop { return }
                if due {
                    let changes = data.changes(since: from, limit: LiveState.keep)
                    lock.lock()
                    if changes.changesTheScreen(after: shown) {
                        inbox.append(changes)
                        shown = changes
                    }
                    cursor = changes.cursor
                    failed = changes.failed
                    lock.unlock()
                }
                // A failed look is tried again after the wait whatever the signal says: its news may be lost.
                due = data.waitForChanges(upTo: interval) || failed
            }
        }
        thread.name = "console-live"
        thread.start()
    }

    /// What arrived since the last call, oldest first.
    func take() -> [LiveChanges] {
        lock.lock(); defer { lock.unlock() }
        defer { inbox.removeAll() }
        return inbox
    }

    func stop() {
        lock.lock(); stopped = true; lock.unlock()
    }
}
