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

    /// A partner's id names its batch files: only plain names, so that no id can lead outside the drop folder.
    func testPartnerIdsMustBePlainNames() throws {
        let hook = #""webhook": {"url": "https://p.example", "secretEnv": "P"}"#
        for bad in ["../x", "a/b", ".hidden", "-flag", "x..y", "naïve", "a b", String(repeating: "p", count: 65), #"x\u001b[2J"#] {
            let refusal = refusal(#"[{"id": "\#(bad)", "employers": ["acme"], \#(hook)}]"#) ?? "accepted"
            XCTAssertTrue(refusal.hasPrefix("catalog.json: partners[0].id: ") && refusal.contains("is not a plain name"), "\(bad): \(refusal)")
        }
        for good in ["giftly", "Pillow.Co_2", "p-1", String(repeating: "p", count: 64)] {
            XCTAssertNil(refusal(#"[{"id": "\#(good)", "employers": ["acme"], \#(hook)}]"#), good)
        }
    }

    /// Signed payloads go over https; plain http only to this machine or when the catalog says so knowingly.
    func testWebhookURLsAreHTTPSOrLoopbackHTTP() throws {
        /// The URL kept, or the refusal prefixed with "refused: ".
        func url(_ text: String, allow: Bool = false) -> String {
            let extra = allow ? #", "allowHTTP": true"# : ""
            do {
                let c = try decode(#"[{"id": "p", "employers": ["acme"], "webhook": {"url": "\#(text)", "secretEnv": "P"\#(extra)}}]"#)
                guard case .webhook(let u) = c.partners[0].channel else { return "not a webhook" }
                return u
            } catch { return "refused: " + error.description }
        }
        XCTAssertEqual(url("HTTPS://Hooks.Partner.Example/in"), "https://Hooks.Partner.Example/in", "schemes are case-insensitive")
        XCTAssertEqual(url("http://127.0.0.1:8080/hook"), "http://127.0.0.1:8080/hook")
        XCTAssertEqual(url("http://localhost/hook"), "http://localhost/hook")
        XCTAssertEqual(url("http://[::1]:9/hook"), "http://[::1]:9/hook")
        XCTAssertEqual(url("http://partner.example/hook", allow: true), "http://partner.example/hook")
        for bad in ["http://partner.example/hook", "HTTP://10.0.0.8/hook", "http://127.0.0.1.evil.example/x", "https://", "hooks.example/in"] {
            XCTAssertTrue(url(bad).hasPrefix("refused: catalog.json: partners[0].webhook.url: "), "\(bad): \(url(bad))")
        }
        XCTAssertTrue(url("http://partner.example/hook").contains("plain http would send payloads and signatures unencrypted"))
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
                       #"catalog.json: partners[0].webhook.url: must be an https:// URL, got scheme "ftp""#)
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
