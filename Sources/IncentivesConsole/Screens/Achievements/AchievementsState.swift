import IncentivesCore

/// Screen 3: a filtered, sorted table of achievements; Enter shows the evidence events.
///
/// The filter is typed after `/` as words: `employer:acme program:acme-2026 incentive:log-5-days
/// user:u-10 from:2026-03-01 to:2026-03-31`; a bare word is a user id prefix.
public struct AchievementsState {
    public var filter = TextField()
    public var query: AchievementQuery = AchievementQuery(descending: true, limit: AchievementsState.pageSize)
    /// The rows loaded: from row `firstRow` of the whole list (0 until `G` jumps to the end of a long one).
    public var page = AchievementPage(rows: [], total: 0)
    public var firstRow = 0
    /// The selected row in the whole list.
    public var selected = 0
    public var selectedRecord: AchievementRecord? {
        page.rows.indices.contains(selected - firstRow) ? page.rows[selected - firstRow] : nil
    }
    public var evidence: [EventRecord]?
    /// Why the last filter text was not understood.
    public var filterError: String?
    static let pageSize = 200
    /// `G` loads the rest when this little is left; farther, it loads the last page alone.
    static let loadAllWithin = 2_000

    mutating func reload(_ data: any ConsoleData) {
        query.offset = firstRow
        page = data.achievements(query)
        if page.rows.isEmpty, firstRow > 0 {
            firstRow = 0
            query.offset = 0
            page = data.achievements(query)
        }
        selected = min(max(selected, firstRow), max(firstRow + page.rows.count - 1, 0))
    }

    /// Moves the selection through the whole list: pages load as it nears either end of what is loaded, and
    /// `G` reaches the real last row (loading only the last page when the list is long).
    mutating func move(_ action: Action, data: any ConsoleData) {
        let pageSize = AchievementsState.pageSize
        switch action {
        case .top:
            if firstRow > 0 { firstRow = 0; query.limit = pageSize; reload(data) }
            selected = 0
        case .bottom:
            let unloaded = page.total - (firstRow + page.rows.count)
            if unloaded > AchievementsState.loadAllWithin {
                firstRow = max(page.total - pageSize, 0)
                query.limit = pageSize
                reload(data)
            } else if unloaded > 0 {
                query.limit = page.total - firstRow
                reload(data)
            }
            selected = max(page.total - 1, 0)
        default:
            selected = Selection.move(selected, action, count: page.total)
            if selected >= firstRow + page.rows.count - 10, firstRow + page.rows.count < page.total {
                query.limit = (query.limit ?? 0) + pageSize
                reload(data)
            }
            if selected < firstRow + 10, firstRow > 0 {
                let start = max(firstRow - pageSize, 0)
                query.limit = (query.limit ?? 0) + (firstRow - start)
                firstRow = start
                reload(data)
            }
        }
        selected = min(max(selected, firstRow), max(firstRow + page.rows.count - 1, 0))
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
        firstRow = 0
    }

    /// A new order: its first rows, as many as were loaded.
    mutating func restartAtTop(_ data: any ConsoleData) {
        if firstRow > 0 { firstRow = 0; query.limit = AchievementsState.pageSize; selected = 0 }
        reload(data)
    }

    mutating func edit(_ key: Key, data: any ConsoleData) {
        switch filter.handle(key) {
        case .editing: break
        case .applied, .cancelled: applyFilter(); reload(data)
        }
    }

    /// Selects a loaded row (a click); with the evidence open, it shows the new row's.
    mutating func select(_ row: Int, data: any ConsoleData) {
        selected = min(max(row, firstRow), max(firstRow + page.rows.count - 1, 0))
        if evidence != nil, let record = selectedRecord { evidence = data.evidence(of: record) }
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
            move(action, data: data)
        case .open:
            guard let record = selectedRecord else { return true }
            evidence = data.evidence(of: record)
        case .filter:
            filter.editing = true
        case .sortNext:
            let all = AchievementQuery.Order.cycle
            query.order = all[((all.firstIndex(of: query.order) ?? -1) + 1) % all.count]
            restartAtTop(data)
        case .sortReverse:
            query.descending.toggle()
            restartAtTop(data)
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
