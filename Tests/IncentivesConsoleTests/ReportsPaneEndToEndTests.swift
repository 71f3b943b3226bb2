import Foundation
import XCTest

/// The report pane (Programs → `r`) in the real console over a SQLite store, in tmux: it moves while an ingest in
/// another process adds events (the Programs screen refreshes on a timer). XCTest because the tmux helper's class
/// gives the binary and tmux (`TmuxConsoleTestCase`).
final class ReportsPaneEndToEndTests: TmuxConsoleTestCase {
    func testThePaneMovesDuringAnIngest() throws {
        let dir = TempDir(prefix: "report-pane")
        let store = try HalfIngestedStore(in: dir)
        let db = store.db

        let tmux = try Tmux("\(binary) console --db \(Tmux.quote(db))", width: 120, height: 40)
        tmux.wait(for: "Globex Moms")
        tmux.send("j")
        tmux.send("r")
        let before = tmux.settled(from: tmux.wait("the pane with its months") { !Self.paneRows($0).isEmpty }, Self.paneRows)
        XCTAssertTrue(before.contains("Participation per month · r closes"), before)
        // Nothing moves while nothing is ingested: the same rows after a refresh or two.
        Thread.sleep(forTimeInterval: 2.5)
        XCTAssertEqual(Self.paneRows(tmux.capture()), Self.paneRows(before))
        try store.ingestTheRest()
        // Within a few of the screen's 2-second refreshes the pane shows the second half's events and awards.
        let after = tmux.wait(timeout: 20, "the pane to move after the ingest") { screen in
            screen.contains("Participation per month") && Self.paneRows(screen) != Self.paneRows(before)
        }
        XCTAssertTrue(after.contains("Participation per month"), after)
        tmux.send("q")
    }

    /// The pane's month rows (from the line under its heading to the footer).
    static func paneRows(_ screen: String) -> [Substring] {
        let lines = screen.split(separator: "\n")
        guard let start = lines.firstIndex(where: { $0.contains("Participation per month") }) else { return [] }
        return Array(lines[(start + 1)...].filter { $0.trimmingCharacters(in: .whitespaces).first?.isNumber == true })
    }
}
