import Foundation
import IncentivesCore
import IncentivesDelivery
import IncentivesInput
import IncentivesStore
import XCTest

/// The outbox in the real SQLite store: written with each achievement by the ingest, moved by the sender.
final class StoreOutboxTests: XCTestCase {
    var temp: TempDir!
    var dir: URL { temp.url }

    override func setUpWithError() throws {
        temp = TempDir(prefix: "outbox")
    }

    override func tearDownWithError() throws {
        temp = nil
    }

    /// A store holding the minimisation fixture's catalog and roster, with `events` ingested.
    func store(webhook url: String = "http://127.0.0.1:9/") throws -> Store {
        let catalogText = MinimisationTests.catalog.replacingOccurrences(of: "http://127.0.0.1:9/", with: url)
        let catalog = try CatalogDecoder.decode(Data(catalogText.utf8), file: "catalog.json")
        let roster = try RosterDecoder.decode(Data(MinimisationTests.roster.utf8), file: "roster.jsonl", catalog: catalog)
        let store = try Store(path: dir.appendingPathComponent("db.sqlite").path)
        try store.load(catalogJSON: Data(catalogText.utf8), catalogFile: "catalog.json", roster: roster, rosterFile: "roster.jsonl")
        var events = ""
        for (u, user) in ["u-secret-1001", "u-secret-1002"].enumerated() {
            for day in 1...3 {
                events += #"{"id": "e-\#(u)-\#(day)", "type": "health_data_logged", "user": "\#(user)", "at": "2026-03-0\#(day)T15:00:00Z", "category": "mood"}"# + "\n"
            }
            events += #"{"id": "b-\#(u)", "type": "birth_reported", "user": "\#(user)", "at": "2026-06-1\#(u)T09:00:00Z"}"# + "\n"
        }
        let path = dir.appendingPathComponent("events.jsonl").path
        try Data(events.utf8).write(to: URL(fileURLWithPath: path))
        let outcome = try Ingestor(store: store).ingest(path: path)
        XCTAssertEqual(outcome.counts.achievements, 4)
        return store
    }

    func testTheIngestWritesOneDeliveryPerServingPartnerWithEachAchievement() throws {
        let store = try store()
        let queue = StoreDeliveryQueue(store: store)
        // pillowco ships pillows (2 achievements), giftco takes everything (4).
        XCTAssertEqual(try queue.counts(), [PartnerDeliveryCounts(partner: "giftco", pending: 4, delivered: 0, failed: 0),
                                            PartnerDeliveryCounts(partner: "pillowco", pending: 2, delivered: 0, failed: 0)])
        let orphans = try store.db.integer("SELECT count(*) FROM deliveries d LEFT JOIN achievements a ON a.id = d.achievement_id WHERE a.id IS NULL")
        XCTAssertEqual(orphans, 0)
        let due = try queue.due(partners: ["pillowco"], at: Date().timeIntervalSince1970, limit: 10)
        XCTAssertEqual(due.map(\.id), due.map { $0.achievement.id + ":pillowco" })
        XCTAssertEqual(due.map(\.achievement.reward), ["Pregnancy pillow", "Pregnancy pillow"])
        XCTAssertEqual(due.last?.achievement.partnerMemberIDs, ["giftco": "GC-9"], "the roster's partner ids come along")
    }

    func testSendingThroughTheStoreMarksRowsAndFailuresCanBeRetriedByHand() throws {
        let receiver = try LoopbackReceiver(secret: Fixtures.secret, script: [.status(200), .status(422)])
        defer { receiver.stop() }
        let store = try store(webhook: receiver.url.absoluteString)
        let queue = StoreDeliveryQueue(store: store)
        let deliverer = Deliverer(queue: queue, targets: [.init(partner: "pillowco", url: receiver.url, secret: Fixtures.secret)],
                                  client: WebhookClient(timeout: 5), policy: Fixtures.quickPolicy, concurrency: 1)
        let report = try deliverer.drain()
        XCTAssertEqual(report.delivered, 1)
        XCTAssertEqual(report.failed, 1)
        XCTAssertEqual(try queue.counts().first { $0.partner == "pillowco" },
                       PartnerDeliveryCounts(partner: "pillowco", pending: 0, delivered: 1, failed: 1))
        let failure = try XCTUnwrap(try queue.recentFailures(limit: 5).first)
        XCTAssertEqual(failure.partner, "pillowco")
        XCTAssertEqual(failure.attempts, 1)
        XCTAssertTrue(failure.lastError.hasPrefix("HTTP 422, not retried"), failure.lastError)

        XCTAssertTrue(try queue.retry(failure.id, at: Date().timeIntervalSince1970))
        XCTAssertFalse(try queue.retry(failure.id, at: Date().timeIntervalSince1970), "already pending")
        try deliverer.drain()
        XCTAssertEqual(try queue.counts().first { $0.partner == "pillowco" },
                       PartnerDeliveryCounts(partner: "pillowco", pending: 0, delivered: 2, failed: 0))
        XCTAssertEqual(Set(receiver.accepted).count, 2)
        XCTAssertTrue(receiver.requests.allSatisfy { Fixtures.minimised($0.body) != nil && $0.verdict == .valid })
        let row = try store.db.row("SELECT status, attempts, delivered_at IS NOT NULL FROM deliveries WHERE id = ?", .text(failure.id)) {
            ($0.text(0), $0.int(1), $0.int(2))
        }
        XCTAssertEqual(row?.0, "delivered")
        XCTAssertEqual(row?.1, 1, "a retry by hand starts a fresh attempt budget")
        XCTAssertEqual(row?.2, 1)
    }

    func testRetryFailedAndExportRangesReadTheStore() throws {
        let store = try store()
        let queue = StoreDeliveryQueue(store: store)
        let now = Date().timeIntervalSince1970
        for d in try queue.due(partners: ["giftco"], at: now, limit: 10) { try queue.markFailed(d.id, error: "disk full at partner", at: now) }
        XCTAssertEqual(try queue.recentFailures(limit: 2).count, 2)
        XCTAssertEqual(try queue.retryFailed(partner: "pillowco", at: now), 0)
        XCTAssertEqual(try queue.retryFailed(partner: nil, at: now), 4)

        let all = try queue.exportRows(partner: "giftco", since: nil, until: nil)
        XCTAssertEqual(all.count, 4)
        let march = try queue.exportRows(partner: "giftco", since: LocalDate(iso: "2026-03-01"), until: LocalDate(iso: "2026-03-31"))
        XCTAssertEqual(march.map(\.achievement.reward), ["Pregnancy pillow", "Pregnancy pillow"])
        XCTAssertEqual(march.map(\.achievement.user), ["u-secret-1001", "u-secret-1002"], "recording order")
        let a = BatchExport(partner: "giftco", secret: Fixtures.otherSecret, rows: march, format: .csv, since: LocalDate(iso: "2026-03-01"), until: nil)
        let b = BatchExport(partner: "giftco", secret: Fixtures.otherSecret,
                            rows: try queue.exportRows(partner: "giftco", since: LocalDate(iso: "2026-03-01"), until: LocalDate(iso: "2026-03-31")),
                            format: .csv, since: LocalDate(iso: "2026-03-01"), until: nil)
        XCTAssertEqual(a.data, b.data, "the same range reads back as the same bytes")
        try queue.markDelivered(a.deliveryIDs, at: now)
        XCTAssertEqual(try queue.counts().first { $0.partner == "giftco" },
                       PartnerDeliveryCounts(partner: "giftco", pending: 2, delivered: 2, failed: 0))
    }
}
