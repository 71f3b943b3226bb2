@testable import IncentivesCore
import Testing

/// `IDTable`: the id tables' open addressing over memory from `calloc` (empty entries are all zeros), shared by
/// copies until one writes. Expected values come from a Swift dictionary kept beside it.
@Suite("IDTable keeps what was set, grows, and copies on write")
struct IDTableTests {
    /// Keys from a simple generator, the all-zero digest among them (an empty entry is all zeros, so that key is
    /// stored under the stand-in (0, 1), which no real digest is expected to be).
    static func keys(_ n: Int) -> [IDDigest] {
        [IDDigest(high: 0, low: 0)] + (0..<n).map { IDDigest("id-\($0)") }
    }

    @Test func valuesSetAreFoundAndOthersAreNot() {
        var table = IDTable(capacity: 8) // grows several times
        var expected: [IDDigest: UInt64] = [:]
        for (i, key) in Self.keys(5_000).enumerated() {
            table.set(UInt64(i), for: key)
            expected[key] = UInt64(i)
        }
        // Replacing a value does not add an entry.
        table.set(99, for: IDDigest("id-7"))
        expected[IDDigest("id-7")] = 99
        #expect(table.count == expected.count)
        for (key, value) in expected { #expect(table.value(for: key) == value) }
        #expect(table.value(for: IDDigest("never-set")) == nil)
    }

    @Test func aCopyIsIndependentOfTheOriginal() {
        var original = IDTable(capacity: 100)
        original.set(1, for: IDDigest("a"))
        var copy = original
        copy.set(2, for: IDDigest("a"))
        copy.set(3, for: IDDigest("b"))
        original.set(4, for: IDDigest("c"))
        #expect(original.value(for: IDDigest("a")) == 1)
        #expect(original.value(for: IDDigest("b")) == nil)
        #expect(copy.value(for: IDDigest("a")) == 2)
        #expect(copy.value(for: IDDigest("c")) == nil)
        #expect(original.count == 2 && copy.count == 2)
    }

    /// A large table starts empty (its memory is not written before use): every probe of a fresh table misses.
    @Test func aLargeFreshTableIsEmpty() {
        let table = IDTable(capacity: 1_000_000)
        #expect(table.count == 0)
        for key in Self.keys(10_000) { #expect(table.value(for: key) == nil) }
    }
}
