import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesText

/// The benchmark's input files, generated once per size and reused.
public enum BenchInput {
    public struct Files: Sendable {
        public let catalog: String
        public let roster: String
        public let events: String
        public let lines: Int
        public let bytes: Int
    }

    public static func prepare(users: Int, days: Int, employers: Int, dir: String) throws -> Files {
        let files = (catalog: dir + "/catalog.json", roster: dir + "/roster.jsonl", events: dir + "/events.jsonl")
        let marker = dir + "/.complete-\(users)x\(days)x\(employers)"
        if !FileManager.default.fileExists(atPath: marker) {
            printError("generating \(users) users × \(days) days into \(dir) ...")
            var g = LoadGenerator()
            g.users = users
            g.days = days
            g.employers = employers
            g.firstDay = LocalDate(iso: "2026-03-01")!
            g.badLineRate = 0.00001
            do {
                try g.write(to: dir)
                _ = FileManager.default.createFile(atPath: marker, contents: Data())
            } catch {
                throw BenchFailure(.cantCreate, "\(dir): \(error)")
            }
        }
        let attrs = try FileManager.default.attributesOfItem(atPath: files.events)
        let bytes = (attrs[.size] as? Int) ?? 0
        var lines = 0
        try EventStream(path: files.events).forEach { _ in lines += 1; return true }
        return Files(catalog: files.catalog, roster: files.roster, events: files.events, lines: lines, bytes: bytes)
    }

    /// The same catalog with every program ending 9999-12-31, the "open-ended" sentinel employers use: memory
    /// must follow what users logged, not the calendar (DESIGN "Hostile input").
    static func openEndedCatalog(_ files: Files, dir: String) throws -> String {
        let path = dir + "/catalog-open-ended.json"
        guard var catalog = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: files.catalog))) as? [String: Any],
              var employers = catalog["employers"] as? [[String: Any]] else {
            throw BenchFailure(.software, "\(files.catalog): not a catalog")
        }
        for e in employers.indices {
            var programs = employers[e]["programs"] as? [[String: Any]] ?? []
            for p in programs.indices { programs[p]["ends"] = "9999-12-31" }
            employers[e]["programs"] = programs
        }
        catalog["employers"] = employers
        try JSONSerialization.data(withJSONObject: catalog, options: [.sortedKeys]).write(to: URL(fileURLWithPath: path))
        return path
    }
}
