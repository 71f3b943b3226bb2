import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
import IncentivesSQL
#endif

/// One SQLite connection: the small internal API every query in IncentivesStore is written with.
///
/// - `prepare(_:)` returns a cached prepared statement (prepared once per connection, reset on reuse);
/// - `Statement.bind`/`step`/column getters, or `run(_:)` / `rows(_:map:)` for one-liners;
/// - `transaction { }` wraps a body in `BEGIN IMMEDIATE` … `COMMIT` (rolled back when the body throws),
///   `snapshot { }` in a read transaction so that several reads see one consistent state.
///
/// Add queries in their own file as an extension (e.g. `DeliveryQueue.swift`) rather than here.
/// A connection is not thread-safe: use one per thread (SQLite's WAL lets many readers run beside one writer).
public final class Database {
    let handle: OpaquePointer
    public let path: String
    public let isReadOnly: Bool
    private var cache: [String: Statement] = [:]
    private var transactionDepth = 0

    public enum Mode: Sendable {
        /// Read and write; `create`: make the file (mode 0600, folder 0700) when it is missing.
        case readWrite(create: Bool)
        /// Never writes (the console, `user`, `achievements`): cannot block or be blocked by an ingest in WAL mode.
        case readOnly
    }

    /// Opens the file. `busyTimeout`: how long a statement waits for another connection's lock before
    /// failing with `StoreError.locked`.
    public init(path: String, mode: Mode, busyTimeout milliseconds: Int32 = 5_000) throws {
        self.path = path
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        switch mode {
        case .readOnly:
            guard FileManager.default.fileExists(atPath: path) else {
                throw StoreError.cannotOpen(path: path, reason: "no such file; run 'incentives init' or 'incentives' to create it")
            }
            flags |= SQLITE_OPEN_READONLY
            isReadOnly = true
        case .readWrite(let create):
            flags |= SQLITE_OPEN_READWRITE
            isReadOnly = false
            if create && !FileManager.default.fileExists(atPath: path) { try Database.createPrivateFile(path) }
            if !create && !FileManager.default.fileExists(atPath: path) {
                throw StoreError.cannotOpen(path: path, reason: "no such file")
            }
        }
        _ = Database.configureOnce
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw StoreError.from(code: rc, message: message, path: path)
        }
        handle = db
        // Wait for another writer by polling every millisecond, not with SQLite's default back-off (which sleeps
        // up to 100 ms between tries): an ingest releases the write lock for a few milliseconds between batches,
        // and a fine-grained wait is what lets `init` or the delivery sender get in then instead of timing out.
        sqlite3_busy_handler(db, { context, tries in
            let limit = Int32(truncatingIfNeeded: Int(bitPattern: context))
            guard tries < limit else { return 0 }
            usleep(1_000)
            return 1
        }, UnsafeMutableRawPointer(bitPattern: Int(max(milliseconds, 0))))
        sqlite3_extended_result_codes(db, 1)
    }

    /// Process-wide settings, before the first connection initialises SQLite.
    private static let configureOnce: Void = { _ = csqlite_disable_memstatus() }()

    deinit {
        for s in cache.values { sqlite3_finalize(s.handle) }
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Creates the database file readable by its owner only: it holds user ids and their health activity.
    /// SQLite gives the -wal and -shm files the same permissions.
    static func createPrivateFile(_ path: String) throws {
        // A URL is never a file path: `postgresql://…` given to the SQLite store would become folders named
        // `postgresql:` and so on in the current folder.
        if path.contains("://") {
            throw StoreError.badURL(path: path, reason: "a URL is not a SQLite file path; only postgresql:// and postgres:// URLs name a database")
        }
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty && !FileManager.default.fileExists(atPath: dir) {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError.cannotOpen(path: path, reason: "cannot create folder \(dir): \(error.localizedDescription)")
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            if errno == EEXIST { return }
            let why = String(cString: strerror(errno))
            throw errno == EACCES || errno == EROFS ? StoreError.readOnly(path: path) : StoreError.cannotOpen(path: path, reason: why)
        }
        fchmod(fd, 0o600) // in case the umask is stricter than usual it stays 0600, never wider
        close(fd)
    }

    // MARK: - Errors

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    func fail(_ code: Int32) -> StoreError { StoreError.from(code: code, message: lastMessage, path: path) }

    func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw fail(code) }
    }

    // MARK: - Running SQL

    /// Runs one or more statements that return no rows (DDL, PRAGMAs that set).
    public func execute(_ sql: String) throws {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &message)
        if rc != SQLITE_OK {
            let text = message.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(message)
            throw StoreError.from(code: rc, message: text, path: path)
        }
    }

    /// A prepared statement for `sql`, cached on this connection. It is reset and its bindings cleared,
    /// so a caller can bind and step it at once. Do not hold it across another `prepare` of the same SQL.
    public func prepare(_ sql: String) throws -> Statement {
        if let s = cache[sql] {
            sqlite3_reset(s.handle)
            sqlite3_clear_bindings(s.handle)
            return s
        }
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw fail(rc) }
        let s = Statement(handle: stmt, database: self)
        cache[sql] = s
        return s
    }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`: takes the write lock at once, so a busy
    /// database fails here rather than halfway). Commits when `body` returns, rolls back when it throws.
    /// Nested calls join the outer transaction.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 {
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            return try body()
        }
        try execute("BEGIN IMMEDIATE")
        transactionDepth = 1
        do {
            let result = try body()
            transactionDepth = 0
            do {
                try execute("COMMIT")
            } catch {
                _ = try? execute("ROLLBACK")
                throw error
            }
            return result
        } catch {
            transactionDepth = 0
            if sqlite3_get_autocommit(handle) == 0 { _ = try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body` in one read transaction: every read inside sees the same committed state,
    /// while an ingest goes on committing beside it (WAL).
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        if transactionDepth > 0 { return try body() }
        try execute("BEGIN DEFERRED")
        transactionDepth = 1
        defer {
            transactionDepth = 0
            if sqlite3_get_autocommit(handle) == 0 { _ = try? execute("COMMIT") }
        }
        return try body()
    }

    /// Explicit batches for long loops (the ingest) that cannot sit inside one closure.
    /// Prefer `transaction { }` elsewhere.
    public func begin() throws {
        precondition(transactionDepth == 0, "begin() inside a transaction")
        try execute("BEGIN IMMEDIATE")
        transactionDepth = 1
    }

    public func commit() throws {
        transactionDepth = 0
        do {
            try execute("COMMIT")
        } catch {
            rollback()
            throw error
        }
    }

    public func rollback() {
        transactionDepth = 0
        if sqlite3_get_autocommit(handle) == 0 { _ = try? execute("ROLLBACK") }
    }

    /// Whether SQLite opened the main file read-only (a write-protected file opened for writing).
    public var isReadOnlyFile: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Rows changed by the last INSERT/UPDATE/DELETE (0 for an `INSERT OR IGNORE` that found the key).
    public var changes: Int { Int(sqlite3_changes(handle)) }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Binds `values`, steps once and resets: for INSERT/UPDATE/DELETE.
    public func run(_ sql: String, _ values: SQLValue...) throws {
        let s = try prepare(sql)
        try s.bind(values)
        try s.runToEnd()
    }

    /// Maps every row of `sql` with `values` bound.
    public func rows<T>(_ sql: String, _ values: SQLValue..., map: (Statement) throws -> T) throws -> [T] {
        let s = try prepare(sql)
        try s.bind(values)
        defer { s.reset() }
        var out: [T] = []
        while try s.step() { out.append(try map(s)) }
        return out
    }

    /// The first row of `sql`, mapped, or nil.
    public func row<T>(_ sql: String, _ values: SQLValue..., map: (Statement) throws -> T) throws -> T? {
        let s = try prepare(sql)
        try s.bind(values)
        defer { s.reset() }
        return try s.step() ? try map(s) : nil
    }

    /// The integer in the first column of the first row (0 when there is no row or it is NULL).
    public func integer(_ sql: String, _ values: SQLValue...) throws -> Int {
        let s = try prepare(sql)
        try s.bind(values)
        defer { s.reset() }
        return try s.step() ? s.int(0) : 0
    }

    /// `PRAGMA name` read as an integer.
    public func pragma(_ name: String) throws -> Int { try integer("PRAGMA \(name)") }
}

/// A prepared statement. Bind parameters by 1-based index, `step()` until it returns false, read
/// columns by 0-based index while a row is current.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database

    init(handle: OpaquePointer, database: Database) {
        self.handle = handle
        self.database = database
    }

    public func bind(_ values: [SQLValue]) throws {
        for (i, v) in values.enumerated() { try bind(Int32(i + 1), v) }
    }

    public func bind(_ index: Int32, _ value: SQLValue) throws {
        switch value {
        case .int(let v): try bind(index, v)
        case .double(let v): try checked(sqlite3_bind_double(handle, index, v))
        case .text(let s): try bind(index, s)
        case .blob(let b): try bind(index, bytes: b)
        case .null: try checked(sqlite3_bind_null(handle, index))
        }
    }

    /// Touches `database` (an unowned reference: a retain and a release) only on failure: binds run millions of
    /// times per ingest.
    @inline(__always)
    private func checked(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw database.fail(rc) }
    }

    @inline(__always)
    public func bind(_ index: Int32, _ v: Int64) throws {
        try checked(sqlite3_bind_int64(handle, index, v))
    }

    @inline(__always)
    public func bind(_ index: Int32, _ v: Int) throws { try bind(index, Int64(v)) }

    @inline(__always)
    public func bind(_ index: Int32, _ s: String?) throws {
        guard var s else { try checked(sqlite3_bind_null(handle, index)); return }
        let rc = s.withUTF8 { u -> Int32 in
            guard let base = u.baseAddress else { return sqlite3_bind_text(handle, index, "", 0, csqlite_transient()) }
            return base.withMemoryRebound(to: CChar.self, capacity: u.count) {
                sqlite3_bind_text(handle, index, $0, Int32(u.count), csqlite_transient())
            }
        }
        try checked(rc)
    }

    public func bind(_ index: Int32, bytes: [UInt8]?) throws {
        guard let bytes else { try checked(sqlite3_bind_null(handle, index)); return }
        let rc = bytes.withUnsafeBytes { raw in
            sqlite3_bind_blob(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(raw.count), csqlite_transient())
        }
        try checked(rc)
    }

    /// Advances to the next row: true while a row is current, false when done.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.fail(rc)
            sqlite3_reset(handle)
            throw error
        }
    }

    /// Steps until done (for statements that return no rows), then resets.
    public func runToEnd() throws {
        defer { sqlite3_reset(handle) }
        while try step() {}
    }

    public func reset() { sqlite3_reset(handle) }

    /// A statement outside the connection's cache, for a long loop whose body runs other queries;
    /// call `finalize()` when done.
    public static func prepareUncached(_ sql: String, on db: Database) throws -> Statement {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v2(db.handle, sql, -1, &stmt, nil)
        guard rc == SQLITE_OK, let stmt else { throw db.fail(rc) }
        return Statement(handle: stmt, database: db)
    }

    public func finalize() { sqlite3_finalize(handle) }

    public func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    public func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }
    public func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    public func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    public func optionalInt(_ column: Int32) -> Int? { isNull(column) ? nil : int(column) }
    public func optionalDouble(_ column: Int32) -> Double? { isNull(column) ? nil : double(column) }

    /// The column as text ("" for NULL); see `optionalText` to tell them apart.
    public func text(_ column: Int32) -> String {
        guard let p = sqlite3_column_text(handle, column) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
    }

    public func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    public func blob(_ column: Int32) -> [UInt8]? {
        guard !isNull(column) else { return nil }
        let n = Int(sqlite3_column_bytes(handle, column))
        guard n > 0, let p = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
}

extension Database {
    /// Whether the main database file was deleted, renamed or replaced since it was opened (SQLite's
    /// `SQLITE_FCNTL_HAS_MOVED`): writes would then go to a file that no other connection can find.
    public var fileHasMoved: Bool {
        var moved: Int32 = 0
        return sqlite3_file_control(handle, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved != 0
    }

    /// How many names (hard links) the database file has; 1 for a new or ordinary file.
    public var fileLinkCount: Int {
        var st = stat()
        guard stat(path, &st) == 0 else { return 1 }
        return Int(st.st_nlink)
    }
}
