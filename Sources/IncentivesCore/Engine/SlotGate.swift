/// The checks every event makes against every reward slot of its user's employer, packed small:
/// event type, category, program dates and limit. Kept apart from `RewardSlot` (which holds the
/// catalog's strings and arrays) so the hot loop touches no reference-counted memory.
struct SlotGate {
    let eventType: EventType
    /// Categories this slot counts as bits of `CategoryCodes`; `UInt64.max` when it counts every category.
    let categoryMask: UInt64
    /// The slot's category set did not fit in the bitmask: check the set itself.
    let needsSetCheck: Bool
    let starts: Int32
    let ends: Int32
    let limit: Int
    /// The points each award adds to the program's total (0: none, and no tier is looked at).
    let points: Int

    init(_ slot: RewardSlot, categories: CategoryCodes) {
        eventType = slot.incentive.event
        if let set = slot.incentive.categories {
            let mask = categories.mask(of: set)
            categoryMask = mask ?? UInt64.max
            needsSetCheck = mask == nil
        } else {
            categoryMask = UInt64.max
            needsSetCheck = false
        }
        // A reward a catalog version added counts from its effective day (`Reward.countsFrom`), not from the program's start.
        starts = max(slot.program.starts, slot.reward.countsFrom ?? slot.program.starts).dayNumber
        ends = slot.program.ends.dayNumber
        limit = slot.reward.limit
        points = slot.reward.points
    }

    /// The first check an event fails, in the order they are made (type, category, program dates), or
    /// `.admitted`. The engine's hot path and its explaining path both ask this one function, so an
    /// explanation can never give another reason than the one that decided.
    @inline(__always)
    func verdict(_ type: EventType, categoryBit: UInt64, day: Int32) -> Verdict {
        if type != eventType { return .wrongType }
        if categoryMask & categoryBit == 0 { return .categoryNotCounted }
        if day < starts { return .beforeProgram }
        if day > ends { return .afterProgram }
        return .admitted
    }

    enum Verdict: UInt8 {
        case admitted, wrongType, categoryNotCounted, beforeProgram, afterProgram
    }
}

/// Numbers categories so that "does this reward count this category" is one AND instead of a string
/// hash per reward. The categories the catalog's filters name get codes 0–62 (one bit each); any
/// other category seen in events gets a later code that shares the "other" bit 63.
struct CategoryCodes {
    private var codes: [String: Int32] = [:]
    private var names: [String] = []
    /// How many codes have a bit of their own.
    private let filterCount: Int

    init(_ sets: [Set<String>]) {
        for set in sets {
            for c in set.sorted() where codes[c] == nil && names.count < 63 {
                codes[c] = Int32(names.count)
                names.append(c)
            }
        }
        filterCount = names.count
    }

    /// The category's code, assigning one on first sight; -1 for no category.
    mutating func code(of category: String?) -> Int32 {
        guard let category else { return -1 }
        // A catalog names a handful of categories: comparing short strings beats hashing one.
        if names.count <= 16 {
            for i in names.indices where names[i] == category { return Int32(i) }
        } else if let c = codes[category] {
            return c
        }
        let c = Int32(names.count)
        codes[category] = c
        names.append(category)
        return c
    }

    /// How many codes are assigned.
    var count: Int { names.count }

    func name(of code: Int32) -> String? { code >= 0 && Int(code) < names.count ? names[Int(code)] : nil }

    @inline(__always)
    func bit(of code: Int32) -> UInt64 {
        code >= 0 && Int(code) < filterCount ? 1 << UInt64(code) : 1 << 63
    }

    /// nil when some category has no bit of its own (more than 63 distinct filter categories).
    func mask(of set: Set<String>) -> UInt64? {
        var m: UInt64 = 0
        for c in set {
            guard let i = codes[c], Int(i) < filterCount else { return nil }
            m |= 1 << UInt64(i)
        }
        return m
    }
}
