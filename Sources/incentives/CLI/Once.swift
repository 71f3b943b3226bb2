import Foundation

/// A value made once, by whichever thread asks first, then shared: `replay`'s intake, which its reader thread
/// (admission) and its main thread (the engines) both use, and which can only be made once the roster is decoded.
/// A failure is kept too, and thrown to every caller.
final class Once<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var made: Result<Value, any Error>?
    private let make: () throws -> Value

    init(_ make: @escaping () throws -> Value) { self.make = make }

    func value() throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if made == nil { made = Result { try make() } }
        return try made!.get()
    }
}
