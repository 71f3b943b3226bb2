import Foundation
import IncentivesCore
@testable import IncentivesStore
import Testing

/// The ingest's writer keys an event's row by the roster position admission found (`UserKeys.Roster.key(of:position:)`).
/// The position is checked against the user: a wrong or missing one must cost a look-up, never store the event
/// under another user's key.
@Suite("user keys by roster position")
struct UserKeyPositionTests {
    @Test func aWrongPositionStillGivesTheUsersOwnKey() throws {
        let dir = TempDir()
        let g = Generated.make(in: dir, users: 30, events: 200, seed: 5)
        let store = try Fixtures.initStore(dir.path("k.sqlite"), g.inputs)
        let roster = try store.engine().roster
        let keys = try UserKeys.Roster(roster, in: store.db)
        let stored = Dictionary(uniqueKeysWithValues: try store.db.rows("SELECT id, key FROM user_keys") { ($0.text(0), $0.int64(1)) })
        for (i, m) in roster.members.enumerated() {
            let own = try #require(stored[m.id])
            #expect(keys.key(of: m.id, position: i) == own)
            for wrong in [-1, (i + 1) % roster.members.count, roster.members.count, Int(Int32.max)] {
                #expect(keys.key(of: m.id, position: wrong) == own, "user \(m.id) at a wrong position \(wrong)")
            }
        }
    }
}
