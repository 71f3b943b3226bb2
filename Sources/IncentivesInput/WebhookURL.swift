import Foundation
import IncentivesCore

/// A partner's webhook URL as the catalog may give it. Signed payloads travel to it: https, or plain http only
/// to this machine's loopback (the tests' receiver) unless the catalog says `"allowHTTP": true` for that
/// partner. Schemes are case-insensitive (`HTTPS://` is https); the URL is kept with its scheme in lower case.
enum WebhookURL {
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    static func check(_ text: String, allowHTTP: Bool) -> Result<String, Refusal> {
        guard var parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(),
              let host = parts.host, !host.isEmpty else {
            return .failure(Refusal(description: "must be an https:// URL with a host, got \(JSONText.quote(text))"))
        }
        switch scheme {
        case "https": break
        case "http":
            guard allowHTTP || isLoopback(host) else {
                return .failure(Refusal(description: "plain http would send payloads and signatures unencrypted: use https (http is accepted for 127.0.0.1, ::1 and localhost, or with \"allowHTTP\": true)"))
            }
        default:
            return .failure(Refusal(description: "must be an https:// URL, got scheme \(JSONText.quote(scheme))"))
        }
        parts.scheme = scheme
        return .success(parts.string ?? text)
    }

    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        let octets = h.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }
}
