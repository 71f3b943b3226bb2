import Foundation
import IncentivesConsole
import IncentivesCore
import Testing

/// The mouse and `y`: clicks are looked up in the layout the view draws, so a test sends `.mouse` events to the
/// state and reads the selection; the copy is checked on the bytes the backend would write.
struct MouseAndCopyTests {
    /// The screen row (0-based) whose text contains `needle`, in a render of `s` at its viewport.
    static func row(of needle: String, in s: AppState) throws -> Int {
        let lines = AppView.render(s, width: s.viewport.width, height: s.viewport.height, glyphs: s.viewport.glyphs).grid.text
            .split(separator: "\n", omittingEmptySubsequences: false)
        return try #require(lines.firstIndex { $0.contains(needle) }, "\(needle) on screen")
    }

    static func click(_ s: inout AppState, row y: Int, x: Int = 5, kind: MouseKind = .click) {
        s.handle(.mouse(x: x, y: y, kind: kind))
    }

    @Test func aClickOnATabSwitchesScreen() throws {
        var s = try Fixture.state(.programs)
        for target in [ScreenID.users, .achievements, .deliveries, .simulator, .live, .programs] {
            // The tab bar at 80 columns: " 1 Programs  2 Users  3 Achv ..." (the active tab long, the others short).
            let bar = String(Fixture.text(s).split(separator: "\n")[0])
            let label = " \(target.rawValue) "
            let x = try #require(bar.range(of: label)).lowerBound.utf16Offset(in: bar) + 1
            Self.click(&s, row: 0, x: x)
            #expect(s.screen == target, "clicked \(label)")
        }
        // Past the tabs (the source and the clock): nothing.
        Self.click(&s, row: 0, x: 79)
        #expect(s.screen == .programs)
    }

    @Test func aClickSelectsAProgramAndADoubleClickOpensIt() throws {
        var s = try Fixture.state(.programs)
        let rows = s.programs.rows
        #expect(rows.count >= 2)
        let second = rows[1].program.program.name
        Self.click(&s, row: try Self.row(of: second, in: s))
        #expect(s.programs.selected == 1)
        Self.click(&s, row: try Self.row(of: second, in: s), kind: .doubleClick)
        // Opening a program is its report (screen 7), on that program.
        #expect(s.screen == .reports)
        #expect(s.reports.program?.id == rows[1].program.program.id)
    }

    @Test func aClickOnTheHeaderOrBelowTheListChangesNothing() throws {
        var s = try Fixture.state(.users)
        let header = try Self.row(of: "Time zone", in: s)
        Self.click(&s, row: header)
        #expect(s.users.selected == 0)
        Self.click(&s, row: 22)   // the empty room under 16 users at 80×24, or the footer
        #expect(s.users.selected == 0 && s.screen == .users)
    }

    @Test func aClickSelectsAUserAndTheWheelMovesTheSelection() throws {
        var s = try Fixture.state(.users)
        let fourth = s.users.results[3].id
        Self.click(&s, row: try Self.row(of: fourth, in: s))
        #expect(s.users.selected == 3)
        #expect(s.users.selectedMember?.id == fourth)
        s.handle(.mouse(x: 10, y: 10, kind: .wheelDown))
        #expect(s.users.selected == 6)
        s.handle(.mouse(x: 10, y: 10, kind: .wheelUp))
        s.handle(.mouse(x: 10, y: 10, kind: .wheelUp))
        #expect(s.users.selected == 0, "the wheel stops at the top")
    }

    @Test func aClickFollowsTheScrolledList() throws {
        // With the selection at the end, the table has scrolled: a click hits the row drawn there, not row y-3.
        var s = try Fixture.state(.achievements)
        s.press(.end)
        let last = s.achievements.selected
        #expect(last > 20)
        let visibleRows = AppView.render(s, width: 80, height: 24, glyphs: .unicode).hits.compactMap { hit -> Int? in
            if case .row(.achievements, let r) = hit.target { return r } else { return nil }
        }
        #expect(visibleRows.contains(last) && !visibleRows.contains(0))
        let y = try #require(AppView.render(s, width: 80, height: 24, glyphs: .unicode).hits.first { $0.target == .row(.achievements, last - 2) }?.y)
        Self.click(&s, row: y)
        #expect(s.achievements.selected == last - 2)
    }

    @Test func aClickOnAUsersAchievementSelectsIt() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        s.type("u-1002")
        s.press(.enter)
        let p = try #require(s.users.profile)
        #expect(p.achievements.count > 1)
        let y = try #require(AppView.render(s, width: 80, height: 24, glyphs: .unicode).hits.first { $0.target == .row(.userAchievements, 1) }?.y)
        Self.click(&s, row: y)
        #expect(s.users.achievementSelected == 1)
        Self.click(&s, row: y, kind: .doubleClick)
        #expect(s.users.evidence != nil, "a double click opens the evidence")
    }

    @Test func clicksPickThePartnerOrTheFailure() throws {
        var s = try DeliveriesPaneTests.failedState("HTTP 500")
        s.press(.left)
        #expect(!s.deliveries.onFailures)
        let render = AppView.render(s, width: 80, height: 24, glyphs: .unicode)
        let failure = try #require(render.hits.first { $0.target == .row(.failures, 0) })
        Self.click(&s, row: failure.y)
        #expect(s.deliveries.onFailures && s.deliveries.failureSelected == 0)
        let partner = try #require(AppView.render(s, width: 80, height: 24, glyphs: .unicode).hits.first { $0.target == .row(.partners, 0) })
        Self.click(&s, row: partner.y)
        #expect(!s.deliveries.onFailures && s.deliveries.selected == 0)
    }

    @Test func theMouseWaitsWhileTextIsTypedAndAClickClosesTheHelp() throws {
        var s = try Fixture.state(.users)
        s.press(.character("/"))
        Self.click(&s, row: 0, x: 2)
        #expect(s.screen == .users && s.users.search.editing)
        s.press(.escape)
        s.press(.character("?"))
        #expect(s.showHelp)
        s.handle(.mouse(x: 1, y: 1, kind: .wheelDown))
        #expect(s.showHelp, "the wheel leaves the help open")
        Self.click(&s, row: 5)
        #expect(!s.showHelp)
    }

    @Test func aClickAtAnotherSizeUsesThatLayout() throws {
        var s = try Fixture.state(.users)
        s.viewport = Viewport(width: 200, height: 50, glyphs: .unicode)
        let tenth = s.users.results[9].id
        Self.click(&s, row: try Self.row(of: tenth, in: s), x: 150)
        #expect(s.users.selected == 9)
    }

    // MARK: - y

    @Test func yCopiesTheSelectedRowsIdOnEveryScreenWithRows() throws {
        var s = try Fixture.state(.programs)
        s.press(.character("y"))
        let program = s.programs.rows[0].program.program.id
        #expect(s.status == "copied \(program) (OSC 52: the terminal must allow it)")
        #expect(s.takeCopy() == program)
        #expect(s.takeCopy() == nil, "taken once")

        s.press(.character("2"), .down, .character("y"))
        #expect(s.takeCopy() == s.users.results[1].id)
        s.press(.enter, .character("y"))
        #expect(s.takeCopy() == s.users.profile?.achievements.first?.achievement.id ?? s.users.profile?.member.id)

        s.press(.character("3"), .character("y"))
        let achievement = try #require(s.achievements.selectedRecord?.achievement.id)
        #expect(s.takeCopy() == achievement)

        s.press(.character("6"), .character("y"))
        #expect(s.takeCopy() == s.deliveries.partners.first?.partnerID)
    }

    @Test func yOnAFailureCopiesTheDeliveryId() throws {
        var s = try DeliveriesPaneTests.failedState("HTTP 500")
        s.press(.character("y"))
        let copied = s.takeCopy()
        let id = try #require(copied)
        #expect(id.hasPrefix("ach-") && id.hasSuffix(":pillowco"))
        #expect(id == s.deliveries.partners[s.deliveries.selected].failures[0].id)
    }

    @Test func theLiveScreenDoesNotPromiseY() {
        let (own, global) = KeyMap.bindings(for: .live)
        #expect(!(own + global).contains { $0.action == .copyID })
    }

    @Test func theOSC52SequenceIsBase64BetweenTheBrackets() {
        let bytes = Clipboard.sequence(for: "u-123", insideTmux: false)
        #expect(String(decoding: bytes, as: UTF8.self) == "\u{1B}]52;c;" + Data("u-123".utf8).base64EncodedString() + "\u{1B}\\")
        #expect(String(decoding: bytes, as: UTF8.self) == "\u{1B}]52;c;dS0xMjM=\u{1B}\\")
    }

    @Test func insideTmuxThePlainSequenceIsFollowedByThePassthroughCopy() {
        let text = String(decoding: Clipboard.sequence(for: "ach-1", insideTmux: true), as: UTF8.self)
        let plain = "\u{1B}]52;c;YWNoLTE=\u{1B}\\"
        #expect(text == plain + "\u{1B}Ptmux;\u{1B}\u{1B}]52;c;YWNoLTE=\u{1B}\u{1B}\\\u{1B}\\")
    }

    @Test func theClipboardWritesThroughTheWriterItIsGiven() {
        final class Sink: @unchecked Sendable { var bytes: [UInt8] = [] }
        let sink = Sink()
        Clipboard(insideTmux: false) { sink.bytes += $0 }.copy("日本 é")
        let text = String(decoding: sink.bytes, as: UTF8.self)
        #expect(text.hasPrefix("\u{1B}]52;c;") && text.hasSuffix("\u{1B}\\"))
        let payload = String(text.dropFirst(7).dropLast(2))
        #expect(Data(base64Encoded: payload).map { String(decoding: $0, as: UTF8.self) } == "日本 é")
    }
}
