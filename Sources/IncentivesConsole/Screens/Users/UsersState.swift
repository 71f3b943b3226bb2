import IncentivesCore

/// Screen 2: every user, filtered by what is typed after `/` (an id substring, `employer:ID`, `zone:TEXT`) and
/// loaded a page at a time as the selection moves (no cap: `G` reaches the last of any number); Enter opens a
/// user's page.
public struct UsersState {
    public var search = TextField()
    /// The filter the search box's words make (`query(for:)`), and the users loaded: a window of the list, from
    /// its row `firstRow`, with how many match in all. It grows a page at a time as the selection moves; `G`
    /// and `g` far from it load the window there instead of every row in between.
    public var query = UserQuery()
    public var list = UserList(rows: [], total: 0)
    public var firstRow = 0
    /// The users loaded (the window).
    public var results: [Member] { list.rows }
    /// The selected row in the whole list (not in the window).
    public var selected = 0
    public var selectedMember: Member? {
        results.indices.contains(selected - firstRow) ? results[selected - firstRow] : nil
    }
    /// `f`: users by where they stand (`UserStateFilter.presets`, then every user again), judged as of the day the
    /// filter was chosen; nil lists every user the words match.
    public var state: UserStateFilter?
    public var stateToday = LocalDate(dayNumber: 0)
    /// Why the search box's words were not understood (an unknown filter, an employer not in the catalog).
    public var filterError: String?
    public var profile: UserPage? {
        didSet { if profile?.member.id != oldValue?.member.id { achievementSelected = 0; evidence = nil; why = nil } }
    }
    /// The Why pane: the user's explanation and the reward (index in `profile.standings`) it shows.
    public var why: Explanation? {
        didSet { whyNot = why.map(WhyNotSummary.all) ?? [] }
    }
    /// The why-not summary of each reward of `why` (computed once per explanation, by the core).
    public var whyNot: [WhyNotSummary] = []
    public var whyReward = 0
    /// On the user page: the selected achievement, and its evidence events once opened with Enter.
    public var achievementSelected = 0
    public var evidence: [EventRecord]?

    /// The words of the search box as a query: `employer:ID` (exactly), `zone:TEXT` (part of the zone's name),
    /// `id:TEXT` or a bare word (part of the id). Returns the query and, when a word was not understood, why.
    static func query(for text: String, catalog: Catalog) -> (UserQuery, String?) {
        var q = UserQuery()
        var error: String?
        for word in text.split(separator: " ") {
            let parts = word.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2 else { q.idContains = String(word); continue }
            let (name, value) = (parts[0], parts[1])
            switch name {
            case "employer":
                q.employer = value
                if !value.isEmpty, catalog.employer(value) == nil {
                    error = "no employer \"\(value)\" in the catalog (" + catalog.employers.map(\.id).joined(separator: ", ") + ")"
                }
            case "zone": q.zone = value
            case "id", "user": q.idContains = value
            default:
                // An id may hold a colon: a word whose first part is no filter's name is a piece of an id.
                q.idContains = String(word)
                if value.isEmpty || name.isEmpty { break }
                error = "\(name): is not a filter; searching ids for \"\(word)\" (filters: employer: zone: id:)"
            }
        }
        return (q, error)
    }

    /// A page of the list: by the words alone, or by the words and the state filter.
    func fetch(_ data: any ConsoleData, _ q: UserQuery) -> UserList {
        guard let state else { return data.users(q) }
        return data.users(q, in: state, today: stateToday)
    }

    /// `f`: the next state filter (after the last, every user again), from the top of the list. The words in the
    /// search box still apply: `f` narrows what `/` found.
    mutating func nextState(_ data: any ConsoleData, today: LocalDate) {
        let presets = UserStateFilter.presets
        // By kind: after "logged ≥ 3 days" (a preset moved with +/-) comes "near an award", as after the preset.
        if let state, let i = presets.firstIndex(where: { $0.sameKind(as: state) }) {
            self.state = i + 1 < presets.count ? presets[i + 1] : nil
        } else {
            state = presets.first
        }
        stateToday = today
        restart(data, today: today)
    }

    /// `+` / `-`: the state filter's number of days (from the first preset when none is on).
    mutating func adjustState(by delta: Int, _ data: any ConsoleData, today: LocalDate) {
        state = state.map { $0.adjusted(by: delta) } ?? UserStateFilter.presets.first
        stateToday = today
        restart(data, today: today)
    }

    static let pageSize = 200
    /// `G` loads the rest of the list when it is this close; farther, it loads the last page alone.
    static let loadAllWithin = 2_000

    /// Reads the search box into the query and loads the window again where it was (a refresh keeps the
    /// selection on its row).
    mutating func reload(_ data: any ConsoleData, today: LocalDate) {
        (query, filterError) = Self.query(for: search.text, catalog: data.catalog)
        var q = query
        q.offset = firstRow
        q.limit = max(UsersState.pageSize, list.rows.count)
        list = fetch(data, q)
        if list.rows.isEmpty, firstRow > 0 {
            // Fewer users than before (a narrower search): back to the start.
            firstRow = 0
            q.offset = 0
            list = fetch(data, q)
        }
        selected = min(max(selected, firstRow), max(firstRow + list.rows.count - 1, 0))
    }

    /// The first page of a new search.
    mutating func restart(_ data: any ConsoleData, today: LocalDate) {
        list = UserList(rows: [], total: 0)
        firstRow = 0
        selected = 0
        reload(data, today: today)
    }

    /// The next `count` users after the window (all the rest when nil), by keyset: the same cost at any depth.
    mutating func loadAfter(_ data: any ConsoleData, count: Int? = UsersState.pageSize) {
        guard firstRow + list.rows.count < list.total, let last = list.rows.last else { return }
        var q = query
        q.afterID = last.id
        q.limit = count
        let more = fetch(data, q)
        list = UserList(rows: list.rows + more.rows, total: more.total)
    }

    /// The page before the window.
    mutating func loadBefore(_ data: any ConsoleData) {
        guard firstRow > 0 else { return }
        let start = max(firstRow - UsersState.pageSize, 0)
        var q = query
        q.offset = start
        q.limit = firstRow - start
        let more = fetch(data, q)
        list = UserList(rows: more.rows + list.rows, total: more.total)
        firstRow = start
    }

    /// A window of one page around row `row` of the whole list (for `G` and `g` far from what is loaded).
    mutating func jump(_ data: any ConsoleData, to row: Int) {
        var q = query
        q.offset = max(min(row - UsersState.pageSize / 2, list.total - UsersState.pageSize), 0)
        q.limit = UsersState.pageSize
        let page = fetch(data, q)
        list = page
        firstRow = q.offset
    }

    /// Moves the selection through the whole list, loading what it reaches.
    mutating func move(_ action: Action, data: any ConsoleData) {
        switch action {
        case .top:
            if firstRow > 0 { jump(data, to: 0) }
            selected = 0
        case .bottom:
            let unloaded = list.total - (firstRow + list.rows.count)
            if unloaded > UsersState.loadAllWithin { jump(data, to: list.total - 1) } else { loadAfter(data, count: nil) }
            selected = max(list.total - 1, 0)
        default:
            selected = Selection.move(selected, action, count: list.total)
            // Pages load as the selection nears either end of the window, as on Achievements.
            if selected >= firstRow + list.rows.count - 10 { loadAfter(data) }
            if selected < firstRow + 10 { loadBefore(data) }
        }
        // Whatever the data did meanwhile, the selection stays on a loaded row.
        selected = min(max(selected, firstRow), max(firstRow + list.rows.count - 1, 0))
    }

    /// Selects row `row` of the whole list (a click), loading the next or previous page when it is near an end
    /// of the window, as moving there would.
    mutating func select(_ row: Int, data: any ConsoleData) {
        selected = min(max(row, 0), max(list.total - 1, 0))
        if selected >= firstRow + list.rows.count - 10 { loadAfter(data) }
        if selected < firstRow + 10 { loadBefore(data) }
        selected = min(max(selected, firstRow), max(firstRow + list.rows.count - 1, 0))
    }

    /// After live changes (or F5: `explicit`): the list, and the open page. A list narrowed by state stays as it
    /// was judged until F5 or `f`: judging reads every user, too slow to repeat on every commit of a running ingest.
    mutating func refresh(_ data: any ConsoleData, today: LocalDate, explicit: Bool = false) {
        if let p = profile {
            profile = data.userPage(id: p.member.id, today: today)
            if why != nil { why = data.explanation(of: p.member.id, today: today) }
        } else if state != nil, !explicit {
            return
        } else {
            if state != nil { stateToday = today }
            reload(data, today: today)
        }
    }

    /// Opens the Why pane on the reward of the selected achievement (or the first reward).
    mutating func openWhy(_ data: any ConsoleData, today: LocalDate) {
        guard let p = profile else { return }
        why = data.explanation(of: p.member.id, today: today)
        whyReward = 0
        if p.achievements.indices.contains(achievementSelected) {
            let a = p.achievements[achievementSelected].achievement
            whyReward = p.standings.firstIndex { $0.program == a.program && $0.reward == a.reward && $0.incentive == a.incentive } ?? 0
        }
        evidence = nil
    }

    /// Typing in the search box narrows the list as you type; Enter with one match opens it.
    mutating func edit(_ key: Key, data: any ConsoleData, today: LocalDate) {
        let before = search.text
        switch search.handle(key) {
        case .editing:
            if search.text != before { restart(data, today: today) }
        case .applied:
            restart(data, today: today)
            if let exact = results.firstIndex(where: { $0.id == search.text }) { selected = firstRow + exact }
            if list.total == 1 || selectedMember?.id == search.text { open(data, today: today) }
        case .cancelled:
            break
        }
    }

    mutating func open(_ data: any ConsoleData, today: LocalDate) {
        guard let m = selectedMember else { return }
        profile = data.userPage(id: m.id, today: today)
    }

    mutating func handle(_ action: Action, data: any ConsoleData, today: LocalDate) -> Bool {
        if let p = profile {
            switch action {
            case .back, .quit:
                // Back out one level: the Why pane or the evidence first, then the page.
                if why != nil { why = nil } else if evidence != nil { evidence = nil } else { profile = nil }
                return true
            case .filter: profile = nil; search = TextField(); search.editing = true; return true
            case .stateFilter, .stateMore, .stateLess:
                // Back to the list, narrowed by state.
                profile = nil
                if action == .stateFilter { nextState(data, today: today) } else { adjustState(by: action == .stateMore ? 1 : -1, data, today: today) }
                return true
            case .why:
                if why == nil { openWhy(data, today: today) } else { why = nil }
                return true
            case _ where Selection.isMove(action) && why != nil:
                whyReward = Selection.move(whyReward, action, count: p.standings.count)
                return true
            case _ where Selection.isMove(action):
                achievementSelected = Selection.move(achievementSelected, action, count: p.achievements.count)
                if evidence != nil, p.achievements.indices.contains(achievementSelected) {
                    evidence = data.evidence(of: p.achievements[achievementSelected])
                }
                return true
            case .open:
                guard p.achievements.indices.contains(achievementSelected) else { return false }
                evidence = data.evidence(of: p.achievements[achievementSelected])
                return true
            default: return false
            }
        }
        switch action {
        case _ where Selection.isMove(action):
            move(action, data: data)
            return true
        case .open: open(data, today: today); return true
        case .why:
            open(data, today: today)
            openWhy(data, today: today)
            return profile != nil
        case .filter:
            // A new search: `/` starts from an empty box, as in less and vim.
            search = TextField()
            search.editing = true
            restart(data, today: today)
            return true
        case .stateFilter:
            nextState(data, today: today)
            return true
        case .stateMore, .stateLess:
            let before = state
            adjustState(by: action == .stateMore ? 1 : -1, data, today: today)
            return state != before
        case .clearFilter, .back:
            // Back out of the state filter first, then the words.
            if state != nil, search.text.isEmpty || action == .back { state = nil; restart(data, today: today); return true }
            guard !search.text.isEmpty else { return false }
            search.text = ""; restart(data, today: today); return true
        default: return false
        }
    }
}
