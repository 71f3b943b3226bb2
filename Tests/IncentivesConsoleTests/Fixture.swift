import Foundation
import IncentivesConsole
import IncentivesCore
// The shared test helpers (Binary, TempDir, World, ...; Tests/TestSupport): every file of this target sees them.
@_exported import TestSupport

/// The test data set (Fixtures/: 16 users, ~1000 events, 33 achievements) and a fixed clock.
enum Fixture {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").path
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden").path
    static let clock = ConsoleClock.fixed(Instant(seconds: 1_795_619_045)) // 2026-11-25T15:04:05Z

    static func data() throws -> InMemoryConsoleData {
        try InMemoryConsoleData(catalogPath: directory + "/catalog.json", rosterPath: directory + "/roster.jsonl",
                                eventsPath: directory + "/events.jsonl", sourceName: "fixtures")
    }

    static func state(_ screen: ScreenID = .programs) throws -> AppState {
        TerminalEnvironment.prepareLocale()
        var s = AppState(data: try data(), clock: clock, screen: screen)
        s.reports.exportDirectory = exports
        return s
    }

    /// Where the Reports screen's `e` writes in tests that press every key (never the package's folder).
    static let exports: String = {
        let path = exportsPath()
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        // Removed when the test process ends (a C function: it captures nothing, so it finds the folder again by pid).
        atexit { try? FileManager.default.removeItem(atPath: exportsPath()) }
        return path
    }()

    static func exportsPath() -> String { NSTemporaryDirectory() + "/incentives-console-exports-\(getpid())" }

    static func text(_ s: AppState, _ w: Int = 80, _ h: Int = 24, glyphs: Glyphs = .unicode) -> String {
        AppView.render(s, width: w, height: h, glyphs: glyphs).grid.text
    }
}

extension AppState {
    mutating func press(_ keys: Key...) { for k in keys { handle(k) } }
    mutating func type(_ s: String) { for c in s { handle(.character(c)) } }
}
