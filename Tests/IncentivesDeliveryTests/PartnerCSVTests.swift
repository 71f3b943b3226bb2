import Foundation
import Testing
import IncentivesCore
@testable import IncentivesDelivery

/// A partner's drop file is opened in spreadsheets: a reward or program named like a formula reaches it inert, and a
/// line break inside a field (one "\r\n" Character in Swift) is still quoted (issue 25, the CSV class of DESIGN §11).
@Suite("partner CSV files")
struct PartnerCSVTests {
    static func row(reward: String) -> String {
        let a = DeliverableAchievement(id: "ach-1", user: "u-1", employer: "acme", program: "acme-2026", reward: reward,
                                       completedOn: LocalDate(iso: "2026-03-01")!)
        return DeliveryPayload(a, partner: "giftco", secret: PartnerSecret("s3cret")).csvRow
    }

    @Test(arguments: [
        ("=HYPERLINK(\"http://x\",\"y\")", #","'=HYPERLINK(""http://x"",""y"")","#), ("+1", #","'+1","#), ("-2", #","'-2","#),
        ("@SUM(A1)", #","'@SUM(A1)","#), ("\tx", ",\"'\tx\","),
    ])
    func formulaFieldsAreNeutralised(reward: String, written: String) {
        #expect(Self.row(reward: reward).contains(written), "\(Self.row(reward: reward))")
    }

    @Test func aCRLFInsideAFieldIsQuoted() {
        #expect(Self.row(reward: "Gift\r\ncard").contains(",\"Gift\r\ncard\","))
        #expect(Self.row(reward: "Pillow, large").contains(",\"Pillow, large\","))
        #expect(Self.row(reward: "x=1").contains(",x=1,"))
    }
}
