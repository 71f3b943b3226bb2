import Foundation
import XCTest

/// The Reports screen (7) in the real console over a SQLite store, in tmux with NO_COLOR set: it moves while an ingest
/// in another process adds events — the live poller sees the commits and the run loop asks the screen again — and
/// stays put while nothing is ingested; `e` writes its CSV into the console's folder and says where.
/// XCTest because the tmux helper's class gives the binary and tmux (`TmuxConsoleTestCase`).
final class ReportsScreenEndToEndTests: TmuxConsoleTestCase {
    func testTheScreenMovesDuringAnIngestAndExports() throws {
        let dir = TempDir(prefix: "reports-screen")
        let store = try HalfIngestedStore(in: dir)
        let db = store.db
        let out = dir.path("out")
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: false)

        let tmux = try Tmux("sh -c \"cd \(out) && exec \(binary) console --db \(db) --screen 7 --today 2026-11-25\"",
                            width: 80, height: 24, env: ["NO_COLOR": "1"])
        tmux.wait(for: "Funnel: where eligible users stand")
        tmux.send("l")   // Globex: its Moms program has awards in both halves
        let before = tmux.settled(from: tmux.wait("Globex's report") { $0.contains("globex-moms") && !Self.numbers($0).isEmpty },
                                  Self.numbers)
        // Without colour the bars are still their glyphs, each with its number.
        XCTAssertTrue(before.contains("█") && before.contains("limit reached"), before)
        // Nothing moves while nothing is ingested (the screen is not on a timer).
        Thread.sleep(forTimeInterval: 2.5)
        XCTAssertEqual(Self.numbers(tmux.capture()), Self.numbers(before))
        try store.ingestTheRest()
        let after = tmux.wait(timeout: 20, "the report to move after the ingest") { screen in
            screen.contains("globex-moms") && Self.numbers(screen) != Self.numbers(before)
        }
        XCTAssertTrue(after.contains("Participation per month"), after)

        tmux.send("e")
        let exported = tmux.wait("the export's path on the status line") { $0.contains("exported") }
        let files = try FileManager.default.contentsOfDirectory(atPath: out)
        XCTAssertEqual(files, ["report-globex-globex-moms.csv"], exported)
        XCTAssertTrue(exported.contains(" exported report-globex-globex-moms.csv (12 months) in /"), exported)
        tmux.send("q")
    }

    /// The report's number lines: the months and the funnel's steps (from the first rule to the footer).
    static func numbers(_ screen: String) -> [Substring] {
        let lines = screen.split(separator: "\n")
        guard let start = lines.firstIndex(where: { $0.contains("Participation per month") }) else { return [] }
        return Array(lines[(start + 1)...].filter { line in
            let t = line.trimmingCharacters(in: .whitespaces)
            return t.first?.isNumber == true || t.hasPrefix("limit reached")
        })
    }
}
