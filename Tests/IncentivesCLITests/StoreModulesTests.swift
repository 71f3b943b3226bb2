import Foundation
import Testing

/// Issue 22 item 3: each store is a module of its own. SwiftPM lets a target import a module it does not declare when
/// that module happens to be built first, so the boundaries are read from the sources: the SQLite store holds no
/// PostgreSQL code, the PostgreSQL store does not reach into the SQLite one, what they share links neither library,
/// and only the factory (`IncentivesStores`) sees both.
@Suite("Store modules: SQLite, PostgreSQL, what they share, and the one factory")
struct StoreModulesTests {
    /// Every `.swift` file under `Sources/<module>`, with its lines of code (comments aside).
    static func code(of module: String) throws -> [(file: String, lines: [String])] {
        let root = Binary.packageRoot + "/Sources/" + module
        let files = try #require(FileManager.default.enumerator(atPath: root), "no Sources/\(module)")
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        return try files.sorted().map { file in
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            return (file, text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                let code = line.trimmingCharacters(in: .whitespaces)
                return code.hasPrefix("//") ? "" : (code.components(separatedBy: " //").first ?? code)
            })
        }
    }

    /// `file:line: text` of each line of `module` that `matches`.
    static func lines(of module: String, where matches: (String) -> Bool) throws -> [String] {
        try code(of: module).flatMap { f in
            f.lines.enumerated().filter { matches($0.element) }.map { "\(module)/\(f.file):\($0.offset + 1): \($0.element)" }
        }
    }

    static func imports(_ names: [String]) -> (String) -> Bool {
        { line in names.contains { line == "import \($0)" || line == "@testable import \($0)" } }
    }

    @Test("Sources/IncentivesPostgres exists and imports neither the SQLite store nor SQLite")
    func postgresModule() throws {
        #expect(try Self.code(of: "IncentivesPostgres").count > 10)
        #expect(try Self.lines(of: "IncentivesPostgres", where: Self.imports(["IncentivesStore", "CSQLite", "IncentivesStores"])) == [])
    }

    @Test("the SQLite store names no PostgreSQL type and links no libpq")
    func sqliteModule() throws {
        let pg = try Regex(#"\bPG[A-Z][A-Za-z]*\b|PostgresDialect|\bCLibPQ\b"#)
        #expect(try Self.lines(of: "IncentivesStore", where: { $0.contains(pg) }) == [])
        #expect(try Self.lines(of: "IncentivesStore", where: Self.imports(["IncentivesPostgres", "IncentivesStores"])) == [])
    }

    @Test("what both SQL stores share links neither database library nor either store")
    func sharedModule() throws {
        #expect(try Self.lines(of: "IncentivesSQL", where: Self.imports(["CSQLite", "CLibPQ", "IncentivesStore", "IncentivesPostgres",
                                                                            "IncentivesStores"])) == [])
    }

    @Test("commands reach the PostgreSQL store only through the factory")
    func commands() throws {
        #expect(try Self.lines(of: "incentives", where: Self.imports(["IncentivesPostgres"])) == [])
    }
}
