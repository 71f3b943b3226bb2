import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesStore
import Testing

/// The Programs screen for a sales demo and for support: `p` previews a proposed catalog over the events beside
/// the current menu; `v` lists the catalog versions and what each changed.
@Suite(.timeLimit(.minutes(10)))
struct ProgramsVersionsTests {
    /// The fixture catalog with every limit raised by one.
    static func proposal(in dir: TempDir) throws -> String {
        let text = try String(contentsOfFile: Fixture.directory + "/catalog.json", encoding: .utf8)
        let raised = text.replacing(#/"limit": ([0-9]+)/#) { m in "\"limit\": \(Int(m.1)! + 1)" }
        #expect(raised != text)
        return dir.write("proposed.json", raised)
    }

    @Test func pPreviewsAProposedCatalogBesideTheCurrentOne() throws {
        let dir = TempDir()
        var s = try Fixture.state(.programs)
        s.press(.character("p"))
        #expect(Fixture.text(s, 120, 40).contains("proposed catalog file:"))
        s.type(try Self.proposal(in: dir))
        s.press(.enter)
        let preview = try #require(s.programs.preview)
        // The current column is what the screen counts today, reward by reward.
        let earned = s.programs.overview.flatMap(\.programs).flatMap { p in p.rewards.map { (p.program.id, $0.reward.reward, $0.achievements) } }
        for (program, reward, n) in earned {
            #expect(preview.rows.first { $0.program == program && $0.reward == reward }?.current == n, "\(program) \(reward)")
        }
        #expect(preview.rows.contains { $0.proposed > $0.current }, "a raised limit gives more awards somewhere")
        #expect(preview.rows.allSatisfy { $0.proposed >= $0.current })
        let screen = Fixture.text(s, 120, 40)
        #expect(screen.contains("preview of ") && screen.contains("Proposed"))
        s.press(.escape)
        #expect(s.programs.preview == nil)
    }

    @Test func aRefusedProposalSaysWhy() throws {
        let dir = TempDir()
        var s = try Fixture.state(.programs)
        s.press(.character("p"))
        s.type(dir.write("bad.json", #"{"incentives": ["#))
        s.press(.enter)
        #expect(s.programs.preview == nil)
        #expect(Fixture.text(s, 120, 40).contains("preview refused: "))
        s.press(.character("p"))
        s.type(dir.path("missing.json"))
        s.press(.enter)
        #expect(Fixture.text(s, 120, 40).contains("preview refused: "))
    }

    @Test func vListsTheVersionsOfAStore() throws {
        let dir = TempDir()
        let db = dir.path("db.sqlite")
        let roster = Fixture.directory + "/roster.jsonl"
        #expect(try Binary.run(["init", "--db", db, "--catalog", Fixture.directory + "/catalog.json", "--roster", roster]).status == 0)
        let changed = try Binary.run(["init", "--db", db, "--catalog", try Self.proposal(in: dir), "--roster", roster, "--effective", "2026-11-01"])
        #expect(changed.status == 0, "\(changed.stderr)")
        let data = try ReaderConsoleData(sourceName: db, open: { try StoreReader(path: db) }, retry: StoreDeliveryRetry(path: db))
        var s = AppState(data: data, clock: Fixture.clock, screen: .programs)
        #expect(Fixture.text(s, 120, 40).contains("catalog version 2 · effective 2026-11-01"))
        s.press(.character("v"))
        let screen = Fixture.text(s, 120, 40)
        #expect(screen.contains("version 2 · effective 2026-11-01"))
        #expect(screen.contains("limit 1 → 2"))
        s.press(.character("v"))
        #expect(!Fixture.text(s, 120, 40).contains("Catalog versions"))
    }
}
