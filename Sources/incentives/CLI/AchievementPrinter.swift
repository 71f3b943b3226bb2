import Dispatch
import IncentivesCore
import IncentivesText

/// Writes achievements as JSON lines on a thread of its own, batch after batch in the order they are handed over.
///
/// Why: `replay`'s main thread takes each batch through admission and the engines, whose threads wait for it
/// between batches; formatting the achievements there was a fifth of its time alone (README, Benchmarks). Here it
/// runs beside the next batch instead. At most `room` batches wait, so memory stays bounded by a few batches'
/// achievements.
///
/// `out` is written by this thread only, from the first `print` until `finish` returns.
final class AchievementPrinter: @unchecked Sendable {
    private let out: Output
    private let queue = DispatchQueue(label: "incentives.replay.printer")
    private let room: DispatchSemaphore

    init(out: Output, room: Int = 4) {
        self.out = out
        self.room = DispatchSemaphore(value: room)
    }

    /// Queues a batch's achievements, in their order; blocks while `room` batches wait.
    func print(_ achievements: [Achievement]) {
        guard !achievements.isEmpty else { return }
        room.wait()
        queue.async { [out, room] in
            for a in achievements { out.line { a.writeJSON(into: &$0) } }
            room.signal()
        }
    }

    /// Returns once every achievement handed over is written to `out` (not flushed: the caller decides).
    func finish() { queue.sync {} }
}
