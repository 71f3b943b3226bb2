import Foundation
import IncentivesCore
import IncentivesInput
import XCTest

/// The catalog's `partners` list: decoded when right, refused with the JSON path and reason when not.
final class PartnerCatalogTests: XCTestCase {
    func catalog(partners: String) -> String {
        """
        {"incentives": [{"id": "report-birth", "kind": "single", "event": "birth_reported"}],
         "employers": [{"id": "acme", "programs": [{"id": "acme-2026", "starts": "2026-01-01", "ends": "2026-12-31",
           "rewards": [{"incentive": "report-birth", "reward": "$50 gift card"}]}]}],
         "partners": \(partners)}
        """
    }

    func decode(_ partners: String) throws(ConfigurationError) -> Catalog {
        try CatalogDecoder.decode(Data(catalog(partners: partners).utf8), file: "catalog.json")
    }

    func refusal(_ partners: String) -> String? {
        do {
            _ = try decode(partners)
            return nil
        } catch {
            return error.description
        }
    }

    func testWebhookAndDropPartnersDecode() throws {
        let c = try decode("""
        [{"id": "pillowco", "name": "PillowCo", "employers": ["acme"], "rewards": ["$50 gift card"],
          "webhook": {"url": "https://hooks.pillowco.example/incentives", "secretEnv": "PILLOWCO_SECRET"}},
         {"id": "giftco", "employers": ["acme"], "drop": {"directory": "/srv/drops/giftco", "secretEnv": "GIFTCO_SECRET"}}]
        """)
        XCTAssertEqual(c.partners.map(\.id), ["pillowco", "giftco"])
        XCTAssertEqual(c.partners[0].channel, .webhook(url: "https://hooks.pillowco.example/incentives"))
        XCTAssertEqual(c.partners[0].secretEnv, "PILLOWCO_SECRET")
        XCTAssertEqual(c.partners[0].rewards, ["$50 gift card"])
        XCTAssertEqual(c.partners[1].name, "giftco")
        XCTAssertNil(c.partners[1].rewards)
        XCTAssertEqual(c.partners[1].channel, .fileDrop(directory: "/srv/drops/giftco"))
    }

    func testACatalogWithoutPartnersHasNone() throws {
        let text = catalog(partners: "[]").replacingOccurrences(of: ",\n \"partners\": []", with: "")
        XCTAssertEqual(try CatalogDecoder.decode(Data(text.utf8), file: "catalog.json").partners.count, 0)
    }

    func testPartnerErrorsNameThePathAndTheReason() {
        let hook = #""webhook": {"url": "https://p.example/h", "secretEnv": "P_SECRET"}"#
        XCTAssertEqual(refusal(#"[{"id": "p", "employers": ["acme"]}]"#),
                       #"catalog.json: partners[0]: needs exactly one of "webhook" or "drop""#)
        XCTAssertEqual(refusal(#"[{"id": "p", "employers": ["acme"], \#(hook), "drop": {"directory": "/d", "secretEnv": "D"}}]"#),
                       #"catalog.json: partners[0]: needs exactly one of "webhook" or "drop""#)
        XCTAssertEqual(refusal(#"[{"id": "p", "employers": ["acme", "globex"], \#(hook)}]"#),
                       #"catalog.json: partners[0].employers[1]: unknown employer "globex""#)
        XCTAssertEqual(refusal(#"[{"id": "p", "employers": [], \#(hook)}]"#),
                       "catalog.json: partners[0].employers: must name at least one employer")
        XCTAssertEqual(refusal(#"[{"id": "p", "employers": ["acme"], \#(hook)}, {"id": "p", "employers": ["acme"], \#(hook)}]"#),
                       #"catalog.json: partners[1].id: duplicate partner id "p""#)
        XCTAssertEqual(refusal(#"[{"id": "", "employers": ["acme"], \#(hook)}]"#),
                       "catalog.json: partners[0].id: must not be empty")
        XCTAssertEqual(refusal(#"[{"id": "p", "employers": ["acme"], "webhook": {"url": "ftp://p.example", "secretEnv": "P"}}]"#),
                       "catalog.json: partners[0].webhook.url: must be an http:// or https:// URL")
        XCTAssertEqual(refusal(#"[{"id": "p", "employers": ["acme"], "drop": {"directory": "", "secretEnv": "P"}}]"#),
                       "catalog.json: partners[0].drop.directory: must not be empty")
        XCTAssertEqual(refusal(#"[{"id": "p", "employers": ["acme"], "webhook": {"url": "https://p.example", "secretEnv": "s3cr3t-value!"}}]"#),
                       "catalog.json: partners[0].webhook.secretEnv: must be the name of an environment variable (letters, digits, _), not the secret itself")
        XCTAssertEqual(refusal(#"[{"id": "p", "employers": ["acme"], "webhook": {"url": "https://p.example"}}]"#),
                       "catalog.json: partners[0].webhook.secretEnv: missing")
    }

    func testRosterPartnerIDsMustNameKnownPartners() throws {
        let c = try decode(#"[{"id": "pillowco", "employers": ["acme"], "webhook": {"url": "https://p.example", "secretEnv": "P"}}]"#)
        let good = #"{"id": "u-1", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": {"pillowco": "PC-1"}}"#
        XCTAssertEqual(try RosterDecoder.decode(Data(good.utf8), file: "roster.jsonl", catalog: c).member("u-1")?.partnerMemberIDs,
                       ["pillowco": "PC-1"])
        let bad = #"{"id": "u-1", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01", "partnerIds": {"giftco": "G-1"}}"#
        XCTAssertThrowsError(try RosterDecoder.decode(Data(bad.utf8), file: "roster.jsonl", catalog: c)) { e in
            XCTAssertEqual("\(e)", #"roster.jsonl:1: partnerIds.giftco: unknown partner "giftco""#)
        }
    }
}
