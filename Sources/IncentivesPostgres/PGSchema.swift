import IncentivesSQL

/// The PostgreSQL schema and its migrations: the SQLite store's tables (DESIGN.md §4), with events, progress
/// and achievements hash-partitioned by user (native declarative partitioning) so that a user's rows live in one
/// partition, and the indexes the read paths need. `incentives_schema` holds the version a database is at;
/// opening runs the missing migrations in one transaction (under an advisory lock, so two first commands do not
/// both create it), and refuses a database from a newer version.
enum PGSchema {
    /// Partitions of each per-user table. The server puts a user in partition `UserPartition.of(user, among: 8)`:
    /// the core's one partition function is PostgreSQL's hash partitioning, so a worker's lease on partition `p`
    /// covers the users shard `p` of 8 owns in `replay` (UserPartitionPostgresTests).
    static let partitions = 8

    static func partitioned(_ table: String) -> String {
        (0..<partitions).map {
            "CREATE TABLE \(table)_p\($0) PARTITION OF \(table) FOR VALUES WITH (MODULUS \(partitions), REMAINDER \($0));"
        }.joined(separator: "\n")
    }

    /// Migration `i` brings a database from version `i` to `i + 1`. Append, never edit.
    static let migrations: [String] = [
        // 1: the first schema, at the SQLite store's version 6.
        """
        CREATE TABLE settings (key text PRIMARY KEY, value text NOT NULL);
        CREATE TABLE catalog_versions (
          version integer PRIMARY KEY, effective text NOT NULL, catalog text NOT NULL, file text,
          loaded_at double precision NOT NULL, changes text NOT NULL DEFAULT '', introduced text NOT NULL DEFAULT '{}');
        CREATE TABLE members (
          id text PRIMARY KEY, position integer NOT NULL, employer text, timezone text NOT NULL,
          eligible_from text NOT NULL, eligible_until text, partner_ids text);
        CREATE INDEX members_employer ON members(employer, id);
        CREATE TABLE ingests (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, source text NOT NULL, path text, device bigint, inode bigint, head text,
          line bigint NOT NULL DEFAULT 0, "offset" bigint NOT NULL DEFAULT 0, size bigint,
          read bigint NOT NULL DEFAULT 0, accepted bigint NOT NULL DEFAULT 0, duplicates bigint NOT NULL DEFAULT 0,
          rejected bigint NOT NULL DEFAULT 0, achievements bigint NOT NULL DEFAULT 0,
          started_at double precision NOT NULL, updated_at double precision NOT NULL, finished_at double precision);
        CREATE INDEX ingests_file ON ingests(inode, device);

        -- A unique index on a partitioned table must hold the partition key, so (user_id, seq) is the key and the
        -- duplicate check on ids (the ingest's admission, batched look-ups) uses a plain index on id.
        CREATE TABLE events (
          seq bigint NOT NULL, id text NOT NULL, type text NOT NULL, user_id text NOT NULL,
          at_s bigint NOT NULL, at_nanos integer NOT NULL, category text, ingest bigint NOT NULL, line bigint NOT NULL,
          PRIMARY KEY (user_id, seq)) PARTITION BY HASH (user_id);
        \(partitioned("events"))
        CREATE INDEX events_id ON events(id);
        CREATE INDEX events_seq ON events(seq);

        CREATE TABLE progress (user_id text PRIMARY KEY, state bytea NOT NULL) PARTITION BY HASH (user_id);
        \(partitioned("progress"))

        -- An award's id holds its user, so (user_id, id) is as unique as id.
        CREATE TABLE achievements (
          seq bigint NOT NULL, id text NOT NULL, user_id text NOT NULL, employer text NOT NULL, program text NOT NULL,
          incentive text NOT NULL, reward text NOT NULL, ordinal integer NOT NULL, completed_on text NOT NULL,
          achieved_at text NOT NULL, at_s bigint NOT NULL, at_nanos integer NOT NULL, event_seq bigint NOT NULL, json text NOT NULL,
          evidence text NOT NULL, evidence_days text NOT NULL, generation integer NOT NULL DEFAULT 1,
          catalog_version integer NOT NULL DEFAULT 1,
          PRIMARY KEY (user_id, id)) PARTITION BY HASH (user_id);
        \(partitioned("achievements"))
        CREATE INDEX achievements_seq ON achievements(seq);
        CREATE INDEX achievements_id ON achievements(id);
        CREATE INDEX achievements_user ON achievements(user_id, seq);
        CREATE INDEX achievements_employer ON achievements(employer, seq);
        CREATE INDEX achievements_program ON achievements(program, seq);
        CREATE INDEX achievements_completed ON achievements(completed_on, seq);

        CREATE TABLE rejects (
          seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, ingest bigint NOT NULL, file text NOT NULL, line bigint NOT NULL,
          code text NOT NULL, field text, reason text NOT NULL, text text, at double precision NOT NULL);
        CREATE INDEX rejects_ingest ON rejects(ingest, seq);

        CREATE TABLE deliveries (
          id text PRIMARY KEY, achievement_id text NOT NULL, partner text NOT NULL,
          status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
          attempts integer NOT NULL DEFAULT 0, next_attempt_at double precision NOT NULL, last_error text,
          delivered_at double precision, created_at double precision NOT NULL,
          -- Set while a sender holds the row (`PGDeliveryQueue.due`), cleared when it records the outcome.
          claimed_until double precision);
        CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
        """,
        // 2: many workers (`PGWorker`). The events table is the inbox: the ingest admits lines in file order and
        // stores the new events with their arrival number (`seq`); workers evaluate each user partition's events
        // after its position. An award's `seq` is its place in replay's order: the earning event's `seq` times
        // `achievementsPerEvent`, plus its place among that event's awards (awards stored so far are renumbered
        // so). A user's saved progress says which of their events it includes (`upto`).
        """
        CREATE TABLE work_positions (part integer PRIMARY KEY, position bigint NOT NULL);
        INSERT INTO work_positions SELECT p, (SELECT coalesce(max(seq), 0) FROM events) FROM generate_series(0, \(partitions - 1)) p;
        ALTER TABLE progress ADD COLUMN upto bigint NOT NULL DEFAULT 0;
        UPDATE progress SET upto = (SELECT coalesce(max(seq), 0) FROM events);
        UPDATE achievements a SET seq = n.event_seq * \(achievementsPerEvent) + n.k
          FROM (SELECT user_id, id, event_seq, row_number() OVER (PARTITION BY event_seq ORDER BY seq) - 1 AS k FROM achievements) n
          WHERE a.user_id = n.user_id AND a.id = n.id;
        """,
        // 3: a committed insert of events or achievements announces itself on the channel
        // `incentives_changes` (`PGSchema.changesChannel`), whoever wrote it — today's ingest, tomorrow's workers —
        // so the console's Live screen LISTENs instead of polling. Statement-level: one notification per statement,
        // and PostgreSQL folds equal ones of one transaction into one, delivered at commit.
        """
        CREATE FUNCTION incentives_notify_changes() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM pg_notify('incentives_changes', TG_TABLE_NAME);
          RETURN NULL;
        END $$;
        CREATE TRIGGER events_notify AFTER INSERT ON events FOR EACH STATEMENT EXECUTE FUNCTION incentives_notify_changes();
        CREATE TRIGGER achievements_notify AFTER INSERT ON achievements FOR EACH STATEMENT EXECUTE FUNCTION incentives_notify_changes();
        """,
        // 4: the order awards were recorded in, for the Live screen's feed. An award's `seq` is its place in replay's
        // order, which workers of different partitions commit out of (a worker's batch can hold awards earlier in that
        // order than another's committed batch), so a feed that follows `seq` would skip them. `recorded` numbers awards
        // as they are inserted, and every writer inserts its awards last in its transaction under one transaction-level
        // advisory lock (`PGAchievementRows`), so they become visible in `recorded` order.
        """
        CREATE SEQUENCE achievements_recorded;
        ALTER TABLE achievements ADD COLUMN recorded bigint;
        UPDATE achievements a SET recorded = o.r FROM (SELECT user_id, id, row_number() OVER (ORDER BY seq) AS r FROM achievements) o
          WHERE a.user_id = o.user_id AND a.id = o.id;
        SELECT setval('achievements_recorded', coalesce(max(recorded), 0) + 1, false) FROM achievements;
        ALTER TABLE achievements ALTER COLUMN recorded SET DEFAULT nextval('achievements_recorded'), ALTER COLUMN recorded SET NOT NULL;
        CREATE INDEX achievements_recorded_order ON achievements(recorded);
        """,
        // 5: each ingest's last committed event (`seq`), written with its checkpoint: what a worker compares its
        // positions with while an ingest writes. `max(seq)` over a partition would tell as much, but while the inbox's
        // lanes hold a batch uncommitted its index scan walks back over every row of it (2.8% of the server's time in
        // a bench ingest, at every look of every worker).
        """
        ALTER TABLE ingests ADD COLUMN last_seq bigint;
        """,
        // 6: the index on event ids compares bytes (`COLLATE "C"`). It serves only equality — the duplicate check of
        // each ingest batch, an event by id — which is the same under every deterministic collation, and a byte
        // comparison is cheaper than the database's collation (strcoll) at each of the inbox's index insertions
        // (the COPY of the bench file 5–10% faster under C.UTF-8, more under a language's collation). The queries
        // name the collation (`PGSchema.eventID`), or the planner would not use the index.
        """
        DROP INDEX events_id;
        CREATE INDEX events_id ON events (id COLLATE "C");
        """,
        // 7: tiers of a program's points ladder are achievements too (CONTRACT §3 "Tiers"): `tier` holds the tier's id,
        // '' for an award of a reward (whose `incentive` is never empty, as a tier's always is).
        """
        ALTER TABLE achievements ADD COLUMN tier text NOT NULL DEFAULT '';
        """,
        // 8: what the server refused to store, so that no rerun fails where the last one did (issue 21). An event the
        // ingest found refused (an id too large for the events' id index) is rejected at every later ingest; a
        // partition whose awards were refused (a catalog string too large for an index) lets `init` change the
        // catalog although its events wait. Small tables, read whole: no index that could refuse the same values.
        """
        CREATE TABLE refused_events (id text NOT NULL, reason text NOT NULL, at double precision NOT NULL);
        CREATE TABLE work_refusals (part integer PRIMARY KEY, position bigint NOT NULL, reason text NOT NULL, at double precision NOT NULL);
        """,
        // 9: the locks that decide whether the pipeline runs are row locks on tables only the owner and the writer may
        // lock (`PGLocks`): advisory locks need no privilege, and a reader's login holding the application's keys
        // stalled or stopped every ingest, init and worker (issue 21). And a delivery's next attempt is a finite instant:
        // NaN (which a reader could once set through the retry function) kept a sender looking at the row for ever.
        """
        CREATE TABLE pipeline_locks (name text PRIMARY KEY);
        CREATE TABLE worker_slots (slot integer PRIMARY KEY);
        \(PGLocks.rowsSQL)
        UPDATE deliveries SET next_attempt_at = 0 WHERE NOT (next_attempt_at >= 0 AND next_attempt_at < \(latestInstant));
        ALTER TABLE deliveries ADD CONSTRAINT deliveries_next_attempt_finite CHECK (next_attempt_at >= 0 AND next_attempt_at < \(latestInstant));
        """,
        // 10: one reject row per rejected line and source position: a re-read (`--restart`, a re-send on standard
        // input) stored every reject again (issue 21). Digests in the key: a reason can be as long as a line.
        """
        DELETE FROM rejects WHERE seq NOT IN (SELECT max(seq) FROM rejects GROUP BY file, line, code, reason);
        CREATE UNIQUE INDEX rejects_position ON rejects (md5(file), line, md5(code || ':' || reason));
        """,
        // 11: what the sender reads of an award: the payload's columns and the member's ids at partners, nothing of the
        // evidence or its timing (issue 21), and `tier` (a tier says which, migration 7). The sender role reads this view instead of `achievements` and `members`
        // (`PGRoles`); a view runs with its owner's rights, so the sender needs none on the tables.
        """
        CREATE VIEW deliverable_achievements AS
          SELECT a.id, a.seq, a.user_id, a.employer, a.program, a.reward, a.completed_on, m.partner_ids, a.tier
          FROM achievements a LEFT JOIN members m ON m.id = a.user_id;
        """,
        // 12: where each exact re-send arrived (`PGDuplicateArrivals`), the SQLite store's version 10: `why` shows it
        // where the file form does (issue 20). One row per source position (digests in the key, as for rejects); a
        // user's rows read in arrival order off `duplicate_arrivals_user`. Readers and the writer get it through the
        // default privileges and `init`'s grants (`PGRoles`); the sender, whose grants name its tables, does not.
        """
        CREATE TABLE duplicate_arrivals (
          seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id text NOT NULL, user_id text NOT NULL,
          after_seq bigint NOT NULL, ingest bigint NOT NULL, file text NOT NULL, line bigint NOT NULL);
        CREATE UNIQUE INDEX duplicate_arrivals_position ON duplicate_arrivals (md5(file), line, md5(event_id));
        CREATE INDEX duplicate_arrivals_user ON duplicate_arrivals (user_id, after_seq, seq);
        """,
        // 13: an award's JSON line is no longer stored, as in the SQLite store's version 11: nothing read it, and it
        // was half of an award row's bytes (issue 22). The workers' staging table follows (`LIKE achievements`).
        // IF EXISTS: a database rewound to an older version number by hand (the migration tests do) may lack it.
        """
        ALTER TABLE achievements DROP COLUMN IF EXISTS json;
        """,
    ]

    /// 10000-01-01T00:00:00Z in seconds: past any instant a delivery's next attempt may name (also refuses NaN and ∞,
    /// which PostgreSQL orders after every number).
    static let latestInstant: Int64 = 253_402_300_800

    /// Room for the awards of one event in achievements' `seq` (migration 2): far more than any catalog gives, and
    /// room after the last stored event for the awards a catalog backfill records (`PGAchievementRows`). Leaves
    /// 2^39 events (5.5 × 10^11) to a signed 64-bit `seq`.
    static let achievementsPerEvent: Int64 = 1 << 24

    /// Partition `k` of a per-user table: every per-user table (events, progress, achievements) puts a user in the
    /// partition of the same number, since they share modulus and key.
    static func partitionTable(_ k: Int, of table: String) -> String { "\(table)_p\(k)" }

    /// The channel commits of events and achievements are announced on (migration 3's triggers).
    static let changesChannel = "incentives_changes"

    static var version: Int { migrations.count }

    /// An event's id as the events' id index compares it (migration 6): `WHERE \(eventID("e")) = $1`.
    static func eventID(_ alias: String? = nil) -> String { "\(alias.map { "\($0)." } ?? "")id COLLATE \"C\"" }

    /// The advisory lock two first commands take before any table of ours exists (`upgrade`); every other lock that
    /// decides whether the pipeline runs is a row lock (`PGLocks`).
    static let migrationLock = 0x494E_4356_0001

    /// The version the database is at (0: nothing of ours yet).
    static func found(_ c: PGConnection) throws -> Int {
        let exists = try c.exec("SELECT to_regclass('incentives_schema') IS NOT NULL")
        guard exists.bool(0, 0) else { return 0 }
        let r = try c.exec("SELECT coalesce(max(version), 0) FROM incentives_schema")
        return r.int(0, 0)
    }

    /// Refuses a database a newer version wrote, before anything is read or written.
    static func check(_ c: PGConnection) throws {
        let v = try found(c)
        if v > version { throw StoreError.newerSchema(path: c.display, found: v, supported: version) }
    }

    /// Brings the database to `version`, creating the tables when none are there.
    static func migrate(_ c: PGConnection) throws {
        try check(c)
        let before = try found(c)
        guard before < version else { return }
        do {
            try upgrade(c)
        } catch StoreError.permissionDenied(let path, let why) where before > 0 {
            // A login with a role but not the owner's rights, on a database an older incentives made.
            throw StoreError.permissionDenied(path: path, reason: "\(why); the database is at schema \(before) and this incentives needs \(version): "
                                              + "run 'incentives init' once as the database's owner to upgrade it")
        }
    }

    private static func upgrade(_ c: PGConnection) throws {
        try c.transaction {
            // Two first commands must not both migrate. Once the schema table exists, a lock on it that only its owner
            // may take (a reader's SELECT does not conflict); before, on a database with nothing of ours, an advisory
            // lock (no reader role has been granted anything there yet).
            if try c.exec("SELECT to_regclass('incentives_schema') IS NOT NULL").bool(0, 0) {
                try c.exec("LOCK TABLE incentives_schema IN SHARE ROW EXCLUSIVE MODE")
            } else {
                try c.exec("SELECT pg_advisory_xact_lock(\(migrationLock))")
            }
            try c.exec("CREATE TABLE IF NOT EXISTS incentives_schema (version integer NOT NULL)")
            let at = try found(c)
            if at > version { throw StoreError.newerSchema(path: c.display, found: at, supported: version) }
            for i in at..<version {
                try c.exec(migrations[i])
            }
            try c.exec("DELETE FROM incentives_schema")
            try c.exec("INSERT INTO incentives_schema(version) VALUES ($1)", [String(version)])
        }
    }
}
