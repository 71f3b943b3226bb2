import Foundation
import Testing
import IncentivesCore
@testable import IncentivesDelivery

/// A partner's drop file is RFC 4180: a line break inside a field (one "\r\n" Character in Swift) is quoted like
/// any other, and the file stays byte-exact for the partner's programs — a field a spreadsheet would read as a
/// formula is not rewritten there (DESIGN §11), unlike the commands' `--format csv`.
@Suite("partner CSV files")
struct PartnerCSVTests {
    static func row(reward: String) -> String {
        let a = DeliverableAchievement(id: "ach-1", user: "u-1", employer: "acme", program: "acme-2026", reward: reward,
                                       completedOn: LocalDate(iso: "2026-03-01")!)
        return DeliveryPayload(a, partner: "giftco", secret: PartnerSecret("s3cret")).csvRow
    }

    @Test func aCRLFInsideAFieldIsQuoted() {
        #expect(Self.row(reward: "Gift\r\ncard").contains(",\"Gift\r\ncard\","))
        #expect(Self.row(reward: "Gift\ncard").contains(",\"Gift\ncard\","))
        #expect(Self.row(reward: "Pillow, large").contains(",\"Pillow, large\","))
    }

    @Test func formulaLikeFieldsStayExactForPartnersPrograms() {
        #expect(Self.row(reward: "-2+3").contains(",-2+3,"))
        #expect(Self.row(reward: "=HYPERLINK(\"x\")").contains(#","=HYPERLINK(""x"")","#))
    }
}
