import IncentivesCore
import XCTest

final class PartnerTests: XCTestCase {
    func achievement(employer: String, reward: String) -> Achievement {
        Achievement(user: "u-1", employer: employer, program: "p", incentive: "i", reward: reward,
                    completedOn: LocalDate(iso: "2026-03-01")!, achievedAt: Instant(seconds: 0), evidence: ["e-1"],
                    evidenceDays: [LocalDate(iso: "2026-03-01")!], ordinal: 1)
    }

    func testPartnersServeTheirEmployersAndOptionallyOnlySomeRewards() {
        let pillows = Partner(id: "pillowco", name: "P", employers: ["acme"], rewards: ["Pregnancy pillow"],
                              channel: .webhook(url: "https://p.example/hook"), secretEnv: "P")
        let all = Partner(id: "giftco", name: "G", employers: ["acme", "globex"], rewards: nil,
                          channel: .fileDrop(directory: "/srv/drop"), secretEnv: "G")
        let catalog = Catalog(incentives: [], employers: [], partners: [pillows, all])
        XCTAssertEqual(catalog.partners(for: achievement(employer: "acme", reward: "Pregnancy pillow")).map(\.id), ["pillowco", "giftco"])
        XCTAssertEqual(catalog.partners(for: achievement(employer: "acme", reward: "$50 gift card")).map(\.id), ["giftco"])
        XCTAssertEqual(catalog.partners(for: achievement(employer: "globex", reward: "Pregnancy pillow")).map(\.id), ["giftco"])
        XCTAssertEqual(catalog.partners(for: achievement(employer: "initech", reward: "Pregnancy pillow")).map(\.id), [])
        XCTAssertEqual(catalog.partner("giftco")?.channel, .fileDrop(directory: "/srv/drop"))
    }
}
