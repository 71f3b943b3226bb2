import IncentivesCore

/// The integer key each user's events are stored under (`user_keys`, schema version 4).
///
/// Events are the store's biggest table and `(user, seq)` its busiest index: an integer there instead of the
/// id text keeps the index small and cheap to insert into. Every roster member gets a key when the roster is
/// loaded, so an ingest (which accepts events of roster members only) always has one to hand; keys outlive a
/// member's removal from the roster, as their events do.
enum UserKeys {
    /// Gives every member without a key one, in roster order. Inside `Store.load`'s transaction.
    static func assign(in db: Database) throws {
        try db.run("INSERT OR IGNORE INTO user_keys(id) SELECT id FROM members ORDER BY position")
    }

    /// The key of every roster member, by roster position, for the ingest's engine thread (an array, not a
    /// dictionary: `Roster.position(of:)` already finds the member).
    static func byPosition(_ roster: Roster, in db: Database) throws -> [Int64] {
        var keys: [String: Int64] = [:]
        keys.reserveCapacity(roster.members.count)
        for (id, key) in try db.rows("SELECT k.id, k.key FROM members m JOIN user_keys k ON k.id = m.id", map: { ($0.text(0), $0.int64(1)) }) {
            keys[id] = key
        }
        return try roster.members.map { m in
            guard let key = keys[m.id] else {
                throw StoreError.corrupt(path: db.path, reason: "user \(m.id) has no key in user_keys")
            }
            return key
        }
    }

    /// SQL for the key of the user whose id is bound at that `?`.
    static let keyOfUser = "(SELECT key FROM user_keys WHERE id = ?)"
}
