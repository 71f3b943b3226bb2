import IncentivesCore
import IncentivesDelivery
import Testing

/// A tier reaches partners like any award (CONTRACT §3 "Tiers"), and its payload says it is a tier and which; an
/// award's payload bytes are exactly what they were before tiers existed.
@Suite("Tier payloads")
struct TierPayloadTests {
    let secret = PartnerSecret("s3cret-s3cret-s3cret-s3cret-s3cr")

    private func achievement(tier: String?) -> DeliverableAchievement {
        DeliverableAchievement(id: "ach-0000000000000001", user: "u-1", employer: "acme", program: "acme-2026",
                               reward: "$50 wallet credit", completedOn: LocalDate(iso: "2026-03-04")!, tier: tier)
    }

    @Test func aTiersPayloadNamesTheTierAndAnAwardsIsUnchanged() throws {
        let tier = DeliveryPayload(achievement(tier: "silver"), partner: "cards", secret: secret)
        let award = DeliveryPayload(achievement(tier: nil), partner: "cards", secret: secret)
        #expect(tier.json.hasSuffix(#","reward":"$50 wallet credit","completedOn":"2026-03-04","tier":"silver"}"#), "\(tier.json)")
        #expect(award.json.hasSuffix(#","reward":"$50 wallet credit","completedOn":"2026-03-04"}"#), "\(award.json)")
        #expect(!award.json.contains("tier"))
        #expect(tier.csvRow.hasSuffix(",2026-03-04,silver"))
        #expect(award.csvRow.hasSuffix(",2026-03-04,"))
        #expect(DeliveryPayload.csvHeader.hasSuffix(",completedOn,tier"))
    }

    @Test func anAchievementCarriesItsTierToTheOutbox() {
        let a = Achievement(user: "u-1", employer: "acme", program: "p", incentive: "", reward: "R", completedOn: LocalDate(iso: "2026-03-04")!,
                            achievedAt: Instant(seconds: 0), evidence: [], evidenceDays: [], ordinal: 1, tier: "gold")
        #expect(DeliverableAchievement(a, member: nil).tier == "gold")
    }
}
