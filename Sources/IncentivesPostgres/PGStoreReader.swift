import Foundation
import IncentivesCore
import IncentivesInput
import IncentivesSQL

/// The read side of the PostgreSQL store (`StoreReading`): `SQLStoreReader`'s queries, in PostgreSQL's dialect, on
/// the same read models as SQLite; this class adds what only PostgreSQL's schema and round trips need. Each call
/// that reads several tables runs in one REPEATABLE READ READ ONLY transaction, one snapshot. One reader per thread.
public final class PGStoreReader: SQLStoreReader, StoreLookups {
    let c: PGConnection

    public init(url: String) throws {
        c = try PGConnection(url: url)
        try PGSchema.check(c)
        if try PGSchema.found(c) < PGSchema.version {
            // Nothing of ours yet, or an older schema: a writer brings it up to date (`PGStore`), readers do not.
            if try PGSchema.found(c) == 0 { throw StoreError.notInitialized(path: c.display) }
            _ = try PGStore(url: url, create: false)
        }
        super.init(session: c, catalog: try PGStoredConfiguration.catalog(c))
    }

    public func reload() throws { catalog = try PGStoredConfiguration.catalog(c) }

    static func instant(_ r: PGRows, _ row: Int, _ column: Int, path: String) throws -> Instant {
        try PGRow(rows: r, index: row, source: path).instant(column)
    }

    /// One stored event by its id, through the events' id index.
    static let eventByIDSQL = eventByIDSQL(PostgresDialect())

    // MARK: - Users

    /// The member, their saved progress and their number of events in one round trip (a look-up's time is mostly
    /// round trips to the server). A worker's batch saves the progress of the users it touched, with the last
    /// event it includes (`upto`); this user's events after it (not evaluated yet: workers lag the ingest) go on
    /// top, as a worker would.
    public override func profileSource(of id: String) throws -> (member: Member, engine: Engine, eventCount: Int)? {
        let columns = Self.memberColumns.split(separator: ",").count
        let rows = try c.exec("""
            SELECT \(Self.memberColumns.split(separator: ",").map { "m." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")),
              p.state, coalesce(p.upto, 0), (SELECT count(*) FROM events WHERE user_id = $1)
            FROM members m LEFT JOIN progress p ON p.user_id = m.id WHERE m.id = $1
            """, [id]).rows(source: path)
        guard let row = rows.first else { return nil }
        let member = try Member(row: row)
        let engine = try engine(over: member)
        var upto: Int64 = 0
        if let blob = row.blob(columns) {
            try? engine.restoreProgress(of: id, from: blob)
            upto = row.int64(columns + 1)
        }
        let later = try session.query("SELECT id, type, user_id, at_s, at_nanos, category FROM events WHERE user_id = $1 AND seq > $2 ORDER BY seq",
                                      [.text(id), .int(upto)]) { row in
            EventType(rawValue: row.text(1)) == nil ? nil : try Event(row: row)
        }
        if !later.isEmpty {
            let intake = Intake(storedEventsFor: engine)
            for case let e? in later { _ = intake.take(e) }
        }
        return (member, engine, row.int(columns + 2))
    }

    // MARK: - Events

    public func forEachEvent(afterSeq: Int64, _ body: (Int64, Event) throws -> Void) throws {
        // Pages of 50,000 by seq, so memory stays bounded (`body` may query this connection).
        var after = afterSeq
        while true {
            let page = try session.query("SELECT seq, id, type, user_id, at_s, at_nanos, category FROM events WHERE seq > $1 ORDER BY seq LIMIT 50000",
                                         [.int(after)]) { ($0.int64(0), try Event(row: $0, from: 1)) }
            guard !page.isEmpty else { return }
            for (seq, event) in page {
                after = seq
                try body(seq, event)
            }
        }
    }

    /// The employer's users 1,000 at a time, each batch's events by the primary key (user_id, seq), so that
    /// memory stays bounded and no page sorts the whole table (`incentives report`, issue 25).
    public func forEachEvent(employer: String, _ body: (Event) throws -> Void) throws {
        let ids = try members(employer: employer).map(\.id)
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(start + 1000, ids.count)])
            start += batch.count
            for event in try session.query("SELECT id, type, user_id, at_s, at_nanos, category FROM events WHERE user_id = ANY($1::text[]) ORDER BY user_id, seq",
                                           [.text(PGText.array(batch))], map: { try Event(row: $0) }) {
                try body(event)
            }
        }
    }

    // MARK: - Explanations

    public func explain(user id: String, today: LocalDate?, program: String?) throws -> Explanation? {
        try explainKept(user: id, today: today, program: program) // PGWhyQuery.swift
    }
}

/// Putting a failed delivery back in the queue from the console, on PostgreSQL: through the sender's narrow path,
/// `incentives_retry_delivery(id, at)` (`PGRoles`), so that a login with only the reader role can do this one
/// thing. Where that function is missing (roles not set up yet) or this login may not call it (the owner, to whom
/// EXECUTE is not granted), the same UPDATE is tried directly, which works for a login allowed to write.
public final class PGDeliveryRetry: DeliveryRetrying {
    private let url: String
    private var c: PGConnection?

    public init(url: String) { self.url = url }

    public func retry(delivery id: String, at unixSeconds: Double) throws -> Bool {
        if c == nil { c = try PGConnection(url: url) }
        do {
            return try c!.exec("SELECT incentives_retry_delivery($1, $2)", [id, String(unixSeconds)]).bool(0, 0)
        } catch let e as StoreError {
            switch e {
            case .permissionDenied: break
            case .postgres(_, let state, _) where state == "42883": break // undefined_function
            default: throw e
            }
            do {
                return try c!.exec("""
                    UPDATE deliveries SET status = 'pending', attempts = 0, next_attempt_at = $2, claimed_until = NULL WHERE id = $1 AND status = 'failed' RETURNING id
                    """, [id, String(unixSeconds)]).count == 1
            } catch {
                throw e
            }
        }
    }
}
