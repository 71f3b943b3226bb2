/// A compact binary form for progress state, so that the store can persist each user's progress
/// as one small blob and restore it without replaying history.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func write(_ v: UInt64) {
        var v = v
        // LEB128: small numbers (day offsets, counts) take one or two bytes.
        repeat {
            var b = UInt8(v & 0x7f)
            v >>= 7
            if v != 0 { b |= 0x80 }
            bytes.append(b)
        } while v != 0
    }

    public mutating func write(_ v: Int) {
        write(UInt64(bitPattern: Int64((v << 1) ^ (v >> 63)))) // zig-zag keeps -1 small
    }

    public mutating func write(_ s: String) {
        // Straight from the string's UTF-8: no intermediate array (a store saves millions of these at once).
        write(s.utf8.count)
        bytes.append(contentsOf: s.utf8)
    }

    /// Room for `n` more bytes, when their number is known roughly.
    public mutating func reserve(_ n: Int) { bytes.reserveCapacity(bytes.count + n) }
}

public struct ByteReader: Sendable {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case truncated
        case mismatch(String)

        public var description: String {
            switch self {
            case .truncated: return "saved progress is truncated"
            case .mismatch(let why): return why
            }
        }
    }

    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public var isAtEnd: Bool { position == bytes.count }

    public mutating func readUInt64() throws -> UInt64 {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.count, shift < 64 else { throw Failure.truncated }
            let b = bytes[position]
            position += 1
            v |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return v }
            shift += 7
        }
    }

    public mutating func readInt() throws -> Int {
        let z = try readUInt64()
        return Int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
    }

    /// A number of items to follow: never negative, and never more than the bytes left (each item takes
    /// at least one), so that a corrupt count is refused instead of trapping or allocating wildly.
    public mutating func readCount() throws -> Int {
        let n = try readInt()
        guard n >= 0, n <= bytes.count - position else { throw Failure.truncated }
        return n
    }

    /// A number that must fit in 32 bits (day numbers).
    public mutating func readInt32() throws -> Int32 {
        guard let v = Int32(exactly: try readInt()) else { throw Failure.mismatch("saved progress holds a number out of range") }
        return v
    }

    public mutating func readString() throws -> String {
        let n = try readInt()
        // Not `position + n <= bytes.count`: a corrupt length near Int.max overflows the sum and traps.
        guard n >= 0, n <= bytes.count - position else { throw Failure.truncated }
        defer { position += n }
        return String(decoding: bytes[position..<(position + n)], as: UTF8.self)
    }
}
