import IncentivesCore

/// Putting a failed delivery back in the queue from a read screen: a read-write connection of its own,
/// opened on first use so that a console that never retries never holds one.
public final class StoreDeliveryRetry: DeliveryRetrying {
    private let path: String
    private var queue: StoreDeliveryQueue?

    public init(path: String) { self.path = path }

    public func retry(delivery id: String, at unixSeconds: Double) throws -> Bool {
        if queue == nil { queue = StoreDeliveryQueue(db: try Database(path: path, mode: .readWrite(create: false))) }
        return try queue!.retry(id, at: unixSeconds)
    }
}
