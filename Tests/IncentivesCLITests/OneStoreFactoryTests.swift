import Foundation
import Testing

/// Issue 22: commands choose a store through one factory (`Stores`) and work on ports; none names a concrete store
/// type or asks which store it has (what differs is said by `StoreTraits`).
@Suite("Commands reach stores through the one factory")
struct OneStoreFactoryTests {
    /// What only the factory may say: the concrete stores, their ingests, workers and queues, and the URL test.
    static let concrete = ["isPostgres", "PGURL", "PGStore", "PGIngestor", "PGWorker", "PGDeliveryQueue", "PGDeliveryRetry",
                           "PGChangeSignal", "Ingestor(", "Store(path", "StoreReader(", "StoreDeliveryQueue", "StoreDeliveryRetry",
                           "SenderLock(", "as? PG", "Store.remove", "Ingestor.", "Store.LoadSummary"]

    @Test("no file under Sources/incentives names a concrete store, its ingest or its queue (comments aside)")
    func noConcreteStoreInCommands() throws {
        let root = Binary.packageRoot + "/Sources/incentives"
        let files = try #require(FileManager.default.enumerator(atPath: root)).compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20)
        var found: [String] = []
        for file in files {
            let text = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                guard !code.hasPrefix("//") else { continue }
                let beforeComment = code.components(separatedBy: " //").first ?? code
                for name in Self.concrete where beforeComment.contains(name) { found.append("\(file):\(n + 1): \(name)") }
            }
        }
        #expect(found == [])
    }
}
