import IncentivesCore

/// Screen 3: a filtered, sorted table of achievements; Enter shows the evidence events.
///
/// The filter is typed after `/` as words: `employer:acme program:acme-2026 incentive:log-5-days
/// user:u-10 from:2026-03-01 to:2026-03-31`; a bare word is a user id prefix.
public struct AchievementsState {
    public var filter = TextField()
    public var query: AchievementQuery = AchievementQuery(descending: true, limit: AchievementsState.pageSize)
    public var page = AchievementPage(rows: [], total: 0)
    public var selected = 0
    public var evidence: [EventRecord]?
    /// Why the last filter text was not understood.
    public var filterError: String?
    static let pageSize = 200

    mutating func reload(_ data: any ConsoleData) {
        page = data.achievements(query)
        selected = min(selected, max(page.rows.count - 1, 0))
    }

    /// Parses the filter text into the query.
    mutating func applyFilter() {
        var q = AchievementQuery()
        q.limit = AchievementsState.pageSize
        q.order = query.order
        q.descending = query.descending
        filterError = nil
        for word in filter.text.split(separator: " ") {
            let parts = word.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { q.userPrefix = String(word); continue }
            let (name, value) = (parts[0], parts[1])
            switch name {
            case "employer": q.employer = value
            case "program": q.program = value
            case "incentive": q.incentive = value
            case "user": q.userPrefix = value
            case "from", "to":
                guard let d = LocalDate(iso: value) else { filterError = "\(name): not a date (YYYY-MM-DD): \(value)"; continue }
                if name == "from" { q.since = d } else { q.until = d }
            default: filterError = "unknown filter \(name): (employer, program, incentive, user, from, to)"
            }
        }
        query = q
        selected = 0
    }

    mutating func edit(_ key: Key, data: any ConsoleData) {
        switch filter.handle(key) {
        case .editing: break
        case .applied, .cancelled: applyFilter(); reload(data)
        }
    }

    mutating func handle(_ action: Action, data: any ConsoleData) -> Bool {
        if evidence != nil {
            switch action {
            case .back, .quit, .open: evidence = nil; return true
            default: return false
            }
        }
        switch action {
        case _ where Selection.isMove(action):
            selected = Selection.move(selected, action, count: page.rows.count)
            // Pages load as the selection nears the end of what is loaded, not all at once.
            if selected >= page.rows.count - 10, page.rows.count < page.total {
                query.limit = (query.limit ?? 0) + AchievementsState.pageSize
                reload(data)
                if action == .bottom { selected = page.rows.count - 1 }
            }
        case .open:
            guard page.rows.indices.contains(selected) else { return true }
            evidence = data.evidence(of: page.rows[selected])
        case .filter:
            filter.editing = true
        case .sortNext:
            let all = AchievementQuery.Order.cycle
            query.order = all[((all.firstIndex(of: query.order) ?? -1) + 1) % all.count]
            reload(data)
        case .sortReverse:
            query.descending.toggle()
            reload(data)
        case .clearFilter, .back:
            guard !filter.text.isEmpty else { return false }
            filter.text = ""
            applyFilter()
            reload(data)
        default:
            return false
        }
        return true
    }
}
