import CMemoryHints
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A 128-bit digest of a string's UTF-8 bytes, stable across processes and machines.
///
/// Event ids are looked up once or twice per event; Swift's `Dictionary<String, _>` hashes with a
/// per-process seeded SipHash and keeps the strings, which costs most of the engine's time and much
/// of its memory at a million events. Two distinct ids share a digest with probability about
/// n²/2¹²⁹ — 10⁻²¹ for a billion ids — so the digest can stand for the id.
public struct IDDigest: Hashable, Sendable {
    public let high: UInt64
    public let low: UInt64

    public init(_ s: String) {
        var s = s
        self = s.withUTF8 { IDDigest(bytes: UnsafeRawBufferPointer($0)) }
    }

    public init(bytes: UnsafeRawBufferPointer) {
        var a: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        var b: UInt64 = 0xC2B2_AE3D_27D4_EB4F &+ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let w = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            a = IDDigest.mix(a ^ w) &* 0xFF51_AFD7_ED55_8CCD
            b = IDDigest.mix(b &+ w &* 0x9FB2_1C65_1E98_DF25) ^ (b >> 31)
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        a = IDDigest.mix(a ^ tail ^ 0x1F)
        b = IDDigest.mix(b &+ tail &* 0xC4CE_B9FE_1A85_EC53)
        high = IDDigest.mix(a ^ (b >> 17))
        low = IDDigest.mix(b ^ (a << 13) ^ 0x2545_F491_4F6C_DD1D)
    }

    /// MurmurHash3's 64-bit finaliser: every input bit affects every output bit.
    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var k = x
        k ^= k >> 33
        k = k &* 0xFF51_AFD7_ED55_8CCD
        k ^= k >> 33
        k = k &* 0xC4CE_B9FE_1A85_EC53
        k ^= k >> 33
        return k
    }
}

/// An open-addressing table from `IDDigest` to a 64-bit value: one 24-byte entry per key, stored
/// together so that a lookup costs one cache miss, and no reference counting.
public struct IDTable: Sendable {
    fileprivate struct Entry {
        var high: UInt64
        var low: UInt64
        var value: UInt64
    }

    /// Shared between copies until one of them writes (copy on write, as an array's buffer).
    private var storage: IDTableStorage
    public private(set) var count = 0
    private var mask: Int

    public init(capacity: Int = 0) {
        var size = 16
        while size < capacity * 10 / 7 + 1 { size <<= 1 }
        storage = IDTableStorage(size: size)
        mask = size - 1
    }

    /// The all-zero digest marks an empty entry, so a key that digests to zero is stored as (0, 1).
    @inline(__always)
    private static func stored(_ key: IDDigest) -> (UInt64, UInt64) {
        key.high == 0 && key.low == 0 ? (0, 1) : (key.high, key.low)
    }

    /// Starts loading the entry where `key`'s probe begins, so that a look-up issued a few keys later
    /// finds it in cache instead of waiting on memory (the table is far larger than the caches).
    @inline(__always)
    func prefetch(_ key: IDDigest) {
        let (_, l) = IDTable.stored(key)
        incentives_prefetch(storage.base + (Int(truncatingIfNeeded: l) & mask))
    }

    public func value(for key: IDDigest) -> UInt64? {
        let (h, l) = IDTable.stored(key)
        let e = storage.base
        var i = Int(truncatingIfNeeded: l) & mask
        while true {
            let entry = e[i]
            if entry.high == h && entry.low == l { return entry.value }
            if entry.high == 0 && entry.low == 0 { return nil }
            i = (i + 1) & mask
        }
    }

    /// Sets the value for a key (inserting or replacing).
    public mutating func set(_ value: UInt64, for key: IDDigest) {
        if (count + 1) * 10 > (mask + 1) * 7 { grow() }
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        let (h, l) = IDTable.stored(key)
        let e = storage.base
        var i = Int(truncatingIfNeeded: l) & mask
        while true {
            if e[i].high == h && e[i].low == l {
                e[i].value = value
                return
            }
            if e[i].high == 0 && e[i].low == 0 {
                e[i] = Entry(high: h, low: l, value: value)
                count += 1
                return
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() {
        var bigger = IDTable(capacity: mask + 1)
        for i in 0...mask {
            let entry = storage.base[i]
            if entry.high != 0 || entry.low != 0 { bigger.set(entry.value, for: IDDigest(high: entry.high, low: entry.low)) }
        }
        self = bigger
    }
}

/// An id table's entries, in memory from `calloc`. A large table then comes from the kernel already zero (an
/// empty entry is all zeros), each page as it is first touched, by whichever thread touches it; writing the
/// zeros up front made the thread that builds the table wait: at a million expected events, 48 MB on replay's
/// main thread before its first batch, 66 ms of it alone (README, Benchmarks).
private final class IDTableStorage: @unchecked Sendable {
    let base: UnsafeMutablePointer<IDTable.Entry>
    let size: Int

    init(size: Int) {
        guard let raw = calloc(size, MemoryLayout<IDTable.Entry>.stride) else { fatalError("no memory for an id table of \(size) entries") }
        HugePages.advise(UnsafeMutableRawBufferPointer(start: raw, count: size * MemoryLayout<IDTable.Entry>.stride))
        base = raw.bindMemory(to: IDTable.Entry.self, capacity: size)
        self.size = size
    }

    func copy() -> IDTableStorage {
        let other = IDTableStorage(size: size)
        other.base.update(from: base, count: size)
        return other
    }

    deinit { free(base) }
}

extension IDDigest {
    init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }
}
