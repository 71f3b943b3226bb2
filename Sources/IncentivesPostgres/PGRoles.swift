import Foundation
import IncentivesSQL

/// Least privilege on PostgreSQL: three NOLOGIN group roles that staff and services' login roles are granted
/// (`CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE incentives_reader`), and what each may do in this database.
///
/// - reader (`<prefix>_reader`): SELECT on every table — the console and the look-ups — and EXECUTE on one
///   function, `incentives_retry_delivery(id, at)`, the console's one write. Nothing else.
/// - writer (`<prefix>_writer`): SELECT, INSERT, UPDATE, DELETE on every table and the use of their sequences —
///   `ingest` today and the workers tomorrow — except the configuration `init` writes (`configurationTables`: the
///   catalog, its versions, the roster, the schema version), which it only reads; and no DDL (it cannot create,
///   alter or drop a table).
/// - sender (`<prefix>_sender`): what `deliver` and `export` need: SELECT on the outbox and on what a payload is
///   made of (the view `deliverable_achievements`: an award's payload columns and the member's ids at partners, not
///   its evidence nor its timing; the stored catalog and the schema version), and UPDATE of the delivery columns a
///   send changes. It cannot read events, progress, the awards' evidence or the roster, nor write anything else.
/// - `init` and migrations stay with the database's owner (whoever runs `init`).
///
/// Tables added by later migrations: the reader and the writer get them through `ALTER DEFAULT PRIVILEGES` (for
/// tables the owner creates), and every `init` grants again on all tables, so a table a migration adds is covered
/// either way. The sender's grants name its tables, on purpose: a new table is not the sender's business until a
/// migration (or this list) says so.
///
/// The retry function is `SECURITY DEFINER` and owned by the sender, so it runs with the sender's rights — not the
/// owner's — and its body does that one UPDATE; `search_path` is pinned to the schema with `pg_temp` last, so a
/// caller's temporary table cannot stand in for `deliveries`; EXECUTE is revoked from PUBLIC and granted to the
/// reader only.
///
/// Roles belong to the cluster, not to a database, so this is not a schema migration: it is an idempotent step
/// `incentives init` runs after the migrations (`statements`, in one transaction), and prints instead when the
/// connecting user may not create roles or grant them (`incentives init --print-roles` prints it always).
public struct PGRoles: Sendable {
    public let reader: String
    public let writer: String
    public let sender: String

    public static let defaultPrefix = "incentives"

    /// `<prefix>_reader`, `<prefix>_writer`, `<prefix>_sender`. The prefix is a plain identifier (letters, digits,
    /// underscores, not starting with a digit), at most 48 characters.
    public init(prefix: String = PGRoles.defaultPrefix) throws {
        let ok = !prefix.isEmpty && prefix.count <= 48 && prefix.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
            && !("0"..."9").contains(prefix.unicodeScalars.first!)
        guard ok else { throw RoleNameError(prefix: prefix) }
        reader = prefix + "_reader"
        writer = prefix + "_writer"
        sender = prefix + "_sender"
    }

    public struct RoleNameError: Error, CustomStringConvertible {
        public let prefix: String
        public var description: String {
            "role prefix \"\(prefix)\" must be lower-case letters, digits and underscores, start with a letter or underscore, at most 48 characters"
        }
    }

    /// The retry function's signature, as GRANT and ALTER name it.
    static let retryFunction = "incentives_retry_delivery(text, double precision)"

    /// What `init` (the owner) writes and the writer only reads: the schema version, the stored catalog and its
    /// versions, the roster.
    /// The lock tables (`PGLocks`, migration 9) too: the writer may lock their rows (UPDATE of their one column, which
    /// `FOR UPDATE` needs) but neither add nor delete any.
    static let configurationTables = ["incentives_schema", "settings", "catalog_versions", "members", "pipeline_locks", "worker_slots"]
    /// The tables the sender reads: the outbox, what a payload is made of, and what opening the store reads.
    static let senderTables = ["incentives_schema", "settings", "catalog_versions", "deliverable_achievements", "deliveries"]
    /// What an earlier version granted the sender and it no longer reads (revoked at every `init`).
    static let senderRevoked = ["achievements", "members"]
    /// The delivery columns a send (or a retry) changes.
    static let senderColumns = ["status", "attempts", "last_error", "next_attempt_at", "delivered_at", "claimed_until"]

    static func quote(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The SQL, statement by statement, for the database `database` whose tables are in `schema` and belong to
    /// `owner` (who runs the migrations, hence creates the tables later ones add).
    public func statements(database: String, schema: String, owner: String) -> [String] {
        let s = Self.quote(schema), r = Self.quote(reader), w = Self.quote(writer), x = Self.quote(sender), o = Self.quote(owner)
        let all = "\(r), \(w), \(x)"
        let fn = "\(s).\(Self.retryFunction)"
        var sql: [String] = []
        for role in [reader, writer, sender] {
            // Two inits at once (or another database's) may both create it: the second one keeps the first's.
            sql.append("""
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = \(Self.literal(role))) THEN
                    CREATE ROLE \(Self.quote(role)) NOLOGIN;
                  END IF;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END $$
                """)
        }
        sql += [
            "GRANT CONNECT ON DATABASE \(Self.quote(database)) TO \(all)",
            "GRANT USAGE ON SCHEMA \(s) TO \(all)",
            // reader
            "GRANT SELECT ON ALL TABLES IN SCHEMA \(s) TO \(r)",
            "ALTER DEFAULT PRIVILEGES FOR ROLE \(o) IN SCHEMA \(s) GRANT SELECT ON TABLES TO \(r)",
            // writer
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \(s) TO \(w)",
            "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA \(s) TO \(w)",
            "ALTER DEFAULT PRIVILEGES FOR ROLE \(o) IN SCHEMA \(s) GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO \(w)",
            "ALTER DEFAULT PRIVILEGES FOR ROLE \(o) IN SCHEMA \(s) GRANT USAGE, SELECT ON SEQUENCES TO \(w)",
            "REVOKE INSERT, UPDATE, DELETE ON \(Self.configurationTables.map { "\(s).\($0)" }.joined(separator: ", ")) FROM \(w)",
            "GRANT UPDATE (name) ON \(s).pipeline_locks TO \(w)",
            "GRANT UPDATE (slot) ON \(s).worker_slots TO \(w)",
            // sender
            "GRANT SELECT ON \(Self.senderTables.map { "\(s).\($0)" }.joined(separator: ", ")) TO \(x)",
            "REVOKE ALL ON \(Self.senderRevoked.map { "\(s).\($0)" }.joined(separator: ", ")) FROM \(x)",
            "GRANT UPDATE (\(Self.senderColumns.joined(separator: ", "))) ON \(s).deliveries TO \(x)",
            // The console's retry: the sender's one UPDATE, callable by the reader.
            """
            CREATE OR REPLACE FUNCTION \(s).incentives_retry_delivery(delivery text, at double precision) RETURNS boolean
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = \(s), pg_temp AS $$
            DECLARE n integer;
            BEGIN
              -- A lower role calls this: its arguments are checked. `at` is when to try again: a finite instant, not
              -- after a day from now by the server's clock (NaN, which PostgreSQL orders after every number, and ±∞ fail).
              IF at IS NULL OR NOT (at >= 0 AND at <= extract(epoch FROM clock_timestamp()) + 86400) THEN
                RAISE EXCEPTION 'incentives_retry_delivery: at must be an instant in seconds, not after a day from now (got %)', at
                  USING ERRCODE = '22023';
              END IF;
              IF delivery IS NULL OR length(delivery) > 1000 THEN
                RAISE EXCEPTION 'incentives_retry_delivery: not a delivery id' USING ERRCODE = '22023';
              END IF;
              UPDATE \(s).deliveries SET status = 'pending', attempts = 0, next_attempt_at = at, claimed_until = NULL
                WHERE id = delivery AND status = 'failed';
              GET DIAGNOSTICS n = ROW_COUNT;
              RETURN n = 1;
            END
            $$
            """,
            "REVOKE ALL ON FUNCTION \(fn) FROM PUBLIC",
            "ALTER FUNCTION \(fn) OWNER TO \(x)",
            "GRANT EXECUTE ON FUNCTION \(fn) TO \(r)",
        ]
        return sql
    }

    /// The statements as a script to hand to psql, with a comment saying what it is.
    public func script(database: String, schema: String, owner: String) -> String {
        """
        -- incentives: least-privilege roles for database \(database), schema \(schema) (DESIGN.md §9).
        -- Run as a superuser, or as a role with CREATEROLE that may SET ROLE \(sender), e.g. psql -d \(database) -f roles.sql
        BEGIN;
        \(statements(database: database, schema: schema, owner: owner).map { $0 + ";" }.joined(separator: "\n"))
        COMMIT;
        -- Then give people and services login roles in the group their work needs, for example:
        --   CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE \(reader);   -- the console, look-ups
        --   CREATE ROLE ingest_svc LOGIN PASSWORD '...' IN ROLE \(writer);
        --   CREATE ROLE deliver_svc LOGIN PASSWORD '...' IN ROLE \(sender);
        """
    }
}

extension PGStore {
    /// The database's name, the schema its tables are in and the role they belong to (who runs `init`, before there
    /// are any), as the roles' SQL names them.
    public func names() throws -> (database: String, schema: String, owner: String) { try Self.names(c) }

    static func names(_ c: PGConnection) throws -> (database: String, schema: String, owner: String) {
        let r = try c.exec("""
            SELECT current_database(), current_schema(),
              coalesce((SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'incentives_schema'), current_user)
            """)
        return (r.text(0, 0), r.text(0, 1), r.text(0, 2))
    }

    /// The roles' SQL for the database at `url`, read without creating or migrating anything (`init --print-roles`).
    public static func rolesScript(url: String, roles: PGRoles) throws -> String {
        let c = try PGConnection(url: url)
        let n = try names(c)
        return roles.script(database: n.database, schema: n.schema, owner: n.owner)
    }

    /// What running the roles' SQL gave.
    public enum RolesOutcome {
        case applied
        /// This login may not create or grant them (the reason): the SQL must be run by someone who may.
        case notPermitted(String)
    }

    /// Creates the roles when missing and grants them (`PGRoles.statements`), in one transaction. A login that may
    /// not (no CREATEROLE, not the owner of what is granted) gets `.notPermitted` and nothing is changed.
    public func applyRoles(_ roles: PGRoles) throws -> RolesOutcome {
        let (database, schema, owner) = try names()
        do {
            try c.transaction {
                // Two inits at once would grant on the same objects at once ("tuple concurrently updated"): one after
                // the other, under a lock only the owner may take (not an advisory lock, which any login could hold).
                try c.exec("LOCK TABLE incentives_schema IN SHARE ROW EXCLUSIVE MODE")
                for statement in roles.statements(database: database, schema: schema, owner: owner) { try c.exec(statement) }
            }
            return .applied
        } catch let e as StoreError {
            switch e {
            // "permission denied to create role", "must be able to SET ROLE …", "must be owner of …": all 42501.
            case .permissionDenied(_, let why): return .notPermitted(why)
            default: throw e
            }
        }
    }
}
