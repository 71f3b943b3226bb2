import IncentivesCore

/// How a webhook delivery is signed, and how a partner checks it (the receiver side lives here too so that
/// tests verify with the same rules a partner is told to follow in the README).
///
/// The signature is HMAC-SHA256 under the partner's secret over `timestamp + "." + body`. Binding the
/// timestamp stops an eavesdropper from replaying an old body with a fresh timestamp; the stable delivery id
/// lets the partner drop a genuine redelivery (after our crash or a lost response) as a duplicate.
public enum WebhookSignature {
    public static let deliveryHeader = "X-Incentives-Delivery"
    public static let timestampHeader = "X-Incentives-Timestamp"
    public static let signatureHeader = "X-Incentives-Signature"
    /// How far a receiver should accept timestamps from its own clock, in seconds.
    public static let defaultTolerance = 300

    public static func sign(secret: PartnerSecret, timestamp: Int, body: [UInt8]) -> String {
        "sha256=" + Crypto.hex(mac(secret: secret, timestamp: timestamp, body: body))
    }

    static func mac(secret: PartnerSecret, timestamp: Int, body: [UInt8]) -> [UInt8] {
        Crypto.hmacSHA256(key: secret.bytes, message: Array("\(timestamp).".utf8) + body)
    }

    public enum Verdict: Equatable, Sendable {
        case valid
        case missingHeader(String)
        case malformed(String)
        case stale(seconds: Int)
        case mismatch
    }

    /// What a receiver does with a request: headers by name (case-insensitively), the raw body, its clock.
    public static func verify(secret: PartnerSecret, headers: [String: String], body: [UInt8], now: Int,
                              tolerance: Int = defaultTolerance) -> Verdict {
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
        guard header(deliveryHeader) != nil else { return .missingHeader(deliveryHeader) }
        guard let ts = header(timestampHeader) else { return .missingHeader(timestampHeader) }
        guard let sig = header(signatureHeader) else { return .missingHeader(signatureHeader) }
        guard let timestamp = Int(ts) else { return .malformed(timestampHeader) }
        guard sig.hasPrefix("sha256="), let given = Crypto.bytes(hex: String(sig.dropFirst(7))) else {
            return .malformed(signatureHeader)
        }
        guard abs(now - timestamp) <= tolerance else { return .stale(seconds: now - timestamp) }
        return Crypto.constantTimeEqual(given, mac(secret: secret, timestamp: timestamp, body: body)) ? .valid : .mismatch
    }
}
