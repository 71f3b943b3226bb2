/// One event as recorded by the apps' API, already validated.
public struct Event: Sendable, Hashable {
    public let id: String
    public let type: EventType
    public let user: String
    public let at: Instant
    /// The logged category for `health_data_logged`; nil for `birth_reported`, whose category is ignored.
    public let category: String?

    public init(id: String, type: EventType, user: String, at: Instant, category: String?) {
        self.id = id
        self.type = type
        self.user = user
        self.at = at
        self.category = type.needsCategory ? category : nil
    }

    /// What makes two events with the same id "the same event" (CONTRACT §4): type, user, instant and category.
    /// A 64-bit digest, so that a log of millions of ids stays small. It only decides duplicate-versus-conflict
    /// between two events that already share an id.
    public var contentFingerprint: UInt64 { contentFingerprint(userDigest: IDDigest(user)) }

    /// The same, for a caller that already holds `IDDigest(user)`.
    public func contentFingerprint(userDigest u: IDDigest) -> UInt64 {
        let c = category.map { IDDigest($0).low } ?? 0x6E6F_6E65 // "none"
        var h = IDDigest.mix(u.low ^ (type == .healthDataLogged ? 0x1 : 0x2))
        h = IDDigest.mix(h ^ UInt64(bitPattern: at.seconds))
        h = IDDigest.mix(h ^ UInt64(UInt32(bitPattern: at.nanoseconds)) ^ (u.high << 1))
        return IDDigest.mix(h ^ c)
    }
}

/// FNV-1a, 64-bit: a stable, seedless hash (Swift's `Hasher` is seeded per process, so it cannot be stored).
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ s: String) {
        for b in s.utf8 { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
        value = (value ^ 0xff) &* 0x100_0000_01b3 // separator, so ("ab","c") != ("a","bc")
    }

    public mutating func add(_ v: UInt64) {
        var v = v
        for _ in 0..<8 {
            value = (value ^ (v & 0xff)) &* 0x100_0000_01b3
            v >>= 8
        }
    }
}
