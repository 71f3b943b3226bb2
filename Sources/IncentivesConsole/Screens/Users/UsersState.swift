import IncentivesCore

/// Screen 2: search users by id prefix; Enter opens a user's page.
public struct UsersState {
    public var search = TextField()
    public var results: [Member] = []
    public var selected = 0
    public var profile: UserPage? {
        didSet { if profile?.member.id != oldValue?.member.id { achievementSelected = 0; evidence = nil; why = nil } }
    }
    /// The Why pane: the user's explanation and the reward (index in `profile.standings`) it shows.
    public var why: Explanation?
    public var whyReward = 0
    /// On the user page: the selected achievement, and its evidence events once opened with Enter.
    public var achievementSelected = 0
    public var evidence: [EventRecord]?
    static let limit = 500

    mutating func reload(_ data: any ConsoleData, today: LocalDate) {
        results = data.searchUsers(prefix: search.text, limit: UsersState.limit)
        selected = min(selected, max(results.count - 1, 0))
    }

    /// After live changes: the list, and the open page.
    mutating func refresh(_ data: any ConsoleData, today: LocalDate) {
        if let p = profile {
            profile = data.userPage(id: p.member.id, today: today)
            if why != nil { why = data.explanation(of: p.member.id, today: today) }
        } else {
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
            if search.text != before { selected = 0; reload(data, today: today) }
        case .applied:
            reload(data, today: today)
            if let exact = results.firstIndex(where: { $0.id == search.text }) { selected = exact }
            if results.count == 1 || results.indices.contains(selected) && results[selected].id == search.text { open(data, today: today) }
        case .cancelled:
            break
        }
    }

    mutating func open(_ data: any ConsoleData, today: LocalDate) {
        guard results.indices.contains(selected) else { return }
        profile = data.userPage(id: results[selected].id, today: today)
    }

    mutating func handle(_ action: Action, data: any ConsoleData, today: LocalDate) -> Bool {
        if let p = profile {
            switch action {
            case .back, .quit:
                // Back out one level: the Why pane or the evidence first, then the page.
                if why != nil { why = nil } else if evidence != nil { evidence = nil } else { profile = nil }
                return true
            case .filter: profile = nil; search = TextField(); search.editing = true; return true
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
        case _ where Selection.isMove(action): selected = Selection.move(selected, action, count: results.count); return true
        case .open: open(data, today: today); return true
        case .why:
            open(data, today: today)
            openWhy(data, today: today)
            return profile != nil
        case .filter:
            // A new search: `/` starts from an empty box, as in less and vim.
            search = TextField()
            search.editing = true
            selected = 0
            reload(data, today: today)
            return true
        case .clearFilter, .back:
            guard !search.text.isEmpty else { return false }
            search.text = ""; selected = 0; reload(data, today: today); return true
        default: return false
        }
    }
}
