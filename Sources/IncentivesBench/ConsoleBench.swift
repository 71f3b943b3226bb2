import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesText

/// `incentives bench console`: how fast the console answers, measured without a terminal (the views draw
/// into the same cell grid the ncurses backend flushes; the flush itself is ncurses' diff and a write).
///
/// - first frame: open the data (database or files) cold, build the first screen's state, render it.
/// - key to frame, per screen: one key's update (including the data queries it makes) plus a full render,
///   over a realistic key sequence on each screen; median and p99.
/// - live poll: one `changes(since:)` call, which runs on the poller thread and never delays a key.
/// Targets (issue 4): first frame < 200 ms on the 1M-event database; every key < 16 ms.
enum ConsoleBench {
    static let usage = """
    Usage: ConsoleBench.run(arguments:) takes [--db PATH | --catalog FILE --roster FILE --events FILE]
           [--keys N] [--width W] [--height H]; `incentives bench console` passes --db of its loaded database.

    Example:
      incentives bench console --db /tmp/bench.sqlite

    """

    /// `arguments` as `usage` says; `consoleData` opens a database (`BenchCommands.consoleData`).
    static func run(arguments: [String], consoleData: (String) throws -> any ConsoleData) -> BenchStatus {
        var options: [String: String] = [:]
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            guard a.hasPrefix("--"), i + 1 < arguments.count else {
                printError("incentives bench console: unexpected \(a)\n" + usage)
                return .usage
            }
            options[String(a.dropFirst(2))] = arguments[i + 1]
            i += 2
        }
        let keys = Int(options["keys"] ?? "") ?? 200
        let width = Int(options["width"] ?? "") ?? 120
        let height = Int(options["height"] ?? "") ?? 40

        // First frame, cold.
        let t0 = DispatchTime.now().uptimeNanoseconds
        let data: any ConsoleData
        do {
            if let db = options["db"] {
                data = try consoleData(db)
            } else if let c = options["catalog"], let r = options["roster"] {
                data = try InMemoryConsoleData(catalogPath: c, rosterPath: r, eventsPath: options["events"])
            } else {
                printError(usage)
                return .usage
            }
        } catch {
            printError("incentives bench console: \(error)")
            return .noInput
        }
        let opened = DispatchTime.now().uptimeNanoseconds
        var state = AppState(data: data, clock: .system, screen: .programs)
        _ = AppView.render(state, width: width, height: height, glyphs: .unicode)
        let firstFrame = DispatchTime.now().uptimeNanoseconds
        Output.stdout.line("console bench on \(data.sourceName) at \(width)x\(height)")
        Output.stdout.line(String(format: "first frame: %.1f ms (open %.1f ms, state + render %.1f ms)  target < 200 ms",
                                  ms(firstFrame - t0), ms(opened - t0), ms(firstFrame - opened)))

        // A user id to search for: the first one the data knows.
        let someUser = data.searchUsers(prefix: "", limit: 1).first?.id ?? "u"
        let sequences: [(ScreenID, [Key])] = [
            (.programs, [.down, .down, .up, .character("j"), .character("k"), .end, .home, .character("2"), .character("1")]),
            (.users, [.character("/")] + someUser.map { Key.character($0) } + [.enter, .escape, .down, .enter, .escape, .up]),
            (.achievements, [.down, .enter, .escape, .character("s"), .character("r"), .down, .character("s")]),
            (.simulator, [.character("l"), .character("n"), .character("p"), .character("s"), .down, .character("b"), .up]),
            (.live, [.character("f"), .character("f"), .down]),
            (.deliveries, [.down, .up, .right, .left]),
        ]
        var worst = 0.0
        for (screen, seq) in sequences {
            state.handle(.character(Character(String(screen.rawValue))))
            var samples: [Double] = []
            samples.reserveCapacity(keys)
            var n = 0
            while samples.count < keys {
                let key = seq[n % seq.count]
                n += 1
                let start = DispatchTime.now().uptimeNanoseconds
                state.handle(key)
                if state.screen != screen { state.handle(.character(Character(String(screen.rawValue)))) }
                _ = AppView.render(state, width: width, height: height, glyphs: .unicode)
                samples.append(ms(DispatchTime.now().uptimeNanoseconds - start))
            }
            samples.sort()
            let p99 = samples[min(samples.count - 1, samples.count * 99 / 100)]
            worst = max(worst, p99)
            Output.stdout.line(String(format: "key to frame, %-12@ median %6.2f ms  p99 %6.2f ms  max %6.2f ms",
                                      screen.title as NSString, samples[samples.count / 2], p99, samples.last!))
        }
        var polls: [Double] = []
        var cursor = LiveCursor.start
        for _ in 0..<20 {
            let start = DispatchTime.now().uptimeNanoseconds
            cursor = data.changes(since: cursor, limit: LiveState.keep).cursor
            polls.append(ms(DispatchTime.now().uptimeNanoseconds - start))
        }
        polls.sort()
        Output.stdout.line(String(format: "live poll (poller thread): first %.2f ms, then median %.2f ms", polls.last!, polls[polls.count / 2]))
        Output.stdout.line(String(format: "worst p99 key to frame: %.2f ms  target < 16 ms: %@", worst, worst < 16 ? "met" : "NOT met"))
        Output.stdout.flush()
        return .ok
    }

    private static func ms(_ ns: UInt64) -> Double { Double(ns) / 1e6 }
}
