/// The checks every event makes against every reward slot of its user's employer, packed small:
/// event type, category, program dates and limit. Kept apart from `RewardSlot` (which holds the
/// catalog's strings and arrays) so the hot loop touches no reference-counted memory.
struct SlotGate {
    let eventType: EventType
    /// Categories this slot counts as bits of `CategoryBits`; `UInt64.max` when it counts every category.
    let categoryMask: UInt64
    /// The slot's category set did not fit in the bitmask: check the set itself.
    let needsSetCheck: Bool
    let starts: Int32
    let ends: Int32
    let limit: Int

    init(_ slot: RewardSlot, categories: CategoryBits) {
        eventType = slot.incentive.event
        if let set = slot.incentive.categories {
            let mask = categories.mask(of: set)
            categoryMask = mask ?? UInt64.max
            needsSetCheck = mask == nil
        } else {
            categoryMask = UInt64.max
            needsSetCheck = false
        }
        starts = slot.program.starts.dayNumber
        ends = slot.program.ends.dayNumber
        limit = slot.reward.limit
    }

    @inline(__always)
    func admits(_ type: EventType, categoryBit: UInt64, day: Int32) -> Bool {
        type == eventType && categoryMask & categoryBit != 0 && day >= starts && day <= ends
    }
}

/// Numbers the categories that the catalog's filters name (up to 63), so that "is this event's
/// category one this reward counts" is one AND instead of a string hash per reward.
struct CategoryBits {
    private var index: [String: Int] = [:]

    init(_ sets: [Set<String>]) {
        for set in sets {
            for c in set.sorted() where index[c] == nil && index.count < 63 { index[c] = index.count }
        }
    }

    /// The event's bit: its own for a filtered category, the shared "other" bit for any other
    /// category or none (which only unfiltered slots admit).
    func bit(of category: String?) -> UInt64 {
        guard let category, let i = index[category] else { return 1 << 63 }
        return 1 << UInt64(i)
    }

    /// nil when some category has no bit (more than 63 distinct filter categories).
    func mask(of set: Set<String>) -> UInt64? {
        var m: UInt64 = 0
        for c in set {
            guard let i = index[c] else { return nil }
            m |= 1 << UInt64(i)
        }
        return m
    }
}
