import Foundation
import Testing
import IncentivesCore
import IncentivesDelivery

/// A next attempt that is no instant (NaN, ∞) never keeps a sender looping (issue 21: a reader once set NaN through
/// the retry function, and a non-watch `deliver` then ran 6,607 transactions in 5 s without end). PostgreSQL now
/// refuses such a value (`PostgresReaderLockTests`); the sender does not trust any store to.
@Suite("deliver: a non-finite next attempt ends the run instead of looping")
struct NonFiniteRetryTests {
    @Test(arguments: [Double.nan, -Double.infinity])
    func drainReturns(next: Double) throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret)
        defer { receiver.stop() }
        let queue = Fixtures.queue([Fixtures.achievement(1)])
        let row = try #require(try queue.due(partners: ["pillowco"], at: 0, limit: 1).first)
        try queue.recordFailedAttempt(row.id, error: "HTTP 500", next: next, at: 0)
        nonisolated(unsafe) let deliverer = Fixtures.deliverer(queue, receiver: receiver) // used by the one thread below only
        let done = DispatchSemaphore(value: 0)
        Thread { _ = try? deliverer.drain(); done.signal() }.start()
        #expect(done.wait(timeout: .now() + 10) == .success, "drain still running after 10 s with next attempt \(next)")
    }
}
