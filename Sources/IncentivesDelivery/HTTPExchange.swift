import CCurl
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 POST through libcurl, under one deadline for the whole exchange (`CURLOPT_TIMEOUT_MS`: name
/// look-up, connect, TLS handshake, the request, the answer's status line and headers, and as much of its body as
/// a message needs). (URLSession on Linux bounds only the silence between two packets: a partner sending one
/// header a second, or a chunked body that trickles, held a delivery for as long as it liked, and a cancelled
/// transfer still read a 3 GB answer to its end.) The head is capped at `headLimit`; a 2xx's body is not read at
/// all (the transfer stops at the end of its head); any other answer's body is read to `bodyCap` bytes, then the
/// transfer stops. One connection per exchange, closed at its end; no redirect followed, no proxy used.
enum HTTPExchange {
    /// Status lines and headers longer than this (interim answers included) are no answer a webhook partner gives.
    static let headLimit = 64 << 10

    struct Answer: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        /// At most the cap: the start of the body, for a message.
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }
    }

    enum Failure: Error, Equatable {
        case timedOut
        /// No answer: the name, the connection or the TLS handshake failed, or what came back is not HTTP.
        case failed(String)
    }

    /// curl_global_init, once, before the first handle (it is not itself safe to call from two threads at once;
    /// a static `let` is initialised exactly once).
    private static let curlReady: Bool = incentives_curl_global_init() == CURLE_OK

    static func post(url: URL, headers: [(String, String)], body: [UInt8], timeout: Double, bodyCap: Int,
                     tls: TLSContext = .shared) -> Result<Answer, Failure> {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty else {
            return .failure(.failed("connection failed: not an http(s) URL with a host"))
        }
        if let port = url.port, !(1...65535).contains(port) { return .failure(.failed("connection failed: port \(port)")) }
        for (name, value) in headers where !(name + value).unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
            // A header is one line: a control character would end it and start another.
            return .failure(.failed("not sent: header \(name) holds a control character"))
        }
        guard curlReady, let handle = curl_easy_init() else { return .failure(.failed("connection failed: libcurl could not start")) }
        defer { curl_easy_cleanup(handle) }

        let transfer = Transfer(bodyCap: max(0, bodyCap))
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        var list: UnsafeMutablePointer<curl_slist>?
        // No `Expect: 100-continue` (a wait for an interim answer), no `Accept: */*`; one connection per exchange.
        for line in headers.map({ "\($0.0): \($0.1)" }) + ["Expect:", "Accept:", "Connection: close"] {
            list = curl_slist_append(list, line)
        }
        defer { curl_slist_free_all(list) }

        var ok = true
        func set(_ o: CURLoption, _ v: Int) { ok = ok && incentives_curl_set_long(handle, o, v) == CURLE_OK }
        func set(_ o: CURLoption, _ v: String?) { ok = ok && incentives_curl_set_string(handle, o, v) == CURLE_OK }
        set(CURLOPT_URL, url.absoluteString)
        set(CURLOPT_PROTOCOLS_STR, "http,https")
        set(CURLOPT_FOLLOWLOCATION, 0)  // a redirect is the partner's answer, not somewhere to send the delivery
        set(CURLOPT_PROXY, "")          // "" turns off http_proxy/https_proxy/all_proxy from the environment
        set(CURLOPT_NOSIGNAL, 1)        // several exchanges run on threads; the threaded resolver honours the timeout
        set(CURLOPT_TIMEOUT_MS, Int((max(0.001, min(timeout, 1e6)) * 1000).rounded(.up)))
        set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1)
        set(CURLOPT_FORBID_REUSE, 1)
        set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
        set(CURLOPT_SSL_VERIFYPEER, 1)
        set(CURLOPT_SSL_VERIFYHOST, 2)
        if let file = tls.caFile { set(CURLOPT_CAINFO, file) }
        if tls.only { set(CURLOPT_CAPATH, nil) } else if let dir = tls.caPath { set(CURLOPT_CAPATH, dir) }
        ok = ok && incentives_curl_set_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer) == CURLE_OK
        ok = ok && incentives_curl_set_slist(handle, CURLOPT_HTTPHEADER, list) == CURLE_OK
        ok = ok && incentives_curl_set_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)) == CURLE_OK
        // COPYPOSTFIELDS copies the bytes (as many as the size set above): the buffer need not outlive this call.
        if body.isEmpty {
            set(CURLOPT_COPYPOSTFIELDS, "")
        } else {
            ok = ok && body.withUnsafeBytes {
                incentives_curl_set_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress)) == CURLE_OK
            }
        }
        let context = Unmanaged.passUnretained(transfer).toOpaque()
        ok = ok && incentives_curl_set_write_function(handle, CURLOPT_HEADERFUNCTION, onHeader) == CURLE_OK
        ok = ok && incentives_curl_set_pointer(handle, CURLOPT_HEADERDATA, context) == CURLE_OK
        ok = ok && incentives_curl_set_write_function(handle, CURLOPT_WRITEFUNCTION, onBody) == CURLE_OK
        ok = ok && incentives_curl_set_pointer(handle, CURLOPT_WRITEDATA, context) == CURLE_OK
        guard ok else { return .failure(.failed("connection failed: libcurl refused an option")) }

        let code = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        let message = String(cString: errorBuffer).trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message

        // Once the final head is in, the status stands, whatever stopped the body: the end, the cap, the deadline,
        // a reset, a broken chunk.
        if transfer.headDone {
            return .success(Answer(status: transfer.status, headers: transfer.headers, body: transfer.body))
        }
        if transfer.headTooLong { return .failure(.failed("no HTTP response: a head longer than \(headLimit) bytes")) }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            return .failure(.timedOut)
        case CURLE_OK:
            return .failure(.failed("no HTTP response"))
        case CURLE_COULDNT_CONNECT:
            var osError = 0
            _ = incentives_curl_get_long(handle, CURLINFO_OS_ERRNO, &osError)
            return .failure(.failed(osError != 0 ? connectionFailed(Int32(osError)) : "connection failed: \(detail)"))
        case CURLE_COULDNT_RESOLVE_HOST:
            return .failure(.failed("connection failed: \(detail)"))
        case CURLE_PEER_FAILED_VERIFICATION:
            return .failure(.failed("TLS handshake failed: certificate not trusted (\(detail))"))
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR,
             CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_CRL_BADFILE,
             CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED:
            return .failure(.failed("TLS handshake failed: \(detail)"))
        case CURLE_GOT_NOTHING:
            return .failure(.failed("connection failed: closed without an answer"))
        case CURLE_SEND_ERROR:
            return .failure(.failed("connection failed: the request could not be sent (\(detail))"))
        case CURLE_WEIRD_SERVER_REPLY:
            return .failure(.failed("no HTTP response: \(detail)"))
        case CURLE_UNSUPPORTED_PROTOCOL where message.contains("HTTP/0.9"):
            // Not a status line: curl refuses HTTP/0.9, a reply with no head at all.
            return .failure(.failed("no HTTP response: \(detail)"))
        default:
            return .failure(.failed(transfer.headBytes > 0 ? "no HTTP response: \(detail)" : "connection failed: \(detail)"))
        }
    }

    // MARK: The answer, as libcurl hands it over

    /// What the callbacks learn of one answer. Touched only on the thread running `curl_easy_perform`.
    private final class Transfer {
        let bodyCap: Int
        var headBytes = 0
        var status = 0
        var headers: [(name: String, value: String)] = []
        /// The final (non-interim) head has ended: the status stands from here on.
        var headDone = false
        var headTooLong = false
        var body: [UInt8] = []

        init(bodyCap: Int) { self.bodyCap = bodyCap }

        /// One line of a head (curl calls this for every line, interim heads and trailers included).
        /// False stops the transfer.
        func headerLine(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard !headDone else { return true }  // trailers after a body: not needed
            headBytes += bytes.count
            guard headBytes <= HTTPExchange.headLimit else { headTooLong = true; return false }
            // Without its line end (bytes: in a String, "\r\n" is one Character).
            var end = bytes.count
            while end > 0, bytes[end - 1] == 10 || bytes[end - 1] == 13 { end -= 1 }
            let line = String(decoding: bytes[..<end], as: UTF8.self)
            if line.hasPrefix("HTTP/") {
                // A new head begins (after an interim 100 or 103, another one does).
                let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
                status = parts.count >= 2 ? Int(parts[1]) ?? 0 : 0
                headers = []
            } else if line.isEmpty {
                // The end of a head. An interim answer (100 Continue, 103 Early Hints) comes before the real one.
                if (100..<200).contains(status), status != 101 { return true }
                headDone = true
                // A 2xx is all the sender needs: its body is never read. Nor is one that cannot carry a message.
                if (200..<300).contains(status) || status == 304 || bodyCap == 0 { return false }
            } else if let colon = line.firstIndex(of: ":") {
                headers.append((String(line[..<colon]).trimmingCharacters(in: .whitespaces),
                                String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)))
            }
            return true
        }

        /// Bytes of the body (de-chunked by curl). False stops the transfer: the cap is reached.
        func bodyBytes(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            let room = bodyCap - body.count
            body += bytes.prefix(max(0, room))
            return body.count < bodyCap
        }
    }

    /// Returning anything but the size handed over makes curl stop the transfer (CURLE_WRITE_ERROR).
    private static let onHeader: curl_write_callback = { data, size, count, context in
        let n = size * count
        guard let data, let context else { return n }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: n)
        return transfer.headerLine(bytes) ? n : 0
    }

    private static let onBody: curl_write_callback = { data, size, count, context in
        let n = size * count
        guard n > 0, let data, let context else { return n }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: n)
        return transfer.bodyBytes(bytes) ? n : 0
    }
}

extension HTTPExchange {
    /// The reason given when a connection attempt ends with `code` (ECONNREFUSED: "connection failed: Connection refused").
    static func connectionFailed(_ code: Int32) -> String {
        "connection failed: \(String(cString: strerror(code)))"
    }
}

/// Which certificates a partner's must chain to: TLS 1.2 or later, the peer's certificate and name verified by
/// libcurl (OpenSSL). The system's trusted certificates, which `SSL_CERT_FILE` and `SSL_CERT_DIR` override as they
/// do for every OpenSSL client (libcurl itself does not read them); or one PEM file of certificates only (the
/// tests' own authority).
struct TLSContext: Sendable {
    /// The system's, as the environment says when it is read (each `WebhookClient` reads it when made).
    static var shared: TLSContext { TLSContext(trusting: nil) }

    /// A PEM file of trusted certificates; nil for libcurl's built-in bundle.
    let caFile: String?
    /// A directory of hashed certificates (`c_rehash`); nil for libcurl's built-in one.
    let caPath: String?
    /// `caFile` and nothing else is trusted.
    let only: Bool

    init(trusting file: String?) {
        if let file {
            caFile = file
            caPath = nil
            only = true
            return
        }
        let environment = ProcessInfo.processInfo.environment
        caFile = environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        caPath = environment["SSL_CERT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        only = false
    }
}
