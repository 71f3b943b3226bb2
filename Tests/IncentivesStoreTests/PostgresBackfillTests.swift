import Foundation
import Testing

/// `init --backfill` on PostgreSQL goes through the same evaluation as on SQLite (`CatalogBackfill`): the demo's
/// proposed catalog, backfilled half-way through the demo's events, records the same awards, and the events after
/// it give the same achievements, their delivery rows included, as on SQLite.
@Suite("PostgreSQL backfill", .timeLimit(.minutes(10)))
struct PostgresBackfillTests {
    /// `fraction`: how much of the demo's events is stored when the proposed catalog comes. Half: history gives the
    /// new Fitness tracker no award yet, but its progress is handed over and the rest of the events complete it;
    /// all: history awards it at once.
    @Test("init --backfill on PostgreSQL records what it records on SQLite, and what follows goes on the same", arguments: [0.5, 1.0])
    func backfillMatchesSQLite(fraction: Double) throws {
        let server = try PostgresServer.shared()
        let bin = try Binary.located()
        let demo = Binary.packageRoot + "/Assets/demo/"
        let dir = TempDir(prefix: "pg-backfill")
        let lines = try String(contentsOfFile: demo + "events.jsonl", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let half = Int(Double(lines.count) * fraction)
        let first = dir.write("first.jsonl", lines[..<half].joined(separator: "\n") + "\n")
        let second = dir.write("second.jsonl", lines[half...].joined(separator: "\n"))
        let pg = try server.database("backfill"), sqlite = dir.path("demo.sqlite")
        var outputs: [[String]] = []
        for db in [sqlite, pg] {
            func run(_ args: [String]) throws -> ProcessOutput { try runProcess(bin, args + ["--db", db]) }
            var seen: [String] = []
            #expect(try run(["init", "--catalog", demo + "catalog.json", "--roster", demo + "roster.jsonl"]).status == 0)
            let ingested = try run(["ingest", "--events", first])
            #expect(ingested.status == 0 || ingested.status == 65, "\(ingested.stderr)")
            let backfill = try run(["init", "--catalog", demo + "catalog-proposed.json", "--roster", demo + "roster.jsonl",
                                    "--effective", "2026-12-01", "--backfill"])
            #expect(backfill.status == 0, "\(db): \(backfill.stderr)")
            let said = backfill.stdout.split(separator: "\n").filter { $0.hasPrefix("backfill:") || $0.hasPrefix("  ") }.map(String.init)
            if fraction == 1 { #expect(said.contains { $0.hasPrefix("backfill: ") && !$0.hasPrefix("backfill: 0 ") }, "\(backfill.stdout)") }
            seen += said
            seen.append(try run(["achievements", "--format", "jsonl"]).stdout)
            let rest = try run(["ingest", "--events", second])
            #expect(rest.status == 0 || rest.status == 65, "\(rest.stderr)")
            seen.append(try run(["achievements", "--format", "jsonl"]).stdout)
            seen.append(try run(["deliver", "--status"]).stdout)
            // The same version again: nothing is awarded twice.
            let again = try run(["init", "--catalog", demo + "catalog-proposed.json", "--roster", demo + "roster.jsonl", "--backfill"])
            #expect(again.status == 0, "\(again.stderr)")
            #expect(again.stdout.contains("backfill: 0 awards"), "\(again.stdout)")
            outputs.append(seen)
        }
        try #require(outputs.count == 2)
        #expect(outputs[0].count == outputs[1].count)
        for (s, p) in zip(outputs[0], outputs[1]) { #expect(s == p) }
        let final = try #require(outputs[1].dropLast().last)
        #expect(final.split(separator: "\n").contains { $0.contains("Fitness tracker") && $0.contains("\"catalogVersion\":2") }, "\(final.suffix(500))")
    }
}
