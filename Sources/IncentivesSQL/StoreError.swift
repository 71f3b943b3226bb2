/// Why the store could not do what was asked, in words for people. Every case names the database file,
/// and the CLI maps each case to one exit status (see `incentives` `StoreExit`).
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file or its folder cannot be opened or created.
    case cannotOpen(path: String, reason: String)
    /// Another process holds the write lock longer than the busy timeout.
    case locked(path: String)
    /// Another ingest is running on this database.
    case ingestRunning(path: String)
    /// Another `incentives deliver` is sending from this SQLite database.
    case senderRunning(path: String)
    /// Workers (`incentives work`) are running on this PostgreSQL database: the catalog and roster cannot change under them.
    case workersRunning(path: String)
    /// A catalog change on PostgreSQL while stored events wait for the workers (they would be evaluated under it).
    case inboxPending(path: String)
    /// The file (or its folder, for the WAL) is not writable.
    case readOnly(path: String)
    /// The disk, or the database's size limit, is full; the transaction was rolled back.
    case full(path: String)
    /// Written by a newer version of incentives, whose schema this version does not know.
    case newerSchema(path: String, found: Int, supported: Int)
    /// Written by an earlier version, and this user cannot write it to bring it up to date.
    case olderSchemaReadOnly(path: String, found: Int, supported: Int)
    /// Not a SQLite database, or a SQLite database that incentives did not create.
    case notADatabase(path: String, reason: String)
    /// SQLite found damaged pages.
    case corrupt(path: String, reason: String)
    /// The database has no catalog and roster yet.
    case notInitialized(path: String)
    /// The file has more than one name (hard links): SQLite keeps the write-ahead log beside the name a
    /// connection used, so two names mean two logs for one database.
    case severalNames(path: String, links: Int)
    /// The catalog an earlier `init` stored is refused by this version's rules (a partner id or URL it no
    /// longer accepts): not damage, a configuration to correct.
    case storedCatalogRefused(path: String, reason: String)
    /// The file was deleted or replaced while open: what is written goes to a file nobody can open again.
    case moved(path: String)
    /// Anything else SQLite reported.
    case sqlite(path: String, code: Int32, message: String)
    /// A PostgreSQL URL libpq cannot parse. (Every PostgreSQL case's `path` is the URL without its password.)
    case badURL(path: String, reason: String)
    /// The PostgreSQL server cannot be reached (no server there, a wrong host or port, a network fault).
    case unreachable(path: String, reason: String)
    /// The PostgreSQL server refused the login (a wrong or missing password).
    case refused(path: String, reason: String)
    /// The login may not do what the command asks (SQLSTATE 42501): it lacks the role for it (DESIGN.md §9).
    case permissionDenied(path: String, reason: String)
    /// The PostgreSQL server went away while a command ran: the transaction in flight was not committed.
    case connectionLost(path: String, reason: String)
    /// PostgreSQL refused to store an event of standard input for what it holds (an id too large for its index): it is
    /// recorded, and a re-send rejects that line and goes on (a file is read again at once without it).
    case eventRefused(path: String, line: Int, reason: String)
    /// PostgreSQL refused to store the awards a worker's batch earned (a catalog string too large for an index): the
    /// partition stops there until `init` brings a corrected catalog (which the events waiting are evaluated under).
    case workRefused(path: String, partition: Int, reason: String)
    /// Anything else PostgreSQL reported, with its SQLSTATE.
    case postgres(path: String, sqlstate: String, message: String)

    public var description: String {
        switch self {
        case .cannotOpen(let p, let why): return "\(p): cannot open the database: \(why)"
        case .locked(let p): return "\(p): the database is locked by another writer (an ingest or init still running?); try again"
        case .ingestRunning(let p): return "\(p): another ingest (or init) is running on this database; run this one when it ends (an ingest resumes where it stopped)"
        case .senderRunning(let p): return "\(p): another 'incentives deliver' is sending from this database; two senders would send every delivery twice, so this one stops (run it when the other ends)"
        case .inboxPending(let p):
            return "\(p): stored events are not evaluated yet; run `incentives work --until-drained` first, so that they count under the catalog they arrived under (a catalog change applies to events after it)"
        case .workersRunning(let p):
            return "\(p): workers ('incentives work') are running on this database; stop them first (they resume where they stopped)"
        case .readOnly(let p): return "\(p): the database is read-only (check the file's and its folder's permissions)"
        case .full(let p): return "\(p): the disk or the database's size limit is full; nothing from the failed batch was kept"
        case .olderSchemaReadOnly(let p, let found, let supported):
            return "\(p): written by an earlier version of incentives (schema \(found); this version reads \(supported)) and read-only here, so it cannot be upgraded; open it once with write access (any command) to upgrade it"
        case .newerSchema(let p, let found, let supported):
            return "\(p): written by a newer version of incentives (schema \(found); this version knows up to \(supported)); upgrade incentives to open it"
        case .notADatabase(let p, let why): return "\(p): not an incentives database (\(why))"
        case .corrupt(let p, let why): return "\(p): the database file is damaged (\(why)); restore it from a backup or re-create it with init and ingest"
        case .notInitialized(let p): return "\(p): no catalog and roster yet; run 'incentives init --catalog FILE --roster FILE' first"
        case .sqlite(let p, let code, let message): return "\(p): SQLite error \(code): \(message)"
        case .badURL(let p, let why): return "\(p): not a usable PostgreSQL URL (\(why))"
        case .unreachable(let p, let why): return "\(p): cannot reach the PostgreSQL server (\(why)); check the host, the port and that the server runs"
        case .refused(let p, let why):
            return "\(p): the PostgreSQL server refused access (\(why)); the password comes from PGPASSWORD or ~/.pgpass, never printed"
        case .permissionDenied(let p, let why):
            return "\(p): this login may not do that (\(why)); each command needs its role: the reader role for the console and look-ups, "
                + "the writer role for ingest, the sender role for deliver and export, the owner for init (roles made by 'incentives init', "
                + "named incentives_reader, incentives_writer and incentives_sender by default; see 'incentives init --print-roles')"
        case .connectionLost(let p, let why):
            return "\(p): the connection to the PostgreSQL server was lost (\(why)); what was committed before is kept, the batch in flight was not: run the command again (an ingest resumes from its checkpoint)"
        case .postgres(let p, let state, let message): return "\(p): PostgreSQL error \(state): \(message)"
        case .eventRefused(let p, let line, let why):
            return "\(p): line \(line): the database refused to store this event (\(why)); the batches before it are kept and the event is recorded as refused: send the input again and that line is rejected, the rest goes on"
        case .workRefused(let p, let partition, let why):
            return "\(p): the database refused to store the awards of partition \(partition) (\(why)); run 'incentives init' with a corrected catalog or roster (the events waiting are then evaluated under it)"
        case .severalNames(let p, let links):
            return "\(p): the database file has \(links) names (hard links); SQLite keeps its write-ahead log beside the name it was opened by, so two names would mean two logs and a damaged database: keep one name (a symbolic link is fine)"
        case .storedCatalogRefused(let p, let why):
            return "\(p): the catalog stored by an earlier init is refused by this version (\(why)); run 'incentives init --db \(p) --catalog FILE --roster FILE' with a corrected catalog"
        case .moved(let p):
            return "\(p): the database file was deleted or replaced while in use; stopped, because what follows would be written to a file nobody can open. The batches committed before are in the file that was removed or replaced; run the same command again on the database you mean to keep (ingest resumes from that file's checkpoint)"
        }
    }
}
