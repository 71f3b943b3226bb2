import Foundation
import XCTest

/// The console on the hostile world (`Tests/Fixtures/Hostile`: ids, names and categories full of escape
/// sequences, cursor movements and bidi overrides), in a real terminal: the text shows escaped, each row
/// stays on its row, and nothing retitles or clears the terminal.
final class HostileConsoleTests: XCTestCase {
    func testHostileIdsShowEscapedAndNeverReachTheTerminal() throws {
        try Tmux.required()
        let binary = try XCTUnwrap(Binary.path, "the incentives binary was not built next to the tests")
        let world = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/Hostile").path
        let tmux = try Tmux("\(binary) console --catalog \(world)/catalog.json --roster \(world)/roster.jsonl --events \(world)/events.jsonl",
                            width: 120, height: 40)
        let before = tmux.display("#{pane_title}")
        tmux.wait(for: "Programs")
        var screen = tmux.wait(for: "Open-ended \\u{1B}[?1049l")
        XCTAssertEqual(tmux.display("#{alternate_on}"), "1", "still on the console's screen:\n\(screen)")
        tmux.send("2")
        // The whole list, not only its first row: a capture can land while the new screen is half drawn.
        screen = tmux.wait("the users list") { $0.contains("a\\u{08}\\u{08}b\\u{0D}\\u{0A}c-3") && $0.contains("gnp.exe-2") }
        XCTAssertTrue(screen.contains("x-\\u{1B}]0;pwned\\u{07}-0"), screen)
        XCTAssertTrue(screen.contains("\\u{202E}gnp.exe-2"), screen)
        // Open the first user's page: categories and event ids with escapes are drawn there.
        tmux.send("Enter")
        screen = tmux.wait("the user page") { $0.contains("Progress") || $0.contains("Last 5 weeks") }
        XCTAssertEqual(tmux.display("#{pane_title}"), before, "the title was not changed by data")
        XCTAssertFalse(tmux.display("#{pane_title}").contains("pwned"))
        XCTAssertTrue(screen.split(separator: "\n").allSatisfy { $0.count <= 120 }, screen)
        XCTAssertFalse(screen.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x202E || $0.value == 0x08 }, screen)
        tmux.send("q")
    }
}
