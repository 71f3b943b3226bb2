import Foundation
import IncentivesCore
import IncentivesDelivery
import IncentivesInput
import XCTest

/// Every payload a partner can receive, by webhook or in a batch file, carries the seven allowed fields
/// and nothing from the health data behind the achievement: no categories, event ids, event times or user id.
final class MinimisationTests: XCTestCase {
    static let catalog = """
    {"incentives": [
      {"id": "log-3-days", "name": "Log 3 days", "kind": "streak", "event": "health_data_logged", "days": 3, "categories": ["mood", "symptom"]},
      {"id": "report-birth", "name": "Report a birth", "kind": "single", "event": "birth_reported"}],
     "employers": [{"id": "acme", "programs": [{"id": "acme-2026", "starts": "2026-01-01", "ends": "2026-12-31",
       "rewards": [{"incentive": "log-3-days", "reward": "Pregnancy pillow"}, {"incentive": "report-birth", "reward": "$50 gift card"}]}]}],
     "partners": [
       {"id": "pillowco", "employers": ["acme"], "rewards": ["Pregnancy pillow"], "webhook": {"url": "http://127.0.0.1:9/", "secretEnv": "PILLOW_SECRET"}},
       {"id": "giftco", "employers": ["acme"], "drop": {"directory": "/tmp/giftco", "secretEnv": "GIFT_SECRET"}}]}
    """
    static let roster = """
    {"id": "u-secret-1001", "employer": "acme", "timezone": "America/Chicago", "eligibleFrom": "2026-01-01"}
    {"id": "u-secret-1002", "employer": "acme", "timezone": "Europe/Paris", "eligibleFrom": "2026-01-01", "partnerIds": {"giftco": "GC-9"}}
    """

    func achievements() throws -> (Catalog, Roster, [Achievement]) {
        let catalog = try CatalogDecoder.decode(Data(Self.catalog.utf8), file: "catalog.json")
        let roster = try RosterDecoder.decode(Data(Self.roster.utf8), file: "roster.jsonl", catalog: catalog)
        let engine = try Engine(catalog: catalog, roster: roster)
        var out: [Achievement] = []
        var n = 0
        for user in ["u-secret-1001", "u-secret-1002"] {
            for day in 1...3 {
                n += 1
                let at = Instant.parseRFC3339("2026-03-0\(day)T15:3\(day):07Z")
                let e = Event(id: "evt-health-\(n)", type: .healthDataLogged, user: user, at: try at.get(), category: "symptom")
                out += try engine.record(e).get()
            }
            n += 1
            let birth = Event(id: "evt-birth-\(n)", type: .birthReported, user: user, at: try Instant.parseRFC3339("2026-06-14T09:12:00Z").get(), category: nil)
            out += try engine.record(birth).get()
        }
        XCTAssertEqual(out.count, 4)
        return (catalog, roster, out)
    }

    /// What must never appear in anything sent to a partner.
    func forbidden(_ achievements: [Achievement]) -> [String] {
        var words = ["u-secret", "symptom", "mood", "health", "evt-", "log-3-days", "report-birth", "T15:3", "09:12", "2026-06-14T"]
        for a in achievements { words += a.evidence + [a.user, a.achievedAt.rfc3339, a.incentive] }
        return words
    }

    func check(_ text: String, against forbidden: [String], file: StaticString = #filePath, line: UInt = #line) {
        for word in forbidden { XCTAssertFalse(text.contains(word), "\(word) leaked into \(text)", file: file, line: line) }
    }

    func testEveryWebhookPayloadIsMinimised() throws {
        let (catalog, roster, achievements) = try achievements()
        let receiver = try LoopbackReceiver(secret: Fixtures.secret)
        defer { receiver.stop() }
        let queue = InMemoryDeliveryQueue()
        for a in achievements { queue.enqueue(DeliverableAchievement(a, member: roster.member(a.user)), partners: catalog.partners, at: 0) }
        let d = Deliverer(queue: queue, targets: [.init(partner: "pillowco", url: receiver.url, secret: Fixtures.secret)],
                          client: WebhookClient(timeout: 5), policy: Fixtures.quickPolicy)
        XCTAssertEqual(try d.drain().delivered, 2, "pillowco ships pillows only")
        XCTAssertEqual(receiver.requests.count, 2)
        for r in receiver.requests {
            let text = String(decoding: r.body, as: UTF8.self)
            let payload = try XCTUnwrap(Fixtures.minimised(r.body), text)
            XCTAssertEqual(payload["reward"], "Pregnancy pillow")
            XCTAssertEqual(payload["completedOn"], "2026-03-03")
            XCTAssertTrue(payload["member"]!.hasPrefix("m-"))
            check(text, against: forbidden(achievements))
            check(r.headers.map { "\($0.key): \($0.value)" }.joined(separator: "\n"), against: forbidden(achievements))
        }
    }

    func testEveryBatchRowIsMinimisedAndUsesTheRosterPartnerID() throws {
        let (catalog, roster, achievements) = try achievements()
        let queue = InMemoryDeliveryQueue()
        for a in achievements { queue.enqueue(DeliverableAchievement(a, member: roster.member(a.user)), partners: catalog.partners, at: 0) }
        let rows = try queue.exportRows(partner: "giftco", since: nil, until: nil)
        XCTAssertEqual(rows.count, 4)
        for format in BatchFormat.allCases {
            let e = BatchExport(partner: "giftco", secret: Fixtures.otherSecret, rows: rows, format: format, since: nil, until: nil)
            let text = String(decoding: e.data, as: UTF8.self)
            check(text, against: forbidden(achievements))
            check(String(decoding: e.manifest, as: UTF8.self), against: forbidden(achievements))
            XCTAssertTrue(text.contains("GC-9"), "the roster's own partner member id is used for that partner")
            if format == .jsonl {
                for line in text.split(separator: "\n") { XCTAssertNotNil(Fixtures.minimised(Array(line.utf8)), String(line)) }
            } else {
                XCTAssertTrue(text.hasPrefix(DeliveryPayload.csvHeader + "\r\n"))
            }
        }
    }
}
