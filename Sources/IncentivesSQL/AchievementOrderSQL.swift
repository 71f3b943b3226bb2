import IncentivesCore

/// The ORDER BY of an achievements page, for either store's SQL: each order's key, then recording order (`seq`)
/// for ties, all in the one direction asked for. The stores differ only in how text compares (`collate`:
/// PostgreSQL is told to compare byte by byte, as SQLite does) and in the user column's name.
enum AchievementOrderSQL {
    static func orderBy(_ query: AchievementQuery, userColumn: String, collate: String = "") -> (sql: String, newestFirst: Bool) {
        let newestFirst = (query.order == .newest) != query.descending
        let dir = newestFirst ? " DESC" : ""
        let key: String?
        switch query.order {
        case .recorded, .newest: key = nil
        case .user: key = userColumn
        case .completed: key = "completed_on"
        case .program: key = "program"
        case .reward: key = "reward"
        }
        return ((key.map { "\($0)\(collate)\(dir), " } ?? "") + "seq" + dir, newestFirst)
    }
}
