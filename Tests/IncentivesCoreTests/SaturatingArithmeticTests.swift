import IncentivesCore
import Testing

/// Numbers a database hands back can be anything; the arithmetic the console and workers do on them stops at the
/// bounds instead of trapping.
@Suite("saturating arithmetic")
struct SaturatingArithmeticTests {
    @Test("in range it is plain arithmetic")
    func plain() {
        #expect(10.subtractingSaturated(3) == 7)
        #expect((-4).addingSaturated(9) == 5)
        #expect(Int64(5).subtractingSaturated(8) == -3)
    }

    @Test("past the bounds it stops at them, whichever way it went")
    func bounds() {
        #expect(Int.min.subtractingSaturated(500) == .min, "a Live cursor below the newest 500 of a negative seq")
        #expect(Int.max.subtractingSaturated(-1) == .max)
        #expect(Int64.max.subtractingSaturated(Int64.min) == .max, "a head far above a position")
        #expect(Int64.min.subtractingSaturated(Int64.max) == .min)
        #expect(Int.max.addingSaturated(1) == .max)
        #expect(Int.min.addingSaturated(-1) == .min)
        #expect(Int.max.addingSaturated(Int.min) == -1, "no overflow: exact")
    }
}
