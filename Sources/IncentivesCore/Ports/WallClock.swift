import Foundation

/// Where a component that stamps rows with the time reads it (ARCHITECTURE: the clock port). Long-running
/// components ask it at each write, never once at start: a worker that ran for a day stamped every delivery row
/// with the moment it started. Tests move a `ManualClock` instead of sleeping.
public protocol WallClock: Sendable {
    /// Seconds since 1970-01-01T00:00:00Z.
    func now() -> Double
}

/// The machine's clock.
public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Double { Date().timeIntervalSince1970 }
}

/// A clock a test sets and moves by hand.
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double

    public init(_ seconds: Double) { self.seconds = seconds }

    public func now() -> Double { lock.withLock { seconds } }
    public func advance(by s: Double) { lock.withLock { seconds += s } }
}
