import IncentivesConsole
import IncentivesCore
import XCTest

/// Every key that a screen's footer or help promises does something there: a walk over every screen (and
/// the user page), pressing each listed key in a state where it can act, fails on a key that changes
/// nothing a person would see (the screen, the footer's message, or the state behind them).
final class KeyWalkTests: XCTestCase {
    /// What a person sees, plus what is behind it.
    private func snapshot(_ s: AppState) -> String {
        let grid = AppView.render(s, width: 120, height: 40, glyphs: .unicode).grid
        // Styles too: a moved selection changes only where the highlight is.
        return grid.text + "\(grid.cells.map(\.style))" + "|\(s.screen)|\(s.status ?? "")|\(s.quitting)|\(s.showHelp)|\(s.confirmingQuit)"
    }

    /// Keys that act only after something: moving up needs a row below the top, Esc something open, `x` a filter.
    private func prepare(_ s: inout AppState, for action: Action) {
        switch action {
        case .up, .pageUp, .top: s.press(.down, .down, .down)
        case .left: s.press(.character("u"))                     // a second test user to go back to
        case .right: s.press(.character("u"), .left)              // and one to go forward to
        case .simFewerDaysBack: s.press(.character("+"))
        case .stateLess: s.press(.character("f"))              // 5 days: one less is 4
        case .simReset: s.press(.character("l"))
        case .clearFilter:
            s.press(.character("/"))
            s.type("u")
            s.press(.enter)
            if s.screen == .users, s.users.profile != nil { s.press(.escape) }
        case .back:
            switch s.screen {
            case .live: s.press(.character("f"))
            case .simulator: break
            default: s.press(.enter)
            }
        default: break
        }
    }

    private func walk(_ screen: ScreenID, userPage: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        let (own, global) = KeyMap.bindings(for: screen)
        for binding in own + global {
            if case .switchTo(let target) = binding.action, target == screen { continue }
            // Esc on the simulator and with nothing open has nothing to back out of, by design: it never quits.
            if binding.action == .back, screen == .simulator { continue }
            for key in binding.keys {
                var s = try Fixture.state(screen)
                if userPage {
                    // A user with several achievements, so that there is a row to move to and evidence to open.
                    s.press(.character("/"))
                    s.type("u-1002")
                    s.press(.enter)
                    XCTAssertGreaterThan(s.users.profile?.achievements.count ?? 0, 1, file: file, line: line)
                }
                prepare(&s, for: binding.action)
                let before = snapshot(s)
                s.handle(key)
                XCTAssertNotEqual(snapshot(s), before, "\(screen)\(userPage ? " (user page)" : ""): \(binding.label) (\(key)) promises \"\(binding.help)\" and changed nothing",
                                  file: file, line: line)
            }
        }
    }

    func testEveryPromisedKeyActsOnEveryScreen() throws {
        for screen in ScreenID.allCases { try walk(screen) }
    }

    func testEveryPromisedKeyActsOnTheUserPage() throws {
        try walk(.users, userPage: true)
    }

    func testNoKeyIsListedTwiceWithTwoMeanings() {
        for screen in ScreenID.allCases {
            let (own, global) = KeyMap.bindings(for: screen)
            var meaning: [Key: String] = [:]
            for b in own + global {
                for k in b.keys {
                    if let earlier = meaning[k] { XCTFail("\(screen): \(k) listed as \"\(earlier)\" and \"\(b.help)\"") }
                    meaning[k] = b.help
                }
            }
        }
    }
}
