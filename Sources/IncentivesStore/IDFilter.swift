import CMemoryHints
import IncentivesCore

/// A Bloom filter over the event ids an ingest accepted: it answers "certainly not accepted" or "perhaps".
///
/// The ingest keeps only the most recent ids in memory (`Ingestor.Options.maxIDsInMemory`), so that its memory
/// does not grow with the file; older ids are in the database, whose unique index on `events.id` is the real
/// answer. Asking it about every new event would cost a look-up per line, and nearly all of them would find
/// nothing, so this filter stands in front of it: only the ids it has perhaps seen (repeats, and a fraction of
/// new ids that grows with the ids held) are looked up. Its size is fixed; a wrong "perhaps" costs a look-up,
/// never a wrong verdict.
///
/// Blocked: each id sets `bitsPerID` bits in one 64-bit word, so an answer costs one cache miss.
struct IDFilter {
    private var words: [UInt64]
    private let mask: Int
    static let bitsPerID = 4

    /// `bytes`: rounded down to a power of two, at least 8.
    init(bytes: Int) {
        var n = 1
        while n * 2 * 8 <= bytes { n *= 2 }
        words = Array(repeating: 0, count: n)
        mask = n - 1
    }

    /// The word and the bits of an id. The digest's high half picks the word, its low half the bits.
    @inline(__always)
    private func slot(_ d: IDDigest) -> (Int, UInt64) {
        var bits: UInt64 = 0
        var h = d.low
        for _ in 0..<Self.bitsPerID {
            bits |= 1 << (h & 63)
            h >>= 6
        }
        return (Int(truncatingIfNeeded: d.high) & mask, bits)
    }

    /// Starts loading the word an id's answer is in (a hint for a look-up a few events later).
    func prefetch(_ d: IDDigest) {
        let (i, _) = slot(d)
        words.withUnsafeBufferPointer { incentives_prefetch($0.baseAddress! + i) }
    }

    mutating func insert(_ d: IDDigest) {
        let (i, bits) = slot(d)
        words[i] |= bits
    }

    /// False: `d` was never inserted. True: it perhaps was.
    func mightContain(_ d: IDDigest) -> Bool {
        let (i, bits) = slot(d)
        return words[i] & bits == bits
    }
}
