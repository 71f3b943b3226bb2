import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar with rate and ETA on stderr, drawn only when stderr is a terminal
/// (nothing at all when piped or redirected, so logs stay clean).
final class ProgressBar {
    private let enabled: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool = isatty(2) == 1) { self.enabled = enabled }

    /// `done`/`total` in bytes (total nil: unknown, e.g. a pipe); `lines` read so far.
    func update(done: Int64, total: Int64?, lines: Int, force: Bool = false) {
        guard enabled else { return }
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(lines) / elapsed
        var s = ""
        if let total, total > 0 {
            let fraction = min(1, Double(done) / Double(total))
            let width = 30
            let filled = Int(fraction * Double(width))
            s += "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
            s += String(format: "%3.0f%% ", fraction * 100)
            let bytesPerSecond = Double(done) / elapsed
            if bytesPerSecond > 0, done < total {
                s += String(format: "ETA %@ ", Self.duration(Double(total - done) / bytesPerSecond))
            }
        }
        s += "\(lines) lines, \(Int(rate))/s   "
        Output.stderr.control("\r")
        Output.stderr.write(s)
        Output.stderr.flush()
        drawn = true
    }

    /// Clears the bar so that the summary line starts clean.
    func finish() {
        guard enabled, drawn else { return }
        Output.stderr.control("\r\u{1b}[K")
        Output.stderr.flush()
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? "\(s / 3600)h\(s / 60 % 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
    }
}
