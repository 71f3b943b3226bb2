import Foundation
import CLibPQ
import IncentivesSQL
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL connection URL (or libpq's `key=value` form), and the same made fit to print: no password ever
/// appears in a message. It is found the way libpq reads the string (fe-connect.c: a URI's credentials end at the
/// first `@` or `/`, its query at `&`, keys and values `%`-decoded; a `key=value` string's values unquoted and
/// unescaped), and, where a hostile or mistyped URL could be read otherwise (a raw `/`, `@` or `&` in a password,
/// which libpq then refuses and quotes), the wider reading is masked too. Passwords otherwise come from libpq's own
/// means (`PGPASSWORD`, `~/.pgpass`, a service file); TLS from `sslmode=`.
public enum PGURL {
    /// Whether `--db` / `$INCENTIVES_DB` names a PostgreSQL database rather than a SQLite file: a `postgresql://` or
    /// `postgres://` URI, or libpq's `key=value` form starting with one of its keywords (`host=/tmp dbname=inc`).
    public static func isPostgres(_ location: String) -> Bool {
        let l = location.lowercased()
        if l.hasPrefix("postgresql://") || l.hasPrefix("postgres://") { return true }
        let first = location.drop(while: \.isWhitespace).prefix { $0 != "=" && !$0.isWhitespace }
        return keywords.contains(String(first)) && location.drop(while: \.isWhitespace).dropFirst(first.count).drop(while: \.isWhitespace).first == "="
    }

    /// libpq's connection keywords (PostgreSQL 15/16): what may follow `?` or `&` in a URI, or start a `key=value` pair.
    static let keywords: Set<String> = [
        "host", "hostaddr", "port", "dbname", "user", "password", "passfile", "channel_binding", "connect_timeout",
        "client_encoding", "options", "application_name", "fallback_application_name", "keepalives", "keepalives_idle",
        "keepalives_interval", "keepalives_count", "tcp_user_timeout", "replication", "sslmode", "sslcompression", "sslcert",
        "sslkey", "sslpassword", "sslcertmode", "sslrootcert", "sslcrl", "sslcrldir", "sslsni", "requirepeer",
        "require_auth", "ssl_min_protocol_version", "ssl_max_protocol_version", "gssencmode", "krbsrvname", "gsslib",
        "gssdelegation", "service", "target_session_attrs", "load_balance_hosts",
    ]

    /// Keywords whose values are secrets.
    static func isSecret(_ key: String) -> Bool { ["password", "sslpassword"].contains(key.lowercased()) }

    /// Every form a secret of the URL could take in a message: as written and decoded (libpq quotes either).
    static func secrets(in url: String) -> [String] { read(url).secrets }

    /// The URL without its password: `postgresql://user:*****@host/db?sslmode=require`.
    public static func redacted(_ url: String) -> String { read(url).display }

    private static func read(_ url: String) -> (display: String, secrets: [String]) {
        let l = url.lowercased()
        guard let scheme = ["postgresql://", "postgres://"].first(where: { l.hasPrefix($0) }) else { return readKeywordValue(url) }
        var secrets: [String] = []
        func secret(_ raw: Substring) {
            guard !raw.isEmpty else { return }
            secrets.append(String(raw))
            let decoded = decode(raw)
            if decoded != String(raw) { secrets.append(decoded) }
        }
        var out = String(url.prefix(scheme.count))
        var rest = url.dropFirst(scheme.count)
        // Credentials: libpq ends them at the first '@' (before any '/'); a password holding a raw '/' or '@' is refused
        // by libpq, but what follows its ':' up to the last '@' is still the password someone meant: masked too.
        if let lastAt = rest.lastIndex(of: "@"), let colon = rest[..<lastAt].firstIndex(of: ":") {
            secret(rest[rest.index(after: colon)..<lastAt])
            out += rest[..<colon] + ":*****@"
            rest = rest[rest.index(after: lastAt)...]
        }
        guard let q = rest.firstIndex(of: "?") else { return (out + rest, secrets) }
        out += rest[...q]
        // Parameters: `&`-separated, keys and values %-decoded. A raw '&' in a password splits it for libpq (which then
        // refuses the piece after it and quotes it): what follows a secret up to the next known `keyword=` is masked too.
        let params = rest[rest.index(after: q)...].split(separator: "&", omittingEmptySubsequences: false)
        var shown: [String] = []
        var masking: [Substring]?
        func endMask() {
            if let m = masking { secret(Substring(m.joined(separator: "&"))) }
            masking = nil
        }
        for p in params {
            let eq = p.firstIndex(of: "=")
            let key = eq.map { decode(p[..<$0]) }
            if masking != nil, let key, keywords.contains(key) { endMask() }
            if masking != nil { masking!.append(p); continue }
            if let key, let eq, isSecret(key) {
                shown.append(String(p[..<eq]) + "=*****")
                masking = [p[p.index(after: eq)...]]
            } else {
                shown.append(String(p))
            }
        }
        endMask()
        return (out + shown.joined(separator: "&"), secrets)
    }

    /// libpq's `key = value` form: values unquoted (ending at white space) or in single quotes, `\` escaping.
    private static func readKeywordValue(_ text: String) -> (display: String, secrets: [String]) {
        var out = "", secrets: [String] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            // White space and the key, copied as they are.
            let keyStart = i
            while i < chars.count, chars[i] != "=" { i += 1 }
            let key = String(chars[keyStart..<i]).trimmingCharacters(in: .whitespaces)
            out += String(chars[keyStart..<min(i + 1, chars.count)])
            guard i < chars.count else { break }
            i += 1
            while i < chars.count, chars[i].isWhitespace { out.append(chars[i]); i += 1 }
            let valueStart = i
            var value = ""
            if i < chars.count, chars[i] == "'" {
                i += 1
                while i < chars.count, chars[i] != "'" {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    value.append(chars[i]); i += 1
                }
                i = min(i + 1, chars.count)
            } else {
                while i < chars.count, !chars[i].isWhitespace {
                    if chars[i] == "\\", i + 1 < chars.count { i += 1 }
                    value.append(chars[i]); i += 1
                }
            }
            let raw = String(chars[valueStart..<i])
            if isSecret(key.split(whereSeparator: \.isWhitespace).last.map(String.init) ?? key) {
                out += "*****"
                if !raw.isEmpty { secrets.append(raw) }
                if !value.isEmpty, value != raw { secrets.append(value) }
            } else {
                out += raw
            }
        }
        return (out, secrets)
    }

    /// `%`-decoding as libpq does it (a malformed escape leaves the text as it is: libpq refuses the URL then).
    private static func decode(_ s: Substring) -> String {
        guard s.contains("%") else { return String(s) }
        var bytes: [UInt8] = []
        var u = Array(s.utf8)[...]
        while let b = u.popFirst() {
            if b == 37, u.count >= 2, let v = UInt8(String(decoding: u.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                u = u.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The text of one query's result rows (libpq's text format); owns the result.
final class PGRows {
    fileprivate let result: OpaquePointer
    let count: Int
    let columns: Int

    fileprivate init(result: OpaquePointer) {
        self.result = result
        count = Int(PQntuples(result))
        columns = Int(PQnfields(result))
    }

    deinit { PQclear(result) }

    func text(_ row: Int, _ column: Int) -> String {
        String(cString: PQgetvalue(result, Int32(row), Int32(column)))
    }
    func isNull(_ row: Int, _ column: Int) -> Bool { PQgetisnull(result, Int32(row), Int32(column)) == 1 }
    func optionalText(_ row: Int, _ column: Int) -> String? {
        PQgetisnull(result, Int32(row), Int32(column)) == 1 ? nil : text(row, column)
    }
    func int(_ row: Int, _ column: Int) -> Int { Int(text(row, column)) ?? 0 }
    func int64(_ row: Int, _ column: Int) -> Int64 { Int64(text(row, column)) ?? 0 }
    func double(_ row: Int, _ column: Int) -> Double { Double(text(row, column)) ?? 0 }
    func optionalDouble(_ row: Int, _ column: Int) -> Double? { optionalText(row, column).flatMap(Double.init) }
    func bool(_ row: Int, _ column: Int) -> Bool { text(row, column) == "t" }
    /// A `bytea` column (text format: `\x` and hex digits).
    func bytes(_ row: Int, _ column: Int) -> [UInt8]? {
        guard PQgetisnull(result, Int32(row), Int32(column)) == 0 else { return nil }
        return PGText.decodeBytea(PQgetvalue(result, Int32(row), Int32(column)), length: Int(PQgetlength(result, Int32(row), Int32(column))))
    }
}

/// Text encodings the PostgreSQL store writes: `bytea` in hex, rows in COPY's text format.
enum PGText {
    static func bytea(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8](repeating: 0, count: 2 + bytes.count * 2)
        out[0] = UInt8(ascii: "\\"); out[1] = UInt8(ascii: "x")
        for (i, b) in bytes.enumerated() {
            out[2 + 2 * i] = digits[Int(b >> 4)]
            out[3 + 2 * i] = digits[Int(b & 15)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decodeBytea(_ p: UnsafePointer<CChar>, length: Int) -> [UInt8] {
        guard length >= 2 else { return [] }
        func nibble(_ c: CChar) -> UInt8 {
            let u = UInt8(bitPattern: c)
            switch u {
            case 48...57: return u - 48
            case 97...102: return u - 87
            case 65...70: return u - 55
            default: return 0
            }
        }
        var out = [UInt8]()
        out.reserveCapacity((length - 2) / 2)
        var i = 2
        while i + 1 < length {
            out.append(nibble(p[i]) << 4 | nibble(p[i + 1]))
            i += 2
        }
        return out
    }

    /// Appends one field in COPY's text format: NULL as `\N`, backslash, tab, newline and carriage return escaped.
    /// Most fields hold none of those: they are copied whole (this ran byte by byte, the ingest's costliest line).
    static func copyField(_ value: String?, into out: inout [UInt8]) {
        guard var value else { out.append(92); out.append(78); return }
        value.withUTF8 { bytes in
            guard bytes.contains(where: { $0 == 92 || $0 == 9 || $0 == 10 || $0 == 13 }) else {
                out.append(contentsOf: bytes)
                return
            }
            for b in bytes {
                switch b {
                case 92: out.append(92); out.append(92)
                case 9: out.append(92); out.append(116)
                case 10: out.append(92); out.append(110)
                case 13: out.append(92); out.append(114)
                default: out.append(b)
                }
            }
        }
    }

    /// Appends an integer field in decimal, without making a String of it first.
    static func copyInt(_ value: Int64, into out: inout [UInt8]) {
        if value < 0 { out.append(45) }
        var m = value.magnitude
        let start = out.count
        repeat {
            out.append(UInt8(truncatingIfNeeded: 48 + m % 10))
            m /= 10
        } while m > 0
        out[start...].reverse()
    }

    /// One COPY row: fields separated by tabs, ended by a newline.
    static func copyRow(_ fields: [String?], into out: inout [UInt8]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(9) }
            copyField(f, into: &out)
        }
        out.append(10)
    }
}

/// One libpq connection: parameterized statements with text parameters (`PQexecParams`), COPY FROM STDIN,
/// transactions, and libpq's errors turned into `StoreError` cases that name the URL without its password.
/// One thread at a time.
final class PGConnection: @unchecked Sendable {
    private var conn: OpaquePointer?
    /// The URL as it may be printed.
    let display: String
    /// What must never appear in a message: the URL as given, and its password.
    private let secrets: [(String, String)]

    init(url: String) throws {
        display = PGURL.redacted(url)
        secrets = [(url, display)] + PGURL.secrets(in: url).sorted { $0.count > $1.count }.map { ($0, "*****") }
        // A URL libpq cannot parse is a usage error, said before any connection is tried.
        var parseError: UnsafeMutablePointer<CChar>?
        if let options = PQconninfoParse(url, &parseError) {
            PQconninfoFree(options)
        } else {
            let why = parseError.map { String(cString: $0) } ?? "not a PostgreSQL URL"
            if let parseError { PQfreemem(parseError) }
            throw StoreError.badURL(path: display, reason: scrub(Self.clean(why)))
        }
        conn = PQconnectdb(url)
        guard let conn else { throw StoreError.unreachable(path: display, reason: "out of memory") }
        guard PQstatus(conn) == CONNECTION_OK else {
            let why = scrub(Self.clean(String(cString: PQerrorMessage(conn))))
            PQfinish(conn)
            self.conn = nil
            throw Self.connectError(why, display: display)
        }
        // Notices ("relation already exists, skipping") are not for the command's output.
        PQsetNoticeProcessor(conn, { _, _ in }, nil)
        _ = try exec("SET client_min_messages = warning")
    }

    deinit { close() }

    func close() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    /// A message with the URL and its password taken out (libpq quotes a URL it cannot parse).
    func scrub(_ message: String) -> String {
        let whole = secrets.reduce(message) { m, pair in pair.0.isEmpty ? m : m.replacingOccurrences(of: pair.0, with: pair.1) }
        // libpq quotes the piece of a URL it refuses (`invalid integer value "Sec" for connection option "port"`, a
        // password with a raw '/'): a quoted piece of a secret is a secret.
        let pieces = secrets.dropFirst().map(\.0)
        guard !pieces.isEmpty, whole.contains("\"") else { return whole }
        let parts = whole.split(separator: "\"", omittingEmptySubsequences: false)
        return parts.enumerated().map { i, part in
            i % 2 == 1 && !part.isEmpty && pieces.contains(where: { $0.contains(part) }) ? "*****" : String(part)
        }.joined(separator: "\"")
    }

    /// libpq's message on one line.
    static func clean(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: "; ")
    }

    static func connectError(_ why: String, display: String) -> StoreError {
        let l = why.lowercased()
        if l.contains("password authentication failed") || l.contains("no password supplied")
            || l.contains("authentication failed") || l.contains("permission denied") || l.contains("not permitted to log in")
            || l.contains("pg_hba.conf") || (l.contains("role \"") && l.contains("does not exist")) {
            // A refused login, whatever the reason: a missing role (`role "x" does not exist`) is the server
            // saying no to this login, not a server out of reach (README: 77).
            return .refused(path: display, reason: why)
        }
        if l.contains("database") && l.contains("does not exist") { return .cannotOpen(path: display, reason: why) }
        return .unreachable(path: display, reason: why)
    }

    /// Runs one statement (or, without parameters, several separated by semicolons) and returns its rows.
    @discardableResult
    func exec(_ sql: String, _ params: [String?] = []) throws -> PGRows {
        guard let conn else { throw StoreError.connectionLost(path: display, reason: "the connection is closed") }
        let result: OpaquePointer?
        if params.isEmpty {
            result = PQexec(conn, sql)
        } else {
            // Text parameters: libpq wants an array of C strings, NULL for SQL NULL.
            let cStrings: [UnsafeMutablePointer<CChar>?] = params.map { $0.map { strdup($0) } ?? nil }
            defer { for p in cStrings { free(p) } }
            result = cStrings.withUnsafeBufferPointer { buf in
                buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: cStrings.count) { values in
                    PQexecParams(conn, sql, Int32(params.count), nil, values, nil, nil, 0)
                }
            }
        }
        return try check(result)
    }

    private func check(_ result: OpaquePointer?) throws -> PGRows {
        let status = result.map { PQresultStatus($0) } ?? PGRES_FATAL_ERROR
        switch status {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY, PGRES_COPY_IN:
            return PGRows(result: result!)
        default:
            let error = failure(result)
            if let result { PQclear(result) }
            throw error
        }
    }

    /// The error of a failed statement, or of a connection that went away.
    private func failure(_ result: OpaquePointer?) -> StoreError {
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            let why = conn.map { Self.clean(String(cString: PQerrorMessage($0))) } ?? "closed"
            return .connectionLost(path: display, reason: why.isEmpty ? "the server closed the connection" : scrub(why))
        }
        let state = result.flatMap { clibpq_sqlstate($0) }.map { String(cString: $0) } ?? ""
        let message = scrub(result.flatMap { clibpq_primary($0) }.map { String(cString: $0) } ?? Self.clean(String(cString: PQerrorMessage(conn))))
        switch state {
        case "57P01", "57P02", "57P03", "08000", "08003", "08006": return .connectionLost(path: display, reason: message)
        case "42501": return .permissionDenied(path: display, reason: message)
        case "53100": return .full(path: display)
        case "40001", "40P01", "55P03": return .locked(path: display)
        default: return .postgres(path: display, sqlstate: state, message: message)
        }
    }

    // MARK: - Transactions

    private(set) var inTransaction = false

    func begin() throws {
        try exec("BEGIN")
        inTransaction = true
    }

    func commit() throws {
        inTransaction = false
        try exec("COMMIT")
    }

    func rollback() {
        guard inTransaction else { return }
        inTransaction = false
        _ = try? exec("ROLLBACK")
    }

    /// `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try begin()
        do {
            let value = try body()
            try commit()
            return value
        } catch {
            rollback()
            throw error
        }
    }

    // MARK: - LISTEN/NOTIFY

    /// The channels of the notifications that arrived (after a `LISTEN`), oldest first: what the socket holds is
    /// read without blocking (`PQconsumeInput`), and when nothing is there yet, up to `seconds` are waited on the
    /// socket (`poll`). Throws `connectionLost` when the server went away.
    func notifications(waitingUpTo seconds: Double) throws -> [String] {
        guard let conn else { throw StoreError.connectionLost(path: display, reason: "the connection is closed") }
        func drain() throws -> [String] {
            guard PQconsumeInput(conn) == 1 else { throw failure(nil) }
            var channels: [String] = []
            while let n = PQnotifies(conn) {
                channels.append(String(cString: n.pointee.relname))
                PQfreemem(n)
            }
            return channels
        }
        let now = try drain()
        guard now.isEmpty, seconds > 0 else { return now }
        var fd = pollfd(fd: PQsocket(conn), events: Int16(POLLIN), revents: 0)
        guard fd.fd >= 0 else { throw failure(nil) }
        _ = poll(&fd, 1, Int32(seconds * 1000))
        return try drain()
    }

    // MARK: - COPY

    /// `COPY table (columns) FROM STDIN` with rows already in COPY's text format (`PGText.copyRow`).
    /// With `namingRefusedRow`, a row the server refuses for what it holds is thrown as `PGRefusedRow`.
    func copy(into table: String, columns: [String], data: [UInt8], namingRefusedRow: Bool = false) throws {
        guard !data.isEmpty else { return }
        guard let conn else { throw StoreError.connectionLost(path: display, reason: "the connection is closed") }
        _ = try exec("COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN")
        let chunk = 1 << 20
        var start = 0
        while start < data.count {
            let end = min(start + chunk, data.count)
            let ok = data[start..<end].withUnsafeBufferPointer { buf in
                buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { PQputCopyData(conn, $0, Int32(buf.count)) }
            }
            if ok != 1 { break }
            start = end
        }
        _ = PQputCopyEnd(conn, nil)
        // The COPY's own result, then the end of the command.
        var firstError: StoreError?
        var refusedRow: Int?
        while let r = PQgetResult(conn) {
            if PQresultStatus(r) != PGRES_COMMAND_OK, firstError == nil {
                firstError = failure(r)
                refusedRow = Self.refusedRow(r)
            }
            PQclear(r)
        }
        if let firstError, let refusedRow, namingRefusedRow { throw PGRefusedRow(row: refusedRow, error: firstError) }
        if let firstError { throw firstError }
        if PQstatus(conn) != CONNECTION_OK { throw failure(nil) }
    }

    /// The row of a COPY (1 for the first) the server refused for what it holds — a data exception (SQLSTATE class
    /// 22) or a limit (class 54: an index entry too large) — from the error's context (`COPY events, line 3`), or nil.
    private static func refusedRow(_ r: OpaquePointer) -> Int? {
        guard let state = clibpq_sqlstate(r).map({ String(cString: $0) }), state.hasPrefix("22") || state.hasPrefix("54"),
              let context = clibpq_context(r).map({ String(cString: $0) }),
              let range = context.range(of: #"COPY [^,]+, line [0-9]+"#, options: .regularExpression) else { return nil }
        return Int(context[range].split(separator: " ").last ?? "")
    }
}

/// A COPY the server refused because of what one of its rows holds (`PGConnection.copy`): the row (1 for the first)
/// and the error. The ingest rejects that row's line and goes on (`PGIngestor`), instead of failing the same way at
/// every run.
struct PGRefusedRow: Error {
    let row: Int
    let error: StoreError
}
