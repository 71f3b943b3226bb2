import IncentivesCore
import Testing

/// Batches start at 8,192 lines and double up to the full size; a size at or under 8,192 is used as given.
@Suite("batch sizes that start small")
struct BatchRampTests {
    static func sizes(_ full: Int, count: Int) -> [Int] {
        var ramp = BatchRamp(full: full)
        var sizes: [Int] = []
        for _ in 0..<count {
            sizes.append(ramp.current)
            ramp.grow()
        }
        return sizes
    }

    @Test func doublesUpToTheFullSize() {
        #expect(Self.sizes(50_000, count: 5) == [8_192, 16_384, 32_768, 50_000, 50_000])
        #expect(Self.sizes(300, count: 3) == [300, 300, 300])
        #expect(Self.sizes(0, count: 2) == [1, 1])
    }

    @Test func theLargestSizeNeverOverflows() {
        let sizes = Self.sizes(Int.max, count: 70)
        #expect(sizes.last == Int.max)
        #expect(zip(sizes, sizes.dropFirst()).allSatisfy { $0 <= $1 })
    }
}
