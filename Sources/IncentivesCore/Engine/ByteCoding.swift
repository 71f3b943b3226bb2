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

    /// What `body` writes, preceded by its length in four bytes (patched in afterwards, so nothing is copied):
    /// a reader that cannot decode it can step over it (`ByteReader.skipSized`).
    public mutating func writeSized(_ body: (inout ByteWriter) -> Void) {
        let at = bytes.count
        bytes.append(contentsOf: [0, 0, 0, 0])
        body(&self)
        let n = UInt32(truncatingIfNeeded: bytes.count - at - 4)
        for k in 0..<4 { bytes[at + k] = UInt8(truncatingIfNeeded: n >> (8 * UInt32(k))) }
    }

    /// Bytes as they are (what a `ByteReader` took from another encoding: converting between formats).
    public mutating func writeRaw(_ raw: some Sequence<UInt8>) { bytes.append(contentsOf: raw) }

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

    /// The length `writeSized` wrote, checked against what is left.
    private mutating func readSize() throws -> Int {
        guard bytes.count - position >= 4 else { throw Failure.truncated }
        var n = 0
        for k in 0..<4 { n |= Int(bytes[position + k]) << (8 * k) }
        position += 4
        guard n <= bytes.count - position else { throw Failure.truncated }
        return n
    }

    /// Reads what `writeSized` wrote with `body`, which must read all of it and no more.
    public mutating func readSized<T>(_ body: (inout ByteReader) throws -> T) throws -> T {
        let n = try readSize()
        let end = position + n
        let value = try body(&self)
        guard position == end else { throw Failure.mismatch("saved progress: a part was not read as written") }
        return value
    }

    /// What `writeSized` wrote, as bytes (converting between formats).
    public mutating func readSizedBytes() throws -> ArraySlice<UInt8> {
        let n = try readSize()
        defer { position += n }
        return bytes[position..<(position + n)]
    }

    /// Everything not read yet.
    public mutating func readRest() -> ArraySlice<UInt8> {
        defer { position = bytes.count }
        return bytes[position...]
    }

    /// Steps over what `writeSized` wrote.
    public mutating func skipSized() throws {
        position += try readSize()
    }

    public mutating func readString() throws -> String {
        let n = try readInt()
        // Compared with what is left, not as `position + n`: a corrupt length near Int.max must not overflow.
        guard n >= 0, n <= bytes.count - position else { throw Failure.truncated }
        defer { position += n }
        return String(decoding: bytes[position..<(position + n)], as: UTF8.self)
    }
}
