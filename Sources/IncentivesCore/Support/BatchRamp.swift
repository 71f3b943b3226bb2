/// Batch sizes that start small and double up to the full size: the first batch of a pipeline is what the next
/// stage waits for before it can start at all (an ingest's writer waited ~0.2 s for the first 50,000 lines to be
/// parsed and evaluated), and after a few batches the full size's savings per batch apply again.
/// Sizes at or below `first` are used as given, so that small `--batch` values mean exactly what they say.
public struct BatchRamp: Sendable {
    public static let first = 8_192
    public let full: Int
    public private(set) var current: Int

    public init(full: Int) {
        self.full = max(1, full)
        current = min(self.full, Self.first)
    }

    /// After a batch is handed on: the next one may be twice as large.
    public mutating func grow() { current = current > full / 2 ? full : current * 2 } // never past `full`, never overflowing
}
