import Foundation
import CLibPQ
#if canImport(Glibc)
import Glibc
#endif

/// A PostgreSQL connection URL, and the same URL made fit to print: the password (in the authority part or a
/// `password=` parameter) never appears in a message. Passwords otherwise come from libpq's own means
/// (`PGPASSWORD`, `~/.pgpass`, a service file); TLS from `sslmode=` in the URL.
public enum PGURL {
    /// Whether `--db` / `$INCENTIVES_DB` names a PostgreSQL database rather than a SQLite file.
    public static func isPostgres(_ location: String) -> Bool {
        let l = location.lowercased()
        return l.hasPrefix("postgresql://") || l.hasPrefix("postgres://")
    }

    /// The password written in the URL (authority part or `password=` parameter), percent-decoded too, or nil.
    static func password(in url: String) -> String? {
        guard let schemeEnd = url.range(of: "://") else { return nil }
        let rest = url[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            let p = String(authority[authority.index(after: colon)..<at])
            if !p.isEmpty { return p }
        }
        if let q = rest.firstIndex(of: "?") {
            for param in rest[rest.index(after: q)...].split(separator: "&") where param.lowercased().hasPrefix("password=") {
                let p = String(param.dropFirst("password=".count))
                if !p.isEmpty { return p }
            }
        }
        return nil
    }

    /// The URL without its password: `postgresql://user:*****@host/db?sslmode=require`.
    public static func redacted(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        var head = String(url[..<schemeEnd.upperBound])
        var rest = String(url[schemeEnd.upperBound...])
        var query = ""
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[q...])
            rest = String(rest[..<q])
        }
        // The authority ends at the first '/'; user:password@ precedes the last '@' in it.
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            let user = userInfo.firstIndex(of: ":").map { userInfo[..<$0] } ?? userInfo
            head += user + (user.count < userInfo.count ? ":*****" : "") + "@"
            rest = String(rest[rest.index(after: at)...])
        }
        if !query.isEmpty {
            let params = query.dropFirst().split(separator: "&", omittingEmptySubsequences: false).map { p -> String in
                p.lowercased().hasPrefix("password=") ? "password=*****" : String(p)
            }
            query = "?" + params.joined(separator: "&")
        }
        return head + rest + query
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
        secrets = [(url, display)] + (PGURL.password(in: url).map { [($0, "*****")] } ?? [])
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
        secrets.reduce(message) { m, pair in pair.0.isEmpty ? m : m.replacingOccurrences(of: pair.0, with: pair.1) }
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
    func copy(into table: String, columns: [String], data: [UInt8]) throws {
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
        while let r = PQgetResult(conn) {
            if PQresultStatus(r) != PGRES_COMMAND_OK, firstError == nil { firstError = failure(r) }
            PQclear(r)
        }
        if let firstError { throw firstError }
        if PQstatus(conn) != CONNECTION_OK { throw failure(nil) }
    }
}
