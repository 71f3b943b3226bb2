import Foundation

/// A value worked out on a thread of its own while the caller gets on with something else; `value()` waits for it
/// and rethrows what its work threw. `replay` decodes the roster this way while its reader parses the first events.
final class Pending<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    /// Starts `work` at once on a new thread.
    init(_ work: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            result = Result { try work() }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Already worked out (no thread).
    init(value: Value) { result = .success(value) }

    /// Waits for the work (once) and returns its value or throws its error, as often as asked.
    func value() throws -> Value {
        if result == nil {
            done.wait()
            done.signal() // later calls pass straight through
        }
        return try result!.get()
    }
}
