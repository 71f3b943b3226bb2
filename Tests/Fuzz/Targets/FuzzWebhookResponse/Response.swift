// (f) A partner's HTTP answer as the deliverer reads it: status, Retry-After and body through
// `WebhookClient.outcome` (internal, hence -enable-testing on IncentivesDelivery in Tests/Fuzz/Package.swift).
//
// Input: 2 bytes of status (100...999 and a few odd ones), a Retry-After header up to the first NUL, the body.
// Properties:
// - 2xx is accepted with that status; 408, 429 and 5xx are transient; any other status is rejected;
// - a Retry-After is honoured only on 429 and 503, and is then a finite, non-negative number of seconds: exactly the
//   header's delta-seconds when it is digits only (RFC 9110), none when it is neither digits nor a date (no letter),
//   none when it carries a byte outside printable ASCII;
// - every reason is non-empty, one line (no line breaks of any kind), and carries at most 200 characters of body;
// - the retry policy's decision on the outcome is a finite time no earlier than now.
import Foundation
import FuzzSupport
import IncentivesCore
@testable import IncentivesDelivery
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

let url = URL(string: "https://partner.example/hook")!
let oddStatuses = [0, -1, 99, 1000, 65_535, 200, 299, 300, 408, 429, 503, 599]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebhookResponse(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    withInput(data, size) { bytes in
        var s = ByteStream(bytes)
        let raw = Int(s.byte()) << 8 | Int(s.byte())
        let status = raw >= 0xF000 ? oddStatuses[raw % oddStatuses.count] : 100 + raw % 900
        let rest = s.rest()
        let cut = rest.firstIndex(of: 0) ?? rest.count
        let header = String(decoding: rest[..<cut], as: UTF8.self)
        let body = Data(rest[min(cut + 1, rest.count)...])
        var headers: [String: String] = ["Content-Type": "text/plain"]
        if cut > 0 { headers["Retry-After"] = header }
        guard let response = HTTPURLResponse(url: url, statusCode: status, httpVersion: "HTTP/1.1", headerFields: headers) else { return }
        let outcome = WebhookClient.outcome(data: body, response: response, error: nil, timeout: 3)
        check(outcome, status: status, hasBody: !body.isEmpty)
        if status == 429 || status == 503 { checkRetryAfter(outcome, header: cut > 0 ? header : nil) }
    }
    return 0
}

func oneLine(_ reason: String, _ status: Int) {
    require(!reason.isEmpty, "HTTP \(status): an empty reason")
    require(!reason.unicodeScalars.contains { lineBreaks.contains($0.value) }, "HTTP \(status): a reason of more than one line: \(reason.debugDescription)")
    require(reason.count <= 200 + 10, "HTTP \(status): a reason of \(reason.count) characters")
}

/// LF, VT, FF, CR, NEL, LS, PS: what a terminal or a log reader takes for a new line.
let lineBreaks: Set<UInt32> = [0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029]

func check(_ outcome: AttemptOutcome, status: Int, hasBody: Bool) {
    switch outcome {
    case .accepted(let s):
        require((200..<300).contains(status) && s == status, "HTTP \(status) accepted as \(s)")
    case .rejected(let s, let reason):
        require(!(200..<300).contains(status) && ![408, 429].contains(status) && !(500..<600).contains(status) && s == status,
                "HTTP \(status) rejected as \(s)")
        oneLine(reason, status)
    case .transient(let reason, let after):
        require(status == 408 || status == 429 || (500..<600).contains(status), "HTTP \(status) is transient")
        oneLine(reason, status)
        if let after {
            require(status == 429 || status == 503, "HTTP \(status) honours Retry-After")
            require(after.isFinite && after >= 0, "Retry-After gave \(after)")
        }
    }
    let now = 1_000_000.0
    switch RetryPolicy().decide(outcome, attempt: 1, now: now, random: 0.5) {
    case .retry(let at, let reason):
        require(at.isFinite && at >= now, "a retry at \(at)")
        require(!reason.isEmpty, "a retry without a reason")
    case .fail(let reason): require(!reason.isEmpty, "a failure without a reason")
    case .delivered: break
    }
}

/// The Retry-After the outcome carries, against the header as RFC 9110 reads it (worked out here, not by the code).
func checkRetryAfter(_ outcome: AttemptOutcome, header: String?) {
    guard case .transient(_, let after) = outcome else { propertyFailed("HTTP 429/503 not transient: \(outcome)") }
    guard let header else { require(after == nil, "no Retry-After header, yet \(String(describing: after))"); return }
    let trimmed = header.trimmingCharacters(in: .whitespaces)
    let digits = !trimmed.isEmpty && trimmed.utf8.allSatisfy { (48...57).contains($0) }
    if digits {
        // Digits only: that many seconds (a number too large for Int is unreadable).
        let expected = Int(trimmed).map(Double.init)
        require(after == expected, "Retry-After \(header.debugDescription) gave \(String(describing: after)), expected \(String(describing: expected))")
        return
    }
    let signed = trimmed.count > 1 && (trimmed.hasPrefix("+") || trimmed.hasPrefix("-")) && trimmed.utf8.dropFirst().allSatisfy { (48...57).contains($0) }
    if signed && Known.signedRetryAfterIsRead { return }
    if !header.utf8.allSatisfy({ (0x20..<0x7F).contains($0) || $0 == 0x09 }) || !trimmed.contains(where: \.isLetter) {
        // Not printable ASCII, or no letter (so no HTTP-date): not a Retry-After at all.
        require(after == nil, "Retry-After \(header.debugDescription) is neither delta-seconds nor a date, yet gave \(String(describing: after))")
        return
    }
    if let after { require(after.isFinite && after >= 0, "Retry-After \(header.debugDescription) gave \(after)") }
}
