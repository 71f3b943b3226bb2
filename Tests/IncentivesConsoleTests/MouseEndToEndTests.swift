import Foundation
import XCTest

/// The mouse and `y` through the real binary in tmux: clicks and the wheel sent as the terminal would send them
/// (xterm's mouse encoding, which ncurses turns on for tmux-256color), mouse reporting off again after quit and
/// after a signal, and the OSC 52 copy read back from tmux's paste buffer (`set-clipboard on`).
final class MouseEndToEndTests: TmuxConsoleTestCase {
    /// An xterm (X10-encoded) mouse event at cell (x, y), 0-based: `ESC [ M` then button, column and row, each + 32.
    static func mouse(_ button: Int, x: Int, y: Int) -> String {
        "\u{1B}[M" + String(UnicodeScalar(UInt8(32 + button))) + String(UnicodeScalar(UInt8(33 + x))) + String(UnicodeScalar(UInt8(33 + y)))
    }

    static func click(x: Int, y: Int) -> String { mouse(0, x: x, y: y) + mouse(3, x: x, y: y) }

    /// Runs the console under a shell that stays after it exits, so the pane's mouse flags are what it left.
    func shell(_ args: String) -> String {
        Tmux.quote("/bin/sh") + " -c " + Tmux.quote("trap : INT; \(binary) \(args); echo \"exit=$?\"; sleep 30")
    }

    func testAClickSelectsARowAndATabAndTheWheelMoves() throws {
        let tmux = try Tmux(shell("\(files) --screen 3"))
        tmux.wait(for: "1/33")
        XCTAssertEqual(tmux.display("#{mouse_any_flag}"), "1", "the console asked for mouse events")
        // Rows start under the tab bar, the filter line and the header: screen row 7 is the fourth achievement.
        tmux.type(Self.click(x: 10, y: 7))
        tmux.wait(for: "4/33")
        tmux.type(Self.mouse(65, x: 10, y: 7))   // the wheel down: three rows
        tmux.wait(for: "7/33")
        tmux.type(Self.mouse(64, x: 10, y: 7))   // and up
        tmux.wait(for: "4/33")
        // The Users tab: " 1 Progs  2 Users  3 Achievements ..." at 80 columns.
        let bar = String(tmux.capture().split(separator: "\n")[0])
        let x = try XCTUnwrap(bar.range(of: " 2 ")).lowerBound.utf16Offset(in: bar) + 2
        tmux.type(Self.click(x: x, y: 0))
        tmux.wait(for: "16 users")
        tmux.send("q")
        tmux.wait(for: "exit=0")
        XCTAssertEqual(tmux.display("#{mouse_any_flag} #{mouse_standard_flag}"), "0 0", "mouse reporting is off after quit")
    }

    func testNoMouseLeavesTheMouseToTheTerminal() throws {
        let tmux = try Tmux(shell("\(files) --screen 3 --no-mouse"))
        tmux.wait(for: "1/33")
        XCTAssertEqual(tmux.display("#{mouse_any_flag} #{mouse_standard_flag}"), "0 0")
    }

    func testSignalsTurnMouseReportingOff() throws {
        for signal in [SIGTERM, SIGINT, SIGSEGV] {
            let tmux = try Tmux(shell(files))
            tmux.wait(for: "Programs")
            XCTAssertEqual(tmux.display("#{mouse_any_flag}"), "1")
            let pid = try XCTUnwrap(tmux.childPID())
            kill(pid, signal)
            tmux.wait(for: "exit=\(128 + signal)")
            XCTAssertEqual(tmux.display("#{mouse_any_flag} #{mouse_standard_flag} #{alternate_on}"), "0 0 0", "signal \(signal)")
        }
    }

    func testYCopiesTheSelectedIdToTmuxsBuffer() throws {
        let tmux = try Tmux("\(binary) \(files) --screen 2")
        try tmux.run(["set-option", "-s", "set-clipboard", "on"])
        tmux.wait(for: "u-1002")
        tmux.send("Down")
        tmux.send("y")
        tmux.wait(for: "copied u-1002 (OSC 52: the terminal must allow it)")
        var buffer = ""
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            buffer = (try? tmux.run(["show-buffer"])) ?? ""
            if buffer == "u-1002" { break }
            usleep(50_000)
        }
        XCTAssertEqual(buffer, "u-1002")
    }

    /// `demo-feed` into the database a console is open on: its Live screen shows the fed events arrive.
    func testDemoFeedMovesTheLiveScreen() throws {
        let dir = TempDir(prefix: "feed-live")
        let db = dir.path("feed.sqlite")
        let f = Fixture.directory
        let initialised = try Binary.run(["init", "--db", db, "--catalog", f + "/catalog.json", "--roster", f + "/roster.jsonl"])
        XCTAssertEqual(initialised.status, 0, initialised.stderr)
        let tmux = try Tmux("\(binary) console --db \(db) --screen 5", width: 120, height: 40)
        tmux.wait(for: "Waiting for events")
        let feed = try Binary.launch(["demo-feed", "--db", db, "--events", f + "/events.jsonl", "--rate", "40"])
        defer { if feed.isRunning { kill(feed.processIdentifier, SIGINT); feed.waitUntilExit() } }
        // The fixture's ids with this run's suffix.
        tmux.wait(timeout: 15, "fed events on the Live screen") { $0.contains("~feed-") }
        func count(_ screen: String) -> Int {
            guard let r = screen.range(of: " events · ") else { return 0 }
            return Int(screen[..<r.lowerBound].split(whereSeparator: { $0 == " " || $0 == "\n" }).last ?? "") ?? 0
        }
        let first = count(tmux.capture())
        XCTAssertGreaterThan(first, 0)
        tmux.wait(timeout: 15, "more events than \(first)") { count($0) > first }
        kill(feed.processIdentifier, SIGINT)
        feed.waitUntilExit()
        XCTAssertEqual(feed.terminationStatus, 0)
    }
}
