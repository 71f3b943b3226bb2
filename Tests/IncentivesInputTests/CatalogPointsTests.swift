import Foundation
import IncentivesCore
import IncentivesInput
import Testing

/// CONTRACT §1: `points` on program rewards, `tiers` on programs, and a program lists each incentive-and-reward
/// pair once. Every refusal names the JSON path.
@Suite("catalog.json: points, tiers and repeated pairs")
struct CatalogPointsTests {
    private static func catalog(rewards: String, tiers: String? = nil) -> String {
        """
        {"incentives": [
          {"id": "log-3", "name": "Log 3", "kind": "streak", "event": "health_data_logged", "days": 3},
          {"id": "birth", "name": "Birth", "kind": "single", "event": "birth_reported"}],
         "employers": [{"id": "acme", "name": "Acme", "programs": [
           {"id": "other", "starts": "2026-01-01", "ends": "2026-12-31", "rewards": []},
           {"id": "pts", "starts": "2026-01-01", "ends": "2026-12-31", "rewards": [\(rewards)]\(tiers.map { #", "tiers": [\#($0)]"# } ?? "")}]}]}
        """
    }

    private func decode(_ text: String) throws(ConfigurationError) -> Catalog {
        try CatalogDecoder.decode(Data(text.utf8), file: "catalog.json")
    }

    @Test func pointsAndTiersDecodeWithTheirDefaults() throws {
        let c = try decode(Self.catalog(
            rewards: #"{"incentive": "log-3", "reward": "S", "points": 30, "limit": 5}, {"incentive": "birth", "reward": "B"}"#,
            tiers: #"{"id": "bronze", "points": 50, "reward": "$25"}, {"id": "silver", "points": 100, "reward": "$50"}"#))
        let program = c.employers[0].programs[1]
        #expect(program.rewards.map(\.points) == [30, 0])
        #expect(program.tiers == [Tier(id: "bronze", points: 50, reward: "$25"), Tier(id: "silver", points: 100, reward: "$50")])
        #expect(program.hasPoints)
        #expect(c.employers[0].programs[0].tiers.isEmpty && !c.employers[0].programs[0].hasPoints)
    }

    static let good = #"{"id": "bronze", "points": 50, "reward": "$25"}"#

    @Test(arguments: [
        (#"{"incentive": "log-3", "reward": "S", "points": -1}"#, nil,
         "catalog.json: employers[0].programs[1].rewards[0].points: must be 0 or more, got -1"),
        (#"{"incentive": "log-3", "reward": "S", "points": 2.5}"#, nil,
         "catalog.json: employers[0].programs[1].rewards[0].points: must be a whole number"),
        (#"{"incentive": "log-3", "reward": "S", "points": "5"}"#, nil,
         "catalog.json: employers[0].programs[1].rewards[0].points: expected an integer"),
        (#"{"incentive": "log-3", "reward": "S"}, {"incentive": "birth", "reward": "B"}, {"incentive": "log-3", "reward": "S", "limit": 2}"#, nil,
         #"catalog.json: employers[0].programs[1].rewards[2]: incentive "log-3" with reward "S" is already listed at employers[0].programs[1].rewards[0]; a program lists each pair once"#),
        (#"{"incentive": "log-3", "reward": "S"}"#, good + #", {"id": "silver", "points": 50, "reward": "$50"}"#,
         "catalog.json: employers[0].programs[1].tiers[1].points: must exceed the tier before (50), got 50"),
        (#"{"incentive": "log-3", "reward": "S"}"#, good + #", {"id": "silver", "points": 40, "reward": "$50"}"#,
         "catalog.json: employers[0].programs[1].tiers[1].points: must exceed the tier before (50), got 40"),
        (#"{"incentive": "log-3", "reward": "S"}"#, good + #", {"id": "bronze", "points": 60, "reward": "$50"}"#,
         #"catalog.json: employers[0].programs[1].tiers[1].id: duplicate tier id "bronze""#),
        (#"{"incentive": "log-3", "reward": "S"}"#, #"{"id": "zero", "points": 0, "reward": "$1"}"#,
         "catalog.json: employers[0].programs[1].tiers[0].points: must be at least 1, got 0"),
        (#"{"incentive": "log-3", "reward": "S"}"#, #"{"id": "", "points": 5, "reward": "$1"}"#,
         "catalog.json: employers[0].programs[1].tiers[0].id: must not be empty"),
        (#"{"incentive": "log-3", "reward": "S"}"#, #"{"id": "t", "points": 5, "reward": ""}"#,
         "catalog.json: employers[0].programs[1].tiers[0].reward: must not be empty"),
        (#"{"incentive": "log-3", "reward": "S"}"#, #"{"id": "t", "points": 5}"#,
         "catalog.json: employers[0].programs[1].tiers[0].reward: missing"),
    ] as [(String, String?, String)])
    func refusalsNameTheirPath(rewards: String, tiers: String?, message: String) {
        #expect(throws: ConfigurationError.self) { try decode(Self.catalog(rewards: rewards, tiers: tiers)) }
        do {
            _ = try decode(Self.catalog(rewards: rewards, tiers: tiers))
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func theSamePairInTwoProgramsOrTwoRewardsForOneIncentiveIsFine() throws {
        let c = try decode(Self.catalog(rewards: #"{"incentive": "log-3", "reward": "S"}, {"incentive": "log-3", "reward": "T"}"#))
        #expect(c.employers[0].programs[1].rewards.map(\.reward) == ["S", "T"])
    }
}
