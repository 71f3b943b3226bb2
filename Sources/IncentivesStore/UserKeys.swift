import IncentivesCore
import IncentivesSQL

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

    /// The keys of the roster's members, for the ingest's writer thread.
    struct Roster: Sendable {
        private let roster: IncentivesCore.Roster
        /// By roster position (`Roster.position(of:)` finds the member; no second table of ids).
        private let keys: [Int64]

        init(_ roster: IncentivesCore.Roster, in db: Database) throws {
            var byID: [String: Int64] = [:]
            byID.reserveCapacity(roster.members.count)
            for (id, key) in try db.rows("SELECT k.id, k.key FROM members m JOIN user_keys k ON k.id = m.id", map: { ($0.text(0), $0.int64(1)) }) {
                byID[id] = key
            }
            keys = try roster.members.map { m in
                guard let key = byID[m.id] else {
                    throw StoreError.corrupt(path: db.path, reason: "user \(m.id) has no key in user_keys")
                }
                return key
            }
            self.roster = roster
        }

        /// The key of the member at `position` in the roster when that is `user` (the position admission found;
        /// checked, so a wrong one costs a look-up, never a wrong key), else looked up.
        @inline(__always)
        func key(of user: String, position: Int) -> Int64 {
            if position >= 0 && position < keys.count && roster.members[position].id == user { return keys[position] }
            return key(of: user)
        }

        /// The key of a member of the roster (the ingest stores events of members only).
        func key(of user: String) -> Int64 {
            guard let i = roster.position(of: user) else { preconditionFailure("an event of \(user), not on the roster, was accepted") }
            return keys[i]
        }
    }

    /// SQL for the key of the user whose id is bound at that `?`.
    static let keyOfUser = "(SELECT key FROM user_keys WHERE id = ?)"
}
