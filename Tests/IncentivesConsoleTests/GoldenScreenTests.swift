import Foundation
import IncentivesConsole
import IncentivesCore
import XCTest

/// Every screen drawn into the cell grid at 80×24 and 120×40 and compared with text files in Golden/.
/// After an intended change, regenerate with `UPDATE_GOLDEN=1 swift test --filter GoldenScreenTests`
/// and read the diff.
final class GoldenScreenTests: XCTestCase {
    static let sizes = [(80, 24), (120, 40)]

    func check(_ name: String, _ state: AppState, file: StaticString = #filePath, line: UInt = #line) {
        for (w, h) in Self.sizes {
            let actual = Fixture.text(state, w, h)
            let path = Fixture.goldenDirectory + "/\(name)-\(w)x\(h).txt"
            if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
                try? actual.write(toFile: path, atomically: true, encoding: .utf8)
                continue
            }
            guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
                XCTFail("missing golden file \(path): run with UPDATE_GOLDEN=1", file: file, line: line)
                continue
            }
            XCTAssertEqual(actual, expected, "\(name) at \(w)x\(h) differs from \(path)", file: file, line: line)
        }
    }

    func testProgramsScreen() throws {
        var s = try Fixture.state(.programs)
        s.press(.down)
        check("1-programs", s)
    }

    func testUsersList() throws {
        check("2-users", try Fixture.state(.users))
    }

    func testUserPage() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("u-1002")
        s.press(.enter)
        XCTAssertNotNil(s.users.profile)
        check("2-user-page", s)
    }

    func testAchievementsScreen() throws {
        check("3-achievements", try Fixture.state(.achievements))
    }

    func testAchievementEvidence() throws {
        var s = try Fixture.state(.achievements)
        s.press(.down, .enter)
        XCTAssertNotNil(s.achievements.evidence)
        check("3-achievement-evidence", s)
    }

    func testSimulatorAfterAStreak() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("s"))
        check("4-simulator", s)
    }

    func testLiveScreen() throws {
        var s = try Fixture.state(.live)
        s.receive(s.data.changes(since: .start, limit: LiveState.keep))
        check("5-live", s)
    }

    func testDeliveriesWithAFailure() throws {
        let data = try Fixture.data()
        let first = data.deliveries()[0]
        _ = first
        let achievement = data.achievements(AchievementQuery()).rows.last!.achievement
        let partner = data.catalog.partners(for: achievement)[0]
        data.setDelivery(id: "\(partner.id):\(achievement.id)", status: .failed, attempts: 3, error: "HTTP 503 from partner")
        var s = AppState(data: data, clock: Fixture.clock, screen: .deliveries)
        s.press(.right)
        check("6-deliveries", s)
    }

    func testHelpOverlay() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("?"))
        check("help", s)
    }

    func testTooSmall() throws {
        let s = try Fixture.state()
        XCTAssertTrue(Fixture.text(s, 60, 20).contains("The console needs 80×24"))
    }

    /// A terminal in the C locale gets ASCII lines and bars.
    func testAsciiGlyphs() throws {
        var s = try Fixture.state(.simulator)
        s.press(.character("s"))
        let text = Fixture.text(s, 80, 24, glyphs: .ascii)
        XCTAssertFalse(text.unicodeScalars.contains { !$0.isASCII }, text)
        XCTAssertTrue(text.contains("##########"), text)
    }
}
