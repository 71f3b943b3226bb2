import Foundation
import IncentivesCore
import IncentivesInput
import Testing

/// Issue 25: an optional `"cost": {"amount": "25.00", "currency": "USD"}` on a program's rewards and tiers, read
/// exactly (no binary float) and refused with its JSON path when malformed.
@Suite("catalog.json: cost of rewards and tiers")
struct CatalogCostTests {
    private static func catalog(rewardCost: String? = nil, tierCost: String? = nil) -> String {
        let rc = rewardCost.map { #", "cost": \#($0)"# } ?? ""
        let tc = tierCost.map { #", "cost": \#($0)"# } ?? ""
        return """
        {"incentives": [{"id": "log-3", "name": "Log 3", "kind": "streak", "event": "health_data_logged", "days": 3}],
         "employers": [{"id": "acme", "name": "Acme", "programs": [
           {"id": "pts", "starts": "2026-01-01", "ends": "2026-12-31",
            "rewards": [{"incentive": "log-3", "reward": "S", "points": 10\(rc)}],
            "tiers": [{"id": "bronze", "points": 50, "reward": "$25"\(tc)}]}]}]}
        """
    }

    private func decode(_ text: String) throws(ConfigurationError) -> Catalog {
        try CatalogDecoder.decode(Data(text.utf8), file: "catalog.json")
    }

    @Test func costsDecodeExactlyAndAreOptional() throws {
        let c = try decode(Self.catalog(rewardCost: #"{"amount": "25.00", "currency": "USD"}"#, tierCost: #"{"amount": "0.1235", "currency": "EUR"}"#))
        let p = c.employers[0].programs[0]
        #expect(p.rewards[0].cost == Money(units: 250_000, currency: "USD"))
        #expect(p.tiers[0].cost == Money(units: 1_235, currency: "EUR"))
        #expect(p.rewards[0].cost?.amount == "25.00" && p.tiers[0].cost?.amount == "0.1235")
        let none = try decode(Self.catalog())
        #expect(none.employers[0].programs[0].rewards[0].cost == nil && none.employers[0].programs[0].tiers[0].cost == nil)
    }

    @Test(arguments: [
        ("7", "7.00"), ("007.5", "7.50"), ("0", "0.00"), ("999999999.9999", "999999999.9999"), ("1.230", "1.23"), ("12.345", "12.345"),
    ])
    func amountsReadAndPrintExactly(text: String, printed: String) throws {
        let m = try Money.parse(amount: text, currency: "USD").get()
        #expect(m.amount == printed)
    }

    @Test func totalsAddExactlyWhereDoublesWouldNot() {
        var t = MoneyTotals()
        // 0.1 + 0.2 in Double is 0.30000000000000004.
        for a in ["0.10", "0.20"] { t.add(try! Money.parse(amount: a, currency: "USD").get()) }
        t.add(Money(units: 12_500, currency: "EUR"))
        #expect(t.json == #"{"EUR":"1.25","USD":"0.30"}"#)
        #expect(t.text == "1.25 EUR; 0.30 USD")
        var big = MoneyTotals()
        let fits = big.add(Money(units: .max, currency: "USD"))
        let overflows = !big.add(Money(units: 1, currency: "USD"))
        #expect(fits && overflows, "an overflowing sum is refused, not wrapped")
        #expect(big.units["USD"] == .max)
    }

    static let rewardPath = "catalog.json: employers[0].programs[0].rewards[0].cost"
    static let tierPath = "catalog.json: employers[0].programs[0].tiers[0].cost"

    @Test(arguments: [
        (#"{"amount": "-5.00", "currency": "USD"}"#, ".amount: not a decimal amount (digits, optionally '.' and up to 4 digits, e.g. \"25.00\"): \"-5.00\""),
        (#"{"amount": "+5", "currency": "USD"}"#, ".amount: not a decimal amount (digits, optionally '.' and up to 4 digits, e.g. \"25.00\"): \"+5\""),
        (#"{"amount": "1e3", "currency": "USD"}"#, ".amount: not a decimal amount (digits, optionally '.' and up to 4 digits, e.g. \"25.00\"): \"1e3\""),
        (#"{"amount": "", "currency": "USD"}"#, ".amount: not a decimal amount (digits, optionally '.' and up to 4 digits, e.g. \"25.00\"): \"\""),
        (#"{"amount": ".5", "currency": "USD"}"#, ".amount: not a decimal amount (digits, optionally '.' and up to 4 digits, e.g. \"25.00\"): \".5\""),
        (#"{"amount": "5.", "currency": "USD"}"#, ".amount: not a decimal amount (digits, optionally '.' and up to 4 digits, e.g. \"25.00\"): \"5.\""),
        (#"{"amount": "1,000.00", "currency": "USD"}"#, ".amount: not a decimal amount (digits, optionally '.' and up to 4 digits, e.g. \"25.00\"): \"1,000.00\""),
        (#"{"amount": " 5", "currency": "USD"}"#, ".amount: not a decimal amount (digits, optionally '.' and up to 4 digits, e.g. \"25.00\"): \" 5\""),
        (#"{"amount": "٥", "currency": "USD"}"#, ".amount: not a decimal amount (digits, optionally '.' and up to 4 digits, e.g. \"25.00\"): \"٥\""),
        (#"{"amount": "1.2.3", "currency": "USD"}"#, ".amount: not a decimal amount (digits, optionally '.' and up to 4 digits, e.g. \"25.00\"): \"1.2.3\""),
        (#"{"amount": "1.23456", "currency": "USD"}"#, ".amount: at most 4 digits after the point, got 5: \"1.23456\""),
        (#"{"amount": "1000000000", "currency": "USD"}"#, ".amount: at most 9 digits before the point: \"1000000000\""),
        (#"{"amount": "5", "currency": "usd"}"#, ".currency: not an ISO 4217 code (three uppercase letters, e.g. \"USD\"): \"usd\""),
        (#"{"amount": "5", "currency": "US"}"#, ".currency: not an ISO 4217 code (three uppercase letters, e.g. \"USD\"): \"US\""),
        (#"{"amount": "5", "currency": "USDX"}"#, ".currency: not an ISO 4217 code (three uppercase letters, e.g. \"USD\"): \"USDX\""),
        (#"{"amount": "5", "currency": "ÜSD"}"#, ".currency: not an ISO 4217 code (three uppercase letters, e.g. \"USD\"): \"ÜSD\""),
        (#"{"amount": 25.00, "currency": "USD"}"#, ".amount: expected a string"),
        (#"{"currency": "USD"}"#, ".amount: missing"),
        (#"{"amount": "5"}"#, ".currency: missing"),
        (#""25.00 USD""#, ": expected an object"),
    ])
    func refusalsNameTheirPath(cost: String, tail: String) {
        for (text, path) in [(Self.catalog(rewardCost: cost), Self.rewardPath), (Self.catalog(tierCost: cost), Self.tierPath)] {
            do {
                _ = try decode(text)
                Issue.record("accepted: \(cost)")
            } catch {
                #expect(error.description == path + tail)
            }
        }
    }
}
