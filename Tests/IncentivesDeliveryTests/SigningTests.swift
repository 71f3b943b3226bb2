import Foundation
import IncentivesCore
@testable import IncentivesDelivery
import XCTest

final class SigningTests: XCTestCase {
    func testSHA256AndHMACMatchKnownVectors() {
        XCTAssertEqual(Crypto.hex(Crypto.sha256(Array("abc".utf8))),
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        // RFC 4231 test case 2.
        XCTAssertEqual(Crypto.hex(Crypto.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        XCTAssertEqual(Crypto.hex(Crypto.sha256([UInt8]())),
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    func testSignatureCoversTimestampAndBody() {
        let body = Array("{\"a\":1}".utf8)
        let sig = WebhookSignature.sign(secret: Fixtures.secret, timestamp: 1_700_000_000, body: body)
        XCTAssertEqual(sig, "sha256=" + Crypto.hex(Crypto.hmacSHA256(key: Fixtures.secret.bytes, message: Array("1700000000.{\"a\":1}".utf8))))
        func verify(_ headers: [String: String], _ b: [UInt8] = body, now: Int = 1_700_000_010) -> WebhookSignature.Verdict {
            WebhookSignature.verify(secret: Fixtures.secret, headers: headers, body: b, now: now)
        }
        let good = ["x-incentives-delivery": "d1", "X-Incentives-Timestamp": "1700000000", "X-Incentives-Signature": sig]
        XCTAssertEqual(verify(good), .valid)
        XCTAssertEqual(verify(good, Array("{\"a\":2}".utf8)), .mismatch, "a changed body")
        var moved = good
        moved["X-Incentives-Timestamp"] = "1700000001"
        XCTAssertEqual(verify(moved), .mismatch, "a changed timestamp")
        XCTAssertEqual(verify(good, now: 1_700_000_000 + 301), .stale(seconds: 301), "an old request replayed")
        XCTAssertEqual(WebhookSignature.verify(secret: Fixtures.otherSecret, headers: good, body: body, now: 1_700_000_000), .mismatch)
        var broken = good
        broken["X-Incentives-Signature"] = "md5=abc"
        XCTAssertEqual(verify(broken), .malformed("X-Incentives-Signature"))
        broken.removeValue(forKey: "X-Incentives-Signature")
        XCTAssertEqual(verify(broken), .missingHeader("X-Incentives-Signature"))
    }

    func testPseudonymIsStablePerPartnerAndUnlinkableAcross() {
        let a = Pseudonym.member(user: "u-1001", secret: Fixtures.secret)
        XCTAssertEqual(a, Pseudonym.member(user: "u-1001", secret: Fixtures.secret))
        XCTAssertNotEqual(a, Pseudonym.member(user: "u-1001", secret: Fixtures.otherSecret))
        XCTAssertNotEqual(a, Pseudonym.member(user: "u-1002", secret: Fixtures.secret))
        XCTAssertTrue(a.hasPrefix("m-"))
        XCTAssertEqual(a.count, 26)
        XCTAssertFalse(a.contains("1001"))
    }

    func testRosterPartnerIDReplacesThePseudonymForThatPartnerOnly() {
        let a = Fixtures.achievement(1, partnerIDs: ["pillowco": "PC-77"])
        XCTAssertEqual(Pseudonym.member(of: a, partner: "pillowco", secret: Fixtures.secret), "PC-77")
        XCTAssertEqual(Pseudonym.member(of: a, partner: "giftco", secret: Fixtures.otherSecret),
                       Pseudonym.member(user: a.user, secret: Fixtures.otherSecret))
    }

    func testSecretsComeFromTheEnvironmentAndMustBeLongEnough() throws {
        let p = Fixtures.partner()
        XCTAssertThrowsError(try PartnerSecret.resolve([p], environment: [:])) { e in
            XCTAssertEqual("\(e)", "partner pillowco: signing secret is not set (environment variable PILLOWCO_SECRET)")
        }
        XCTAssertThrowsError(try PartnerSecret.resolve([p], environment: ["PILLOWCO_SECRET": "short"]))
        let ok = try PartnerSecret.resolve([p], environment: ["PILLOWCO_SECRET": "0123456789abcdef"])
        XCTAssertEqual(ok["pillowco"]?.bytes, Array("0123456789abcdef".utf8))
    }
}
