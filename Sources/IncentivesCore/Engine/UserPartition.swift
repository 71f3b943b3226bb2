/// The one partition function of users: which of `n` partitions owns a user's state, wherever work is split by
/// user — `replay`'s and the ingest's engine shards (`EngineShards`), the PostgreSQL store's hash-partitioned
/// per-user tables and the `incentives work` leases over them. Any partition by user gives the same awards (no rule
/// reads another user's state); having one means a user's events, progress and awards sit in the same partition
/// number everywhere, so a worker that owns partition `p` of 8 owns what shard `p` of 8 would.
///
/// It is PostgreSQL's own for `PARTITION BY HASH (user_id)` on a text column (a deterministic collation):
/// `hash_combine64(0, hashtextextended(user_id, HASH_PARTITION_SEED))`, then the remainder modulo the partition
/// count — Bob Jenkins' lookup3 over the id's UTF-8 bytes, as `hash_bytes_extended` in PostgreSQL's
/// `src/common/hashfn.c` computes it on a little-endian machine. Choosing the server's function rather than asking
/// the server to take ours keeps the PostgreSQL schema as it is. Stable across runs, machines and releases (the
/// server cannot change it without breaking its own hash-partitioned tables on upgrade); `UserPartitionTests`
/// checks it against a real server.
public enum UserPartition {
    /// PostgreSQL's `HASH_PARTITION_SEED`.
    public static let seed: UInt64 = 0x7A5B_2236_7996_DCFD

    /// The user's 64-bit partition hash (PostgreSQL's row hash for a one-column text key).
    public static func hash(_ user: String) -> UInt64 {
        var id = user
        let h = id.withUTF8 { hashBytesExtended($0, seed: seed) }
        // hash_combine64(0, h): a ^= b + 0x49a0f4dd15e5a8e3 + (a << 54) + (a >> 7), with a = 0.
        return h &+ 0x49A0_F4DD_15E5_A8E3
    }

    /// The partition of `count` that owns the user: PostgreSQL's remainder for `MODULUS count`.
    public static func of(_ user: String, among count: Int) -> Int {
        precondition(count >= 1, "at least one partition")
        return Int(hash(user) % UInt64(count))
    }

    @inline(__always) private static func rot(_ x: UInt32, _ k: UInt32) -> UInt32 { (x << k) | (x >> (32 - k)) }

    @inline(__always) private static func mix(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        a &-= c; a ^= rot(c, 4); c &+= b
        b &-= a; b ^= rot(a, 6); a &+= c
        c &-= b; c ^= rot(b, 8); b &+= a
        a &-= c; a ^= rot(c, 16); c &+= b
        b &-= a; b ^= rot(a, 19); a &+= c
        c &-= b; c ^= rot(b, 4); b &+= a
    }

    @inline(__always) private static func final(_ a: inout UInt32, _ b: inout UInt32, _ c: inout UInt32) {
        c ^= b; c &-= rot(b, 14)
        a ^= c; a &-= rot(c, 11)
        b ^= a; b &-= rot(a, 25)
        c ^= b; c &-= rot(b, 16)
        a ^= c; a &-= rot(c, 4)
        b ^= a; b &-= rot(a, 14)
        c ^= b; c &-= rot(b, 24)
    }

    /// `hash_bytes_extended` (lookup3 with a 64-bit seed), bytes read little-endian as the server does on x86-64
    /// and arm64 (its aligned and unaligned paths agree there).
    static func hashBytesExtended(_ k: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
        var len = UInt32(truncatingIfNeeded: k.count)
        var a: UInt32 = 0x9E37_79B9 &+ len &+ 3_923_095
        var b = a, c = a
        if seed != 0 {
            a &+= UInt32(truncatingIfNeeded: seed >> 32)
            b &+= UInt32(truncatingIfNeeded: seed)
            mix(&a, &b, &c)
        }
        @inline(__always) func byte(_ i: Int) -> UInt32 { UInt32(k[i]) }
        @inline(__always) func word(_ i: Int) -> UInt32 { byte(i) | byte(i + 1) << 8 | byte(i + 2) << 16 | byte(i + 3) << 24 }
        var p = 0
        while len >= 12 {
            a &+= word(p); b &+= word(p + 4); c &+= word(p + 8)
            mix(&a, &b, &c)
            p += 12
            len -= 12
        }
        // The last 11 bytes; the lowest byte of c is reserved for the length (not added: it is in the start state).
        if len >= 9 { for i in stride(from: Int(len) - 1, through: 8, by: -1) { c &+= byte(p + i) << (8 * UInt32(i - 8 + 1)) } }
        if len >= 5 { for i in stride(from: min(Int(len), 8) - 1, through: 4, by: -1) { b &+= byte(p + i) << (8 * UInt32(i - 4)) } }
        if len >= 1 { for i in stride(from: min(Int(len), 4) - 1, through: 0, by: -1) { a &+= byte(p + i) << (8 * UInt32(i)) } }
        final(&a, &b, &c)
        return UInt64(b) << 32 | UInt64(c)
    }
}
