import Foundation
import IncentivesCore
import IncentivesDelivery
import IncentivesInput
import IncentivesStore
import IncentivesText

/// Delivery throughput: achievements POSTed to a loopback receiver that verifies every signature,
/// sequentially, then with 4 and 16 requests in flight, and with the outbox marked once per request
/// versus once per batch. Called by `incentives bench` with the achievements of its generated load.
///
///     print(try DeliveryBench.measure(catalog: files.catalog, roster: files.roster, events: files.events, dir: dir))
///
/// or, with finer control:
///
///     let rows = try DeliveryBench.run(store: store, limit: 20_000)            // the SQLite outbox, after an ingest
///     let rows = try DeliveryBench.run(achievements: achievements, roster: roster) // in memory, no disk
///     Output.stdout.write(DeliveryBench.table(rows))
public enum DeliveryBench {
    struct Row {
        let mode: String
        let concurrency: Int
        let batch: Int
        let deliveries: Int
        let seconds: Double
        var perSecond: Double { seconds > 0 ? Double(deliveries) / seconds : 0 }
    }

    /// One configuration of the sender.
    struct Mode {
        let name: String
        let concurrency: Int
        let batch: Int
    }

    static let modes = [
        Mode(name: "sequential", concurrency: 1, batch: 1),
        Mode(name: "sequential", concurrency: 1, batch: 256),
        Mode(name: "concurrent", concurrency: 4, batch: 256),
        Mode(name: "concurrent", concurrency: 16, batch: 256),
        Mode(name: "concurrent", concurrency: 64, batch: 1024),
    ]

    /// Every mode over the same achievements (at most `limit`), each into a fresh outbox and receiver.
    /// `makeQueue` builds the outbox for one run (in memory by default; the store's SQLite outbox measures
    /// what marking rows costs on disk).
    /// `latency`: seconds the receiver waits before each answer, standing in for a partner across a network.
    static func run(achievements: [Achievement], roster: Roster?, limit: Int? = nil, latency: Double = 0, modes: [Mode] = modes,
                    makeQueue: (([DeliverableAchievement], Partner) throws -> any DeliveryQueue)? = nil,
                    progress: (String) -> Void = { _ in }) throws -> [Row] {
        let secret = PartnerSecret("bench-secret-0123456789abcdef")
        let items = achievements.prefix(limit ?? achievements.count).map { DeliverableAchievement($0, member: roster?.member($0.user)) }
        let employers = Set(items.map(\.employer))
        var rows: [Row] = []
        for mode in modes {
            let receiver = try LoopbackReceiver(secret: secret, keepsRequests: false, latency: latency)
            defer { receiver.stop() }
            let partner = Partner(id: "bench", name: "Bench", employers: employers, rewards: nil,
                                  channel: .webhook(url: receiver.url.absoluteString), secretEnv: "BENCH_SECRET")
            let queue: any DeliveryQueue
            if let makeQueue {
                queue = try makeQueue(items, partner)
            } else {
                let q = InMemoryDeliveryQueue()
                for i in items { q.enqueue(i, partners: [partner], at: 0) }
                queue = q
            }
            let deliverer = Deliverer(queue: queue, targets: [.init(partner: "bench", url: receiver.url, secret: secret)],
                                      client: WebhookClient(timeout: 30), policy: RetryPolicy(maxAttempts: 3, base: 0.01, cap: 0.1),
                                      concurrency: mode.concurrency, batchSize: mode.batch)
            let start = DispatchTime.now().uptimeNanoseconds
            let report = try deliverer.drain()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard report.delivered == items.count, receiver.accepted.count == items.count, receiver.duplicates == 0 else {
                throw BenchFailure(.software, "delivery bench \(mode.name)/\(mode.concurrency): delivered \(report.delivered), receiver took \(receiver.accepted.count) of \(items.count)")
            }
            let row = Row(mode: mode.name + (latency > 0 ? " (partner \(Int(latency * 1000)) ms away)" : ""), concurrency: mode.concurrency, batch: mode.batch, deliveries: items.count, seconds: seconds)
            progress("delivery \(mode.name) concurrency \(mode.concurrency) batch \(mode.batch): \(Int(row.perSecond))/s")
            rows.append(row)
        }
        return rows
    }

    /// Over the store's real outbox (after an ingest of the benchmark load): every partner of the catalog is
    /// pointed at the loopback receiver, and before each mode the first `limit` deliveries (in recording order)
    /// are made pending again, the rest delivered. Marking rows is now a SQLite write transaction (synchronous
    /// = FULL), so this is where marking per request against per batch shows.
    /// `latency`: seconds the receiver waits before each answer, standing in for a partner across a network.
    static func run(store: Store, limit: Int? = nil, latency: Double = 0, modes: [Mode] = modes,
                    progress: (String) -> Void = { _ in }) throws -> [Row] {
        let secret = PartnerSecret("bench-secret-0123456789abcdef")
        let partners = try store.catalog().partners.map(\.id)
        let queue = StoreDeliveryQueue(store: store)
        let total = try store.db.integer("SELECT count(*) FROM deliveries")
        let n = min(limit ?? total, total)
        var rows: [Row] = []
        for mode in modes {
            let receiver = try LoopbackReceiver(secret: secret, keepsRequests: false, latency: latency)
            defer { receiver.stop() }
            try store.db.transaction {
                try store.db.run("UPDATE deliveries SET status = 'delivered', attempts = 1, last_error = NULL, delivered_at = 0")
                try store.db.run("""
                    UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = 0, delivered_at = NULL
                    WHERE id IN (SELECT d.id FROM deliveries d JOIN achievements a ON a.id = d.achievement_id ORDER BY a.seq, d.partner LIMIT ?)
                    """, .int(Int64(n)))
            }
            let deliverer = Deliverer(queue: queue, targets: partners.map { .init(partner: $0, url: receiver.url, secret: secret) },
                                      client: WebhookClient(timeout: 30), policy: RetryPolicy(maxAttempts: 3, base: 0.01, cap: 0.1),
                                      concurrency: mode.concurrency, batchSize: mode.batch)
            let start = DispatchTime.now().uptimeNanoseconds
            let report = try deliverer.drain()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            guard report.delivered == n, receiver.accepted.count == n, receiver.duplicates == 0 else {
                throw BenchFailure(.software, "delivery bench \(mode.name)/\(mode.concurrency): delivered \(report.delivered), receiver took \(receiver.accepted.count) of \(n)")
            }
            let where_ = latency > 0 ? " (SQLite, partner \(Int(latency * 1000)) ms away)" : " (SQLite)"
            let row = Row(mode: mode.name + where_, concurrency: mode.concurrency, batch: mode.batch, deliveries: n, seconds: seconds)
            progress("delivery \(row.mode) concurrency \(mode.concurrency) batch \(mode.batch): \(Int(row.perSecond))/s")
            rows.append(row)
        }
        return rows
    }

    /// The whole measurement from the benchmark's three files: a fresh database in `dir` (`delivery-bench.sqlite`),
    /// the catalog and roster loaded and the events ingested as `init` and `ingest` do, then every mode over
    /// up to `limit` deliveries on loopback, and 500 deliveries to a partner 20 ms away. Returns the table.
    public static func measure(catalog: String, roster: String, events: String, dir: String, limit: Int? = nil,
                        progress: (String) -> Void = { _ in }) throws -> String {
        let path = (dir as NSString).appendingPathComponent("delivery-bench.sqlite")
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let catalogData = try InputFile.readAll(catalog)
        let decoded = try CatalogDecoder.decode(catalogData, file: catalog)
        let members = try RosterDecoder.load(path: roster, catalog: decoded)
        let store = try Store(path: path)
        try store.load(catalogJSON: catalogData, catalogFile: catalog, roster: members, rosterFile: roster)
        let ingested = try Ingestor(store: store).ingest(path: events)
        let deliveries = try store.db.integer("SELECT count(*) FROM deliveries")
        progress("delivery bench: \(ingested.counts.achievements) achievements, \(deliveries) deliveries to partners")
        var rows = try run(store: store, limit: limit, progress: progress)
        rows += try run(store: store, limit: min(500, deliveries), latency: 0.02, progress: progress)
        return "delivery: \(ingested.counts.achievements) achievements of \(ingested.counts.read) event lines, \(deliveries) deliveries\n" + table(rows)
    }

    /// The table README quotes.
    static func table(_ rows: [Row]) -> String {
        var s = "| sender | in flight | rows marked per batch | deliveries | seconds | deliveries/s |\n"
        s += "|---|---:|---:|---:|---:|---:|\n"
        for r in rows {
            s += "| \(r.mode) | \(r.concurrency) | \(r.batch) | \(r.deliveries) | \(String(format: "%.2f", r.seconds)) | \(Int(r.perSecond.rounded())) |\n"
        }
        return s
    }
}
