/// An amount of money in one currency: what a reward or a tier costs the employer (`"cost": {"amount": "25.00",
/// "currency": "USD"}` in catalog.json). Exact: the amount is an integer count of ten-thousandths of the currency's
/// unit (`units`), never a binary floating-point number, so sums and the text written back are exactly what the
/// catalog said.
public struct Money: Sendable, Hashable {
    /// Ten-thousandths of one unit of `currency` ("25.00" is 250,000).
    public let units: Int64
    /// An ISO 4217 code: three uppercase ASCII letters.
    public let currency: String

    /// Ten-thousandths per unit: an amount has at most 4 fraction digits.
    public static let scale: Int64 = 10_000
    /// At most 9 digits before the point (999,999,999.9999), so that 900,000 awards of the largest amount still
    /// sum in 64 bits.
    public static let maxIntegerDigits = 9

    public init(units: Int64, currency: String) {
        self.units = units
        self.currency = currency
    }

    /// Reads a catalog amount: digits, then optionally '.' and 1 to 4 digits; no sign, exponent, spaces or
    /// grouping. Returns why not, in words, when it is not one.
    public static func parse(amount text: String, currency: String) -> Result<Money, MoneyError> {
        let bytes = Array(text.utf8)
        let point = bytes.firstIndex(of: UInt8(ascii: "."))
        let whole = bytes[..<(point ?? bytes.endIndex)]
        let fraction = point.map { bytes[($0 + 1)...] } ?? []
        func isDigits(_ s: ArraySlice<UInt8>) -> Bool { s.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }
        guard !whole.isEmpty, isDigits(whole), isDigits(fraction), point == nil || !fraction.isEmpty else {
            return .failure(.amount("not a decimal amount (digits, optionally '.' and up to 4 digits, e.g. \"25.00\")"))
        }
        guard fraction.count <= 4 else { return .failure(.amount("at most 4 digits after the point, got \(fraction.count)")) }
        let significant = whole.drop { $0 == UInt8(ascii: "0") }
        guard significant.count <= maxIntegerDigits else { return .failure(.amount("at most \(maxIntegerDigits) digits before the point")) }
        guard currency.utf8.count == 3, currency.utf8.allSatisfy({ $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else {
            return .failure(.currency("not an ISO 4217 code (three uppercase letters, e.g. \"USD\")"))
        }
        var units: Int64 = 0
        for b in significant { units = units * 10 + Int64(b - UInt8(ascii: "0")) }
        units *= scale
        var place = scale / 10
        for b in fraction {
            units += Int64(b - UInt8(ascii: "0")) * place
            place /= 10
        }
        return .success(Money(units: units, currency: currency))
    }

    /// The amount as a decimal string with at least 2 fraction digits, more only when the amount has them
    /// ("25.00", "0.125", "3250.00").
    public var amount: String { Self.format(units) }

    public static func format(_ units: Int64) -> String {
        let negative = units < 0
        let magnitude = units.magnitude
        let whole = magnitude / UInt64(scale)
        var fraction = String(magnitude % UInt64(scale))
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.count > 2 && fraction.hasSuffix("0") { fraction.removeLast() }
        return (negative ? "-" : "") + String(whole) + "." + fraction
    }
}

/// Why a catalog's cost was refused: which of its two fields, and why.
public enum MoneyError: Error, Sendable, Equatable {
    case amount(String)
    case currency(String)
}

/// Sums of money by currency (a report's "cost"), exact, in currency order when listed.
public struct MoneyTotals: Sendable, Equatable {
    public private(set) var units: [String: Int64] = [:]

    public init() {}

    /// Adds `money`; false when the sum would not fit in 64 bits (not reachable with catalog amounts below
    /// 10⁹ and fewer than 900,000 awards of one currency in one row).
    @discardableResult
    public mutating func add(_ money: Money) -> Bool {
        let (sum, overflow) = units[money.currency, default: 0].addingReportingOverflow(money.units)
        guard !overflow else { return false }
        units[money.currency] = sum
        return true
    }

    @discardableResult
    public mutating func add(_ other: MoneyTotals) -> Bool {
        var ok = true
        for (currency, u) in other.units where !add(Money(units: u, currency: currency)) { ok = false }
        return ok
    }

    public var isEmpty: Bool { units.isEmpty }

    /// (currency, amount text) in currency order.
    public var sorted: [(currency: String, amount: String)] {
        units.keys.sorted().map { ($0, Money.format(units[$0]!)) }
    }

    /// `{"USD":"3250.00"}`; `{}` when nothing cost anything.
    public var json: String {
        "{" + sorted.map { JSONText.quote($0.currency) + ":" + JSONText.quote($0.amount) }.joined(separator: ",") + "}"
    }

    /// "3250.00 USD; 12.50 EUR", or "" when empty.
    public var text: String { sorted.map { "\($0.amount) \($0.currency)" }.joined(separator: "; ") }
}
