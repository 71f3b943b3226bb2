import Foundation
import IncentivesConsole
import IncentivesCore
import IncentivesStore
import Testing

/// `UserQuery` means the same from SQLite (`StoreReader`, SQL with `instr`) as in memory: the same users, in the
/// same order, with the same totals, for ids made to trip LIKE (`%`, `_`), case and non-ASCII letters.
@Suite(.timeLimit(.minutes(10)))
struct UserQueryAgreementTests {
    static let tricky = ["a%b", "a_b", "A_B", "axb", "50%", "Äbc", "äbc", "x:y", "Zed", "zed-2", "u-%_"]

    /// A database made by `incentives init` with 3,000 plain users and the tricky ones, and the same roster in memory.
    static func both() throws -> (store: ReaderConsoleData, memory: InMemoryConsoleData) {
        let binary = try #require(Binary.path)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("user-query-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let zones = ["America/Chicago", "Europe/Paris", "Asia/Tokyo", "UTC"]
        let employers = ["\"acme\"", "\"globex\"", "null"]
        var lines = (1...3_000).map { i in
            "{\"id\": \"u-\(i)\", \"employer\": \(employers[i % 3]), \"timezone\": \"\(zones[i % 4])\", \"eligibleFrom\": \"2026-01-01\"}"
        }
        for (i, id) in tricky.enumerated() {
            lines.append("{\"id\": \"\(id)\", \"employer\": \(employers[i % 3]), \"timezone\": \"\(zones[i % 4])\", \"eligibleFrom\": \"2026-01-01\"}")
        }
        let roster = dir.appendingPathComponent("roster.jsonl").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: roster, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("u.sqlite").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = ["init", "--db", db, "--catalog", Fixture.directory + "/catalog.json", "--roster", roster]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0)
        let store = try ReaderConsoleData(sourceName: db, open: { try StoreReader(path: db) }, retry: StoreDeliveryRetry(path: db))
        let memory = try InMemoryConsoleData(catalogPath: Fixture.directory + "/catalog.json", rosterPath: roster, eventsPath: nil)
        return (store, memory)
    }

    @Test func storeAndMemoryAgreeOnEveryQuery() throws {
        let (store, memory) = try Self.both()
        let queries: [UserQuery] = [
            UserQuery(),
            UserQuery(idContains: "%"), UserQuery(idContains: "_"), UserQuery(idContains: "a_b"), UserQuery(idContains: "A%"),
            UserQuery(idContains: "äb"), UserQuery(idContains: "ÄB"), UserQuery(idContains: "ZED"), UserQuery(idContains: ":"),
            UserQuery(idContains: "12"), UserQuery(idPrefix: "u-1"), UserQuery(idPrefix: "A"),
            UserQuery(employer: "globex"), UserQuery(zone: "paris"), UserQuery(zone: "EUROPE/PARIS", limit: 7),
            UserQuery(idContains: "9", employer: "acme", zone: "tokyo"),
            UserQuery(limit: 50), UserQuery(afterID: "u-2000", limit: 30), UserQuery(limit: 25, offset: 2_990),
            UserQuery(idContains: "1", afterID: "u-1500", limit: 40, offset: 5),
        ]
        for q in queries {
            let a = store.users(q), b = memory.users(q)
            #expect(a.rows.map(\.id) == b.rows.map(\.id), "\(q)")
            #expect(a.total == b.total, "\(q)")
        }
        // What the tricky ids mean, spelled out.
        #expect(memory.users(UserQuery(idContains: "%")).rows.map(\.id) == ["50%", "a%b", "u-%_"])
        #expect(memory.users(UserQuery(idContains: "a_b")).rows.map(\.id) == ["A_B", "a_b"])
        #expect(memory.users(UserQuery(idContains: "äb")).rows.map(\.id) == ["äbc"])
        // Ids sort by their UTF-8 bytes, as in SQLite: upper case before lower, non-ASCII last.
        let ids = memory.users(UserQuery()).rows.map(\.id)
        #expect(ids.first == "50%" && ids.suffix(2) == ["Äbc", "äbc"])
    }

    /// Keyset pages laid end to end are the whole list, from either data source.
    @Test func pagesByAfterIDCoverTheList() throws {
        let (store, memory) = try Self.both()
        for data in [store as any ConsoleData, memory] {
            var seen: [String] = []
            var q = UserQuery(zone: "chicago", limit: 200)
            while true {
                let page = data.users(q)
                seen += page.rows.map(\.id)
                guard let last = page.rows.last, page.rows.count == 200 else { break }
                q.afterID = last.id
            }
            #expect(seen == data.users(UserQuery(zone: "chicago")).rows.map(\.id))
            #expect(seen.count == data.users(UserQuery(zone: "chicago", limit: 1)).total)
        }
    }
}
