import Foundation
import Testing
import IncentivesCore
@testable import IncentivesStore

/// `init` says what changed once it has changed it (issue 21): a catalog change refused with 75 listed its changes
/// first, which read as applied.
@Suite("init lists the catalog's changes only once they are stored")
struct PostgresInitOutputTests {
    @Test func refusedInitListsNoChanges() throws {
        let server = try PostgresServer.shared()
        let binary = try Binary.located()
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 1_500, seed: 41)
        let changed = dir.write("catalog-2.json", Generated.catalog.replacingOccurrences(of: #""reward": "Socks", "limit": 4"#,
                                                                                         with: #""reward": "Socks", "limit": 5"#))
        let db = try server.database()
        #expect(try runProcess(binary, ["init", "--db", db, "--catalog", g.inputs.catalog, "--roster", g.inputs.roster]).status == 0)
        #expect(try runProcess(binary, ["ingest", "--db", db, "--events", g.inputs.events, "--inbox-only"]).status == 65)
        let refused = try runProcess(binary, ["init", "--db", db, "--catalog", changed, "--roster", g.inputs.roster])
        #expect(refused.status == 75, "\(refused.stderr)")
        #expect(refused.stderr.contains("stored events are not evaluated yet"), "\(refused.stderr)")
        #expect(!refused.stdout.contains("catalog changes"), "\(refused.stdout)")
        // A dry run says what would change; once the inbox is evaluated, init applies it and says so.
        let dry = try runProcess(binary, ["init", "--db", db, "--catalog", changed, "--roster", g.inputs.roster, "--dry-run"])
        #expect(dry.stdout.contains("catalog changes") && dry.stdout.contains("dry run: nothing stored"), "\(dry.stdout)")
        #expect(try runProcess(binary, ["work", "--db", db, "--until-drained"]).status == 0)
        let applied = try runProcess(binary, ["init", "--db", db, "--catalog", changed, "--roster", g.inputs.roster])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("catalog changes"), "\(applied.stdout)")
    }
}
