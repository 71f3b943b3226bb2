import IncentivesSQL

/// The database schema and its migrations. `PRAGMA user_version` holds the version a database is at;
/// opening runs the missing migrations in one transaction, and refuses a database from a newer version.
/// DESIGN.md §4 explains each table and why each index exists.
enum Schema {
    /// Marks the file as ours (`PRAGMA application_id`, "INCV"), to tell it from any other SQLite file.
    static let applicationID = 0x494E_4356

    /// Migration `i` brings a database from version `i` to `i + 1`. Append, never edit.
    static let migrations: [String] = [
        // 1: the first schema.
        """
        CREATE TABLE settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE members (
          id TEXT PRIMARY KEY,
          position INTEGER NOT NULL,
          employer TEXT,
          timezone TEXT NOT NULL,
          eligible_from TEXT NOT NULL,
          eligible_until TEXT,
          partner_ids TEXT
        ) WITHOUT ROWID;
        CREATE INDEX members_employer ON members(employer, id);

        CREATE TABLE ingests (
          id INTEGER PRIMARY KEY,
          source TEXT NOT NULL,
          path TEXT,
          device INTEGER,
          inode INTEGER,
          head TEXT,
          line INTEGER NOT NULL DEFAULT 0,
          offset INTEGER NOT NULL DEFAULT 0,
          size INTEGER,
          read INTEGER NOT NULL DEFAULT 0,
          accepted INTEGER NOT NULL DEFAULT 0,
          duplicates INTEGER NOT NULL DEFAULT 0,
          rejected INTEGER NOT NULL DEFAULT 0,
          achievements INTEGER NOT NULL DEFAULT 0,
          started_at REAL NOT NULL,
          updated_at REAL NOT NULL,
          finished_at REAL
        );
        CREATE INDEX ingests_file ON ingests(inode, device);

        CREATE TABLE events (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          type TEXT NOT NULL,
          user TEXT NOT NULL,
          at_ns INTEGER NOT NULL,
          category TEXT,
          ingest INTEGER NOT NULL,
          line INTEGER NOT NULL
        );
        CREATE INDEX events_user ON events(user, seq);

        CREATE TABLE progress (
          user TEXT PRIMARY KEY,
          state BLOB NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE achievements (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          user TEXT NOT NULL,
          employer TEXT NOT NULL,
          program TEXT NOT NULL,
          incentive TEXT NOT NULL,
          reward TEXT NOT NULL,
          ordinal INTEGER NOT NULL,
          completed_on TEXT NOT NULL,
          achieved_at TEXT NOT NULL,
          event_seq INTEGER NOT NULL,
          json TEXT NOT NULL
        );
        CREATE INDEX achievements_user ON achievements(user, seq);
        CREATE INDEX achievements_program ON achievements(employer, program, seq);
        CREATE INDEX achievements_completed ON achievements(completed_on, seq);

        CREATE TABLE evidence (
          achievement_seq INTEGER NOT NULL,
          position INTEGER NOT NULL,
          event_id TEXT NOT NULL,
          day TEXT NOT NULL,
          PRIMARY KEY (achievement_seq, position)
        ) WITHOUT ROWID;
        CREATE INDEX evidence_event ON evidence(event_id);

        CREATE TABLE rejects (
          seq INTEGER PRIMARY KEY,
          ingest INTEGER NOT NULL,
          file TEXT NOT NULL,
          line INTEGER NOT NULL,
          code TEXT NOT NULL,
          field TEXT,
          reason TEXT NOT NULL,
          text TEXT,
          at REAL NOT NULL
        );
        CREATE INDEX rejects_ingest ON rejects(ingest, seq);

        CREATE TABLE deliveries (
          id TEXT PRIMARY KEY,
          achievement_id TEXT NOT NULL REFERENCES achievements(id),
          partner TEXT NOT NULL,
          status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt_at REAL NOT NULL,
          last_error TEXT,
          delivered_at REAL,
          created_at REAL NOT NULL
        );
        CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
        """,
        // 2: evidence moves into the achievement row (JSON arrays of event ids and days). A separate table and
        // its index on event id were a large share of ingest time (README, Benchmarks), for a question ("which award used this event?")
        // that a user's few achievements answer as well.
        """
        ALTER TABLE achievements ADD COLUMN evidence TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE achievements ADD COLUMN evidence_days TEXT NOT NULL DEFAULT '[]';
        UPDATE achievements SET
          evidence = (SELECT json_group_array(event_id) FROM
                        (SELECT event_id FROM evidence WHERE achievement_seq = achievements.seq ORDER BY position)),
          evidence_days = (SELECT json_group_array(day) FROM
                        (SELECT day FROM evidence WHERE achievement_seq = achievements.seq ORDER BY position))
          WHERE seq IN (SELECT achievement_seq FROM evidence);
        DROP TABLE evidence;
        """,
        // 3: pages of one employer's (or one program's) newest achievements read straight off an index in seq
        // order; (employer, program, seq) made SQLite sort all of an employer's awards for every page.
        """
        DROP INDEX achievements_program;
        CREATE INDEX achievements_employer ON achievements(employer, seq);
        CREATE INDEX achievements_program ON achievements(program, seq);
        """,
        // 4: events name their user by an integer key (`user_keys`), not by the id text. The `(user, seq)` index
        // is touched all over by every ingest batch and was its largest cost: integer keys make its entries
        // smaller and compare without memcmp (README, Benchmarks). Keys are never reused or deleted (members are, when a
        // roster drops them, but their events stay), so every stored event keeps its user.
        """
        CREATE TABLE user_keys (
          key INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE
        );
        INSERT INTO user_keys(id) SELECT id FROM members ORDER BY position;
        INSERT OR IGNORE INTO user_keys(id) SELECT user FROM events GROUP BY user ORDER BY min(seq);
        DROP INDEX events_user;
        ALTER TABLE events RENAME TO events_v3;
        CREATE TABLE events (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          type TEXT NOT NULL,
          user_key INTEGER NOT NULL,
          at_ns INTEGER NOT NULL,
          category TEXT,
          ingest INTEGER NOT NULL,
          line INTEGER NOT NULL
        );
        INSERT INTO events(seq, id, type, user_key, at_ns, category, ingest, line)
          SELECT e.seq, e.id, e.type, k.key, e.at_ns, e.category, e.ingest, e.line
          FROM events_v3 e JOIN user_keys k ON k.id = e.user ORDER BY e.seq;
        DROP TABLE events_v3;
        CREATE INDEX events_user ON events(user_key, seq);
        """,
        // 5: an event's instant is kept exactly, as whole seconds since 1970 and nanoseconds (0 ..< 10⁹). A single
        // count of nanoseconds in 64 bits ends in 1677 and 2262, while the contract's timestamps run from year 1
        // to 9999: beyond those ends it wrapped, storing another instant. What version 4 stored inside its range
        // converts exactly (floor division, so instants before 1970 keep a nanosecond part in 0 ..< 10⁹).
        """
        ALTER TABLE events ADD COLUMN at_s INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE events ADD COLUMN at_nanos INTEGER NOT NULL DEFAULT 0;
        UPDATE events SET
          at_s = at_ns / 1000000000 - (CASE WHEN at_ns % 1000000000 < 0 THEN 1 ELSE 0 END),
          at_nanos = (at_ns % 1000000000 + 1000000000) % 1000000000;
        ALTER TABLE events DROP COLUMN at_ns;
        """,
        // 6: catalog versions. Each `init` whose catalog changes a reward records a version with its effective local
        // day, what changed, and the rewards it introduced (`introduced`: reward key → [version, first day that
        // counts]). Every achievement names the version it was earned under and the generation of its reward.
        // The console sorts achievements by reward as by program and user: an index lets a page be read in that
        // order instead of sorting every achievement for each key press.
        """
        CREATE TABLE catalog_versions (
          version INTEGER PRIMARY KEY,
          effective TEXT NOT NULL,
          catalog TEXT NOT NULL,
          file TEXT,
          loaded_at REAL NOT NULL,
          changes TEXT NOT NULL DEFAULT '',
          introduced TEXT NOT NULL DEFAULT '{}'
        );
        INSERT INTO catalog_versions(version, effective, catalog, file, loaded_at)
          SELECT 1, '0001-01-01', value, (SELECT value FROM settings WHERE key = 'catalog_file'),
                 coalesce((SELECT CAST(value AS REAL) FROM settings WHERE key = 'loaded_at'), 0)
          FROM settings WHERE key = 'catalog';
        ALTER TABLE achievements ADD COLUMN catalog_version INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE achievements ADD COLUMN generation INTEGER NOT NULL DEFAULT 1;
        CREATE INDEX achievements_reward ON achievements(reward, seq);
        """,
        // 7: the Programs screen and `programs` count achievements per reward. Grouping through
        // achievements_employer read every row of the table (200 ms at 55,000 achievements, the console's first
        // frame); achievements_menu holds the four columns, so the count reads the index alone (a few ms).
        // The console's user search matches substrings of ids and zones: members_search holds them folded, in
        // id order, so a search reads the index alone instead of folding every row twice a key (StoreReader.users).
        """
        CREATE INDEX achievements_menu ON achievements(employer, program, incentive, reward);
        CREATE INDEX members_search ON members(id, lower(id), employer, lower(timezone));
        """,
        // 8: tiers of a program's points ladder are achievements too (CONTRACT §3 "Tiers"): `tier` holds the tier's id,
        // '' for an award of a reward (whose `incentive` is never empty, as a tier's always is).
        """
        ALTER TABLE achievements ADD COLUMN tier TEXT NOT NULL DEFAULT '';
        """,
        // 9: one reject row per rejected line and source position: a re-read (`--restart`, a re-send on standard
        // input) stored every reject again (issue 21). Duplicates already stored keep their latest row.
        """
        DELETE FROM rejects WHERE seq NOT IN (SELECT max(seq) FROM rejects GROUP BY file, line, code, reason);
        CREATE UNIQUE INDEX rejects_position ON rejects(file, line, code, reason);
        """,
        // 10: where each exact re-send arrived (`DuplicateArrivals`), so that `why` on a store shows it where the file
        // form does (issue 20): the event it repeats, the user, the last event stored before it (`after_seq`, its
        // place among events), the ingest, file and line. One row per source position (a re-read adds none); the
        // user's rows are read in arrival order off `duplicate_arrivals_user`. Re-sends stored before this version
        // were counted only.
        """
        CREATE TABLE duplicate_arrivals (
          seq INTEGER PRIMARY KEY,
          event_id TEXT NOT NULL,
          user_key INTEGER NOT NULL,
          after_seq INTEGER NOT NULL,
          ingest INTEGER NOT NULL,
          file TEXT NOT NULL,
          line INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX duplicate_arrivals_position ON duplicate_arrivals(file, line, event_id);
        CREATE INDEX duplicate_arrivals_user ON duplicate_arrivals(user_key, after_seq, seq);
        """,
        // 11: an award's JSON line is no longer stored. Nothing read it (`achievements --format jsonl` and every other
        // reader build the line from the columns), and it was half of an award row's bytes: on the bench load each
        // ingest wrote 13 MB of it, and the ingest core formatted it for every award (issue 22; README, Benchmarks).
        """
        ALTER TABLE achievements DROP COLUMN json;
        """,
    ]

    /// The version this build writes and understands.
    static var version: Int { migrations.count }

    /// Brings a read-write database up to `version`, creating it when empty.
    static func migrate(_ db: Database) throws {
        let found = try db.pragma("user_version")
        guard found <= version else { throw StoreError.newerSchema(path: db.path, found: found, supported: version) }
        if found == 0 {
            let tables = try db.integer("SELECT count(*) FROM sqlite_schema")
            if tables > 0 { throw StoreError.notADatabase(path: db.path, reason: "it holds tables that incentives did not create") }
        } else {
            try checkApplicationID(db)
        }
        guard found < version else { return }
        try db.transaction {
            for i in found..<version { try db.execute(migrations[i]) }
            try db.execute("PRAGMA application_id = \(applicationID); PRAGMA user_version = \(version)")
        }
    }

    /// Refuses, without writing a byte, a file that holds another program's tables: ours have our application
    /// id, and a new file has no tables. Read-only pragmas only, so a refused file stays exactly as it was.
    static func refuseForeign(_ db: Database) throws {
        let tables = try db.integer("SELECT count(*) FROM sqlite_schema")
        guard tables > 0 else { return }
        let app = try db.pragma("application_id")
        guard app == applicationID else {
            throw StoreError.notADatabase(path: db.path, reason: app == 0 ? "it holds tables that incentives did not create"
                                                                         : "application id \(app), expected \(applicationID)")
        }
    }

    /// For read-only opens: the database must be ours and not newer than this build.
    static func check(_ db: Database) throws {
        let found = try db.pragma("user_version")
        guard found <= version else { throw StoreError.newerSchema(path: db.path, found: found, supported: version) }
        guard found > 0 else { throw StoreError.notInitialized(path: db.path) }
        try checkApplicationID(db)
    }

    private static func checkApplicationID(_ db: Database) throws {
        let app = try db.pragma("application_id")
        guard app == applicationID else {
            throw StoreError.notADatabase(path: db.path, reason: "application id \(app), expected \(applicationID)")
        }
    }
}
