import Foundation
import IncentivesStore
import Testing

/// Issue 20's wishes through the real terminal, on a SQLite store, with NO_COLOR set: `f` narrows Users to those who
/// logged on 5 days or more without an award, and a user's page says where each award is, the partner's hostile
/// answer shown escaped.
@Suite("wishes in tmux", .timeLimit(.minutes(5)))
struct WishesEndToEndTests {
    @Test func findByStateThenWhereIsTheAward() throws {
        try Tmux.required()
        let binary = try Binary.located()
        let dir = TempDir()
        let f = Fixture.directory
        let db = dir.path("w.sqlite")
        for args in [["init", "--db", db, "--catalog", "\(f)/catalog.json", "--roster", "\(f)/roster.jsonl"],
                     ["ingest", "--db", db, "--events", "\(f)/events.jsonl"]] {
            let r = try runProcess(binary, args)
            try #require(r.status == 0 || r.status == 65, "\(args[0]): \(r.stderr)")
        }
        let writer = try Database(path: db, mode: .readWrite(create: false))
        try writer.run("""
            UPDATE deliveries SET status = 'failed', attempts = 8, last_error = ?
            WHERE achievement_id IN (SELECT id FROM achievements WHERE user = 'u-1002')
            """, .text("HTTP 422 \u{1b}[2Jgone"))
        let tmux = try Tmux("\(binary) console --db '\(db)' --today 2026-11-25 --screen 2", width: 120, height: 40, env: ["NO_COLOR": "1"])
        tmux.wait(for: "/ search:")
        tmux.send("f")
        var screen = tmux.wait(for: "state: logged ≥ 5 days, no award")
        // The same users as the golden screen over the same files in memory.
        screen = tmux.wait(for: "6 users")
        #expect(screen.contains("u-1001") && screen.contains("u-1016") && !screen.contains("u-1002"), "\(screen)")
        tmux.send("Escape")
        tmux.wait(for: "16 users")
        tmux.send("/")
        tmux.type("u-1002")
        tmux.send("Enter")
        screen = tmux.wait(for: "failed at giftly after 8 attempts: HTTP 422")
        #expect(screen.contains("2026-11-20  failed"), "\(screen)")
        // The partner's escape is shown as text, never sent to the terminal; NO_COLOR: attributes, no colours.
        #expect(screen.contains("HTTP 422 \\u{1B}[2Jgone"), "\(screen)")
        let styled = tmux.capture(escapes: true)
        #expect(!(30...37).contains { styled.contains("\u{1b}[\($0)m") || styled.contains(";\($0)m") } && !styled.contains("38;5;"), "\(styled)")
        tmux.send("q", "q")
    }
}
