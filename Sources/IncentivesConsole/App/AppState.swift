import IncentivesCore

/// Everything the console shows, as values (the model of model/update/view). The data source and the
/// clock are the only references: update asks them questions, views never do.
public struct AppState {
    public let data: any ConsoleData
    public let clock: ConsoleClock
    public var screen: ScreenID = .programs
    public var showHelp = false
    public var quitting = false
    /// A one-line message in the footer (what a key did, or why it did nothing).
    public var status: String?
    /// Where Esc goes back to: the screen whose Enter opened this one (a program's achievements).
    public var cameFrom: ScreenID?
    /// `q` was pressed with test users in the simulator's sandbox: the next `y` or `q` quits, any other key stays.
    public var confirmingQuit = false
    /// The size and glyphs of the screen last drawn: a click is looked up in the layout the view draws for them.
    public var viewport = Viewport(width: 80, height: 24, glyphs: .unicode)
    /// `y`: an id for the run loop to put on the clipboard (through the backend, OSC 52); taken with `takeCopy()`.
    public var pendingCopy: String?

    public var programs = ProgramsState()
    public var users = UsersState()
    public var achievements = AchievementsState()
    public var simulator: SimulatorState
    public var live = LiveState()
    public var deliveries = DeliveriesState()
    public var reports = ReportsState()

    public init(data: any ConsoleData, clock: ConsoleClock = .system, screen: ScreenID = .programs) {
        self.data = data
        self.clock = clock
        simulator = SimulatorState(catalog: data.catalog, today: clock.today)
        simulator.catalogJSON = data.catalogVersions().last?.catalogJSON ?? ""
        self.screen = screen
        enter(screen)
    }

    /// Whether a screen is taking typed text (then only Enter/Esc/Backspace and characters mean anything).
    var isEditingText: Bool {
        switch screen {
        case .programs: return programs.filter.editing || programs.previewPath.editing
        case .users: return users.search.editing
        case .achievements: return achievements.filter.editing
        case .simulator: return simulator.field.editing
        default: return false
        }
    }

    /// Loads what a screen shows when it becomes active.
    public mutating func enter(_ s: ScreenID) {
        screen = s
        switch s {
        case .programs: programs.reload(data)
        case .users: users.reload(data, today: clock.today)
        case .achievements: achievements.reload(data)
        case .simulator: break
        case .live: break
        case .deliveries: deliveries.reload(data)
        case .reports: reports.reload(data, today: clock.today)
        }
    }

    /// The update function: one key in, the new state out.
    public mutating func handle(_ key: Key) {
        status = nil
        if case .mouse(let x, let y, let kind) = key, !confirmingQuit {
            handleMouse(x: x, y: y, kind: kind)
            return
        }
        if confirmingQuit {
            confirmingQuit = false
            if key == .character("y") || key == .character("q") { quitting = true } else { status = "still here: the test users are kept" }
            return
        }
        if showHelp {
            // Any key closes help; q and Esc only close it.
            showHelp = false
            return
        }
        if isEditingText {
            switch screen {
            case .programs: programs.edit(key, data: data)
            case .users: users.edit(key, data: data, today: clock.today)
            case .achievements: achievements.edit(key, data: data)
            case .simulator: simulator.edit(key)
            default: break
            }
            return
        }
        guard let action = KeyMap.action(for: key, on: screen) else { return }
        switch action {
        case .help: showHelp = true; return
        case .refresh:
            // F5 on Users also judges a state filter again (live changes alone do not: it reads every user).
            if screen == .users { users.refresh(data, today: clock.today, explicit: true) } else { refreshVisible() }
            status = "refreshed"
            return
        case .switchTo(let s): cameFrom = nil; enter(s); return
        case .copyID: copySelectedID(); return
        case .nextScreen: enter(ScreenID(rawValue: screen.rawValue % ScreenID.allCases.count + 1)!); return
        case .previousScreen: enter(ScreenID(rawValue: (screen.rawValue + ScreenID.allCases.count - 2) % ScreenID.allCases.count + 1)!); return
        default: break
        }
        let consumed: Bool
        switch screen {
        case .programs:
            let (used, open) = programs.handle(action, data: data)
            consumed = used
            if let program = open {
                // Enter on a program opens its employer's report on that program (Esc comes back).
                let employer = programs.rows.first { $0.program.program.id == program }?.employer.employer.id
                if let employer { showReports(employer: employer, program: program) }
                cameFrom = .programs
            } else if action == .programAchievements {
                let all = programs.rows
                if all.indices.contains(programs.selected) { openAchievements("program:" + all[programs.selected].program.program.id, from: .programs) }
            }
        case .users: consumed = users.handle(action, data: data, today: clock.today)
        case .achievements:
            if action == .back, let origin = cameFrom, achievements.evidence == nil {
                // Esc after `a` on a program (or Enter on a report's reward) goes back there, as the user came.
                achievements.filter.text = ""
                achievements.applyFilter()
                cameFrom = nil
                enter(origin)
                return
            }
            consumed = achievements.handle(action, data: data)
        case .simulator: consumed = simulator.handle(action)
        case .live: consumed = live.handle(action)
        case .deliveries: (consumed, status) = deliveries.handle(action, data: data)
        case .reports:
            if action == .back, let origin = cameFrom {
                // Esc after Enter on a program goes back to Programs.
                cameFrom = nil
                enter(origin)
                return
            }
            let (used, said, open) = reports.handle(action, data: data, today: clock.today)
            consumed = used
            status = said
            if let open { openAchievements(open, from: .reports) }
        }
        if consumed { return }
        // `q` and Esc back out of whatever is open; at the top, `q` quits — after asking, when quitting
        // would throw away the simulator's test users.
        if action == .quit {
            // Only when something was played: the sandbox starts with one untouched test user.
            let testUsers = simulator.sandbox.members.count
            if simulator.sandbox.eventCount > 0 {
                confirmingQuit = true
                status = "quit and discard \(testUsers) test user\(testUsers == 1 ? "" : "s") and \(simulator.sandbox.eventCount) event\(simulator.sandbox.eventCount == 1 ? "" : "s")? y or q quits, any other key stays"
            } else {
                quitting = true
            }
        }
    }

    /// Opens the Reports screen on an employer and one of its programs (nil: its first), as Enter on a program does.
    public mutating func showReports(employer: String, program: String?) {
        reports.focus(employer: employer, program: program, in: data.catalog)
        enter(.reports)
    }

    /// Lists the achievements a filter selects, remembering where Esc goes back to.
    mutating func openAchievements(_ filter: String, from origin: ScreenID) {
        achievements.filter.text = filter
        achievements.applyFilter()
        enter(.achievements)
        cameFrom = origin
    }

    /// New live data arrived (from the poller thread, handed over by the run loop).
    public mutating func receive(_ changes: LiveChanges) {
        live.receive(changes)
    }

    /// Screens whose data changes without new events (a `deliver` in another terminal marks deliveries):
    /// the run loop refreshes them on a timer as well.
    public var refreshesOnATimer: Bool { screen == .deliveries || screen == .programs }

    /// Refreshes the visible screen after the data changed underneath (live ingest).
    public mutating func refreshVisible() {
        switch screen {
        case .programs: programs.reload(data)
        case .users: users.refresh(data, today: clock.today)
        case .achievements: achievements.reload(data)
        case .deliveries: deliveries.reload(data)
        case .reports: reports.reload(data, today: clock.today)
        case .simulator, .live: break
        }
    }
}
