import Foundation
import IncentivesCore
import IncentivesText

/// Screen 4: a sandbox timeline with a simulated clock. QA picks a test user (any employer, any zone),
/// logs data now or for a past day, reports a birth, moves the clock a day, or plays a whole streak, and
/// reads every rule that fires, with its evidence, in the feed.
public struct SimulatorState {
    public struct FeedLine: Sendable, Equatable {
        public let text: String
        public let style: Style
    }

    public static let zones = ["America/Chicago", "America/New_York", "America/Los_Angeles", "Europe/London",
                               "Asia/Kolkata", "Asia/Tokyo", "Pacific/Auckland", "UTC"]

    public let sandbox: Sandbox
    public let categories: [String]
    public var current = 0
    public var employerChoice = 0
    public var zoneChoice = 0
    public var category = 0
    public var selectedReward = 0
    /// The simulated clock: a local day and a time of day (seconds) in the test user's zone.
    public var day: LocalDate
    public var secondOfDay = 12 * 3600
    /// How many days back `p` logs.
    public var daysBack = 1
    public var feed: [FeedLine] = []
    public var standings: [RewardStanding] = []
    let today: LocalDate
    /// The open catalog's text, written beside an exported rehearsal (empty: not known, not written).
    public var catalogJSON = ""

    init(catalog: Catalog, today: LocalDate) {
        sandbox = Sandbox(catalog: catalog)
        var cats = Set(["steps", "sleep", "mood", "symptom", "weight"])
        for i in catalog.incentives { cats.formUnion(i.categories ?? []) }
        categories = cats.sorted()
        category = categories.firstIndex(of: "mood") ?? 0
        self.today = today
        day = today
        if !catalog.employers.isEmpty { addUser() }
    }

    public var user: Member? { sandbox.members.indices.contains(current) ? sandbox.members[current] : nil }
    var employers: [Employer] { sandbox.catalog.employers }

    /// What a line typed in the simulator is for: `/` a zone for a new test user, `T` the time of day, `d` a day
    /// to jump to.
    public enum Prompt: Sendable, Equatable {
        case zone, time, date, export

        var label: String {
            switch self {
            case .zone: return "time zone for a new test user: "
            case .time: return "time of day (HH:MM, +1d next day): "
            case .date: return "jump to day (YYYY-MM-DD): "
            case .export: return "export the rehearsal to folder: "
            }
        }
    }

    /// The line being typed, and what it is for.
    public var field = TextField()
    public var prompt = Prompt.zone
    /// A zone typed with `/` that `z` did not offer.
    var typedZone: String?
    /// Each test user's last new event (not a resend): what `a` sends again and `A` sends with other content.
    var lastEvent: [String: Event] = [:]

    /// The times `t` steps through: after `n`'s noon come five to midnight (one key, then `l`, logs near
    /// midnight), just after midnight and the morning.
    public static let timesOfDay = [5 * 60, 8 * 3600, 12 * 3600, 23 * 3600 + 55 * 60]

    mutating func ask(_ p: Prompt) {
        prompt = p
        field = TextField()
        field.editing = true
    }

    mutating func edit(_ key: Key) {
        guard field.handle(key) == .applied else { return }
        let text = field.text.trimmingCharacters(in: .whitespaces)
        field = TextField()
        guard !text.isEmpty else { return }
        switch prompt {
        case .zone:
            guard sandbox.zones.rules(for: text) != nil else {
                // The nearest IANA names by edit distance (`Europe/Pari` → Europe/Paris), through the one helper.
                let near = Suggestion.nearest(to: text, in: TimeZone.knownTimeZoneIdentifiers + ["UTC"], limit: 3)
                announce("unknown time zone \"\(text)\" (an IANA name such as Europe/Paris)"
                         + (near.isEmpty ? "" : "; did you mean \(near.joined(separator: " or "))?"), .bad)
                return
            }
            typedZone = text
            addUser()
        case .time:
            // `HH:MM +1d`: that time on the next day (23:55, then `00:05 +1d`, moves the clock ten minutes on).
            var typed = text
            let nextDay = typed.hasSuffix("+1d")
            if nextDay { typed = String(typed.dropLast(3)).trimmingCharacters(in: .whitespaces) }
            guard let seconds = Self.secondOfDay(typed) else {
                announce("not a time of day \"\(text)\": type HH:MM, from 00:00 to 23:59 (e.g. 23:58), or HH:MM +1d for the next day", .bad)
                return
            }
            secondOfDay = seconds
            if nextDay {
                day = day.adding(days: 1)
                refresh()
            }
            announce("-- clock set to \(clockLabel)\(nextDay ? " (next day)" : "") --", .dim)
        case .date:
            guard let d = LocalDate(iso: text) else {
                announce("not a day \"\(text)\": type YYYY-MM-DD, a real date (e.g. \(day.adding(days: 7).iso))", .bad)
                return
            }
            day = d
            announce("-- jumped to \(DayFormat.short(d)) \(d.iso) --", .dim)
            refresh()
        case .export:
            export(to: text)
        }
    }

    /// `x`: writes the rehearsal into `folder` as files `replay` runs (catalog.json when the catalog's text is
    /// known, roster.jsonl with the test users, events.jsonl with every event sent): a regression case for QA.
    mutating func export(to folder: String) {
        let (roster, events) = sandbox.exportLines()
        guard !events.isEmpty else {
            announce("nothing to export: no event sent yet (l logs one)", .bad)
            return
        }
        var files = [("roster.jsonl", roster.joined(separator: "\n") + "\n"), ("events.jsonl", events.joined(separator: "\n") + "\n")]
        if !catalogJSON.isEmpty { files.insert(("catalog.json", catalogJSON), at: 0) }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, text) in files {
                try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
            }
        } catch {
            announce("cannot export to \(folder): \((error as NSError).localizedDescription)", .bad)
            return
        }
        let catalog = catalogJSON.isEmpty ? "CATALOG" : folder + "/catalog.json"
        announce("exported \(events.count) event\(events.count == 1 ? "" : "s") of \(roster.count) test user\(roster.count == 1 ? "" : "s") to \(folder) (\(sandbox.awarded.count) award\(sandbox.awarded.count == 1 ? "" : "s")); replay them:", .accent)
        announce("  incentives replay --catalog \(catalog) --roster \(folder)/roster.jsonl --events \(folder)/events.jsonl", .accent)
    }

    /// `D`, the DST-day preset: the clock moves to 23:55 on the eve of the next day the test user's clocks change
    /// (within a year), so `l`, then `n` `t` `l`, logs at 23:55 across the change, the case QA rehearses.
    mutating func jumpToNextDSTChange() {
        guard let user, let rules = sandbox.zones.rules(for: user.timezone) else { return }
        let noon = 12 * 3600
        var previous = rules.offset(at: rules.instant(day: day, secondOfDay: noon).instant)
        for n in 1...400 {
            let d = day.adding(days: n)
            let offset = rules.offset(at: rules.instant(day: d, secondOfDay: noon).instant)
            if offset != previous {
                let shift = offset - previous
                day = d.adding(days: -1)
                secondOfDay = 23 * 3600 + 55 * 60
                announce("-- clocks go \(shift > 0 ? "forward" : "back") \(abs(shift) / 60) min on \(DayFormat.short(d)) \(d.iso) in \(user.timezone) "
                         + "(\(Instant.offsetText(previous)) → \(Instant.offsetText(offset))); clock \(clockLabel) --", .dim)
                refresh()
                return
            }
            previous = offset
        }
        announce("no DST change in \(user.timezone) within a year of \(day.iso)", .dim)
    }

    /// `HH:MM` or `HH:MM:SS` (one-digit hours too) as seconds after midnight; nil for anything else.
    static func secondOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count),
              parts.allSatisfy({ !$0.isEmpty && $0.count <= 2 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              parts.dropFirst().allSatisfy({ $0.count == 2 }),
              let h = Int(parts[0]), let m = Int(parts[1]), h < 24, m < 60 else { return nil }
        let sec = parts.count == 3 ? Int(parts[2]) ?? 60 : 0
        guard sec < 60 else { return nil }
        return h * 3600 + m * 60 + sec
    }

    /// `t`: the next of `timesOfDay` after the clock's time; after the last it wraps to the first on the next
    /// day, so the clock never goes back (23:55 → 00:05 is ten minutes later, not a day earlier).
    mutating func nextTimeOfDay() {
        if let next = Self.timesOfDay.first(where: { $0 > secondOfDay }) {
            secondOfDay = next
            announce("-- clock set to \(clockLabel) --", .dim)
        } else {
            secondOfDay = Self.timesOfDay[0]
            day = day.adding(days: 1)
            announce("-- clock set to \(clockLabel) (next day) --", .dim)
            refresh()
        }
    }

    /// A new test user with the chosen employer and zone; the clock moves to a day their program runs.
    mutating func addUser() {
        guard !employers.isEmpty else { return }
        let employer = employers[employerChoice % employers.count]
        let programs = employer.programs
        if let p = programs.first(where: { $0.starts <= today && today <= $0.ends }) ?? programs.first {
            day = min(max(today, p.starts), p.ends)
        }
        let from = programs.map(\.starts).min() ?? day
        let zone = typedZone ?? SimulatorState.zones[zoneChoice % SimulatorState.zones.count]
        typedZone = nil
        let m = sandbox.addUser(employer: employer.id, zone: zone, eligibleFrom: min(from, day))
        current = sandbox.members.count - 1
        selectedReward = 0
        announce("new test user \(m.id) · \(employer.name) · \(m.timezone) · clock \(day.iso)", .accent)
        refresh()
    }

    /// `e`: the current test user moves to the next employer (keeping their id, zone and events); with no test
    /// user yet, a new one is made with that employer.
    mutating func changeEmployer() {
        guard !employers.isEmpty else { return }
        employerChoice = (employerChoice + 1) % employers.count
        guard let user else { addUser(); return }
        let employer = employers[employerChoice]
        let from = employer.programs.map(\.starts).min() ?? day
        sandbox.changeEmployer(of: user.id, to: employer.id, eligibleFrom: min(from, day))
        selectedReward = 0
        announce("\(user.id) now works for \(employer.name) · \(user.timezone) · clock \(day.iso)", .accent)
        refresh()
    }

    mutating func refresh() {
        standings = user.map { sandbox.standings(of: $0, today: day) } ?? []
        selectedReward = min(selectedReward, max(standings.count - 1, 0))
    }

    mutating func announce(_ text: String, _ style: Style = .normal) {
        feed.append(FeedLine(text: text, style: style))
        if feed.count > 300 { feed.removeFirst(feed.count - 300) }
    }

    public var clockLabel: String {
        let h = secondOfDay / 3600, m = secondOfDay / 60 % 60
        return "\(day.iso) \(Digits2.pad(h)):\(Digits2.pad(m))"
    }

    /// Logs one event on a local day and announces what it earned.
    mutating func log(_ type: EventType, category: String?, on logDay: LocalDate, late: Bool = false) {
        guard let user else { return }
        let (at, resolution) = sandbox.instant(day: logDay, secondOfDay: secondOfDay, user: user)
        let time = clockLabel.suffix(5)
        let logged = sandbox.log(type: type, category: category, user: user, at: at)
        lastEvent[user.id] = logged.event
        let offset = sandbox.offset(at: at, user: user)
        // The wall clock as it reads at that instant: the typed time, unless a DST change skipped it.
        let wall = Instant(seconds: at.seconds + Int64(offset)).rfc3339
        let shown = resolution == .skipped ? String(wall.dropFirst(11).prefix(5)) : String(time)
        // Each event a minute after the last (on the wall clock), so a timeline has distinct instants.
        if resolution == .skipped, let h = Int(shown.prefix(2)), let m = Int(shown.suffix(2)) { secondOfDay = h * 3600 + m * 60 }
        secondOfDay = min(secondOfDay + 60, 86_399)
        let what = type == .birthReported ? "reports a birth" : "logs \(category ?? "")"
        announce("\(logDay.iso) \(shown) \(user.id) \(what)\(late ? " (late, for \(logDay.iso))" : "") · \(logged.event.id) · \(Self.utcNote(at, offset: offset))",
                 late ? .warn : .normal)
        switch resolution {
        case .exact: break
        case .skipped:
            announce("  no \(time) on \(logDay.iso) in \(user.timezone): the clocks went forward, so it is \(shown) (\(Instant.offsetText(offset)))", .dim)
        case .earlierOfTwo:
            announce("  \(time) happens twice on \(logDay.iso) in \(user.timezone) (the clocks went back): the first, \(Instant.offsetText(offset))", .dim)
        }
        report(logged)
    }

    /// The instant in UTC and the offset the user's zone had then, on every event: what `replay` reads, and what
    /// an exported rehearsal writes (`2026-03-09T04:55:00Z -05:00`).
    static func utcNote(_ at: Instant, offset: Int) -> String {
        "\(at.rfc3339) \(Instant.offsetText(offset))"
    }

    /// `a`: the user's last event again, id and content: a duplicate. `A`: the same id with other content (another
    /// category; a birth an hour later): a conflict. Either way the feed says what the intake made of it.
    mutating func resend(otherContent: Bool) {
        guard let user else { return }
        guard let last = lastEvent[user.id] else {
            announce("nothing to send again: \(user.id) has sent no event yet (l logs one)", .bad)
            return
        }
        var event = last
        var change = "same id and content"
        if otherContent {
            if last.type == .birthReported {
                event = Event(id: last.id, type: last.type, user: last.user, at: Instant(seconds: last.at.seconds + 3600), category: nil)
                change = "same id, an hour later"
            } else {
                let other = categories.first { $0 != last.category } ?? "steps"
                event = Event(id: last.id, type: last.type, user: last.user, at: last.at, category: other)
                change = "same id, category \(other) instead of \(last.category ?? "none")"
            }
        }
        let logged = sandbox.send(event)
        let day = sandbox.localDay(of: event).map(\.iso) ?? "?"
        announce("\(day) \(user.id) sends \(event.id) again (\(change)) · \(Self.utcNote(event.at, offset: sandbox.offset(at: event.at, user: user)))", .warn)
        report(logged)
    }

    /// The awards an event earned and what it did to every other reward it reached.
    mutating func report(_ logged: Sandbox.Logged) {
        for a in logged.earned {
            let days = zip(a.evidenceDays, a.evidence).map { "\($0.0.iso.suffix(5)) \($0.1)" }
            let what = a.tier.map { "tier \($0)" } ?? "\(a.incentive) #\(a.ordinal)"
            announce("  \(Self.star) AWARDED \(a.reward) · \(a.program) · \(what)", .good)
            // Five evidence days a line, so a 20-day award reads on an 80-column terminal.
            for start in stride(from: 0, to: days.count, by: 5) {
                let chunk = days[start..<min(start + 5, days.count)].joined(separator: ", ")
                announce((start == 0 ? "    evidence: " : "              ") + chunk, .good)
            }
        }
        // What the event did to every other reward it reached, in the engine's own words (`Outcome`): a second
        // log the same day, a day already used, the limit, the program's end... (A birth is not a log: the
        // wrong-type lines would only repeat that for every streak.)
        for line in logged.lines {
            let outcome = line.outcome
            if case .earned = outcome { continue }
            if case .tierReached = outcome { continue } // announced with the awards above
            if case .wrongType = outcome { continue }
            let reward = line.slotIndex.map { logged.slots[$0] }.map { Self.rewardName($0, among: logged.slots) } ?? Self.label(of: outcome)
            announce("  \(reward): \(outcome.sentence)", Self.style(of: outcome))
        }
        refresh()
    }

    /// A reward's name, with its incentive when its program offers another reward of the same name
    /// (`RewardSlot.label`), and its program when another program does.
    static func rewardName(_ slot: RewardSlot, among slots: [RewardSlot]) -> String {
        let name = slot.label(among: slots)
        return slots.contains { $0.reward.reward == slot.reward.reward && $0.program.id != slot.program.id }
            ? "\(name) (\(slot.program.id))" : name
    }

    /// What a line about no one reward is headed with: what the intake found, or "every reward".
    static func label(of outcome: Outcome) -> String {
        switch outcome {
        case .duplicate, .conflict, .rejected: return outcome.code
        default: return "every reward"
        }
    }

    static func style(of outcome: Outcome) -> Style {
        switch outcome {
        case .earned, .tierReached, .pointsAdded: return .good
        case .counted: return .normal
        case .duplicate, .conflict, .rejected: return .bad
        case .categoryNotCounted: return .dim
        default: return .warn
        }
    }

    static let star = "*"

    /// A category the selected reward counts (so "play a streak" always qualifies).
    func category(for standing: RewardStanding) -> String {
        let chosen = categories.isEmpty ? "mood" : categories[category]
        guard let allowed = standing.slot.incentive.categories, !allowed.contains(chosen) else { return chosen }
        return allowed.sorted().first ?? chosen
    }

    mutating func handle(_ action: Action) -> Bool {
        switch action {
        case .up, .down, .top, .bottom, .pageUp, .pageDown:
            selectedReward = Selection.move(selectedReward, action, count: standings.count)
        case .left, .right:
            guard !sandbox.members.isEmpty else { return true }
            current = (current + (action == .right ? 1 : sandbox.members.count - 1)) % sandbox.members.count
            refresh()
        case .simLog:
            log(.healthDataLogged, category: categories.isEmpty ? "mood" : categories[category], on: day)
        case .simNextDay:
            day = day.adding(days: 1)
            secondOfDay = 12 * 3600
            announce("-- next day: \(day.iso) --", .dim)
            refresh()
        case .simPastDay:
            log(.healthDataLogged, category: categories.isEmpty ? "mood" : categories[category], on: day.adding(days: -daysBack), late: true)
        case .simMoreDaysBack:
            daysBack = min(daysBack + 1, 60)
        case .simFewerDaysBack:
            daysBack = max(daysBack - 1, 1)
        case .simBirth:
            log(.birthReported, category: nil, on: day)
        case .simCategory:
            if !categories.isEmpty { category = (category + 1) % categories.count }
        case .simStreak:
            playStreak()
        case .filter:
            ask(.zone)
        case .simTimeNext:
            nextTimeOfDay()
        case .simTypeTime:
            ask(.time)
        case .simTypeDate:
            ask(.date)
        case .simExport:
            ask(.export)
        case .simDSTDay:
            jumpToNextDSTChange()
        case .simResend:
            resend(otherContent: false)
        case .simConflict:
            resend(otherContent: true)
        case .simNewUser:
            addUser()
        case .simEmployer:
            changeEmployer()
        case .simZone:
            zoneChoice = (zoneChoice + 1) % SimulatorState.zones.count
            addUser()
        case .simReset:
            let text = catalogJSON
            self = SimulatorState(catalog: sandbox.catalog, today: today)
            catalogJSON = text
        default:
            return false
        }
        return true
    }

    /// One qualifying event on each day the selected reward's rule needs, from the clock's day on.
    mutating func playStreak() {
        guard standings.indices.contains(selectedReward) else { announce("no reward selected", .bad); return }
        let s = standings[selectedReward]
        let incentive = s.slot.incentive
        if incentive.event == .birthReported {
            log(.birthReported, category: nil, on: day)
            return
        }
        // From the first day this reward has not counted yet: a second play right after the first must not
        // start on the first's last day (already counted, so it would end one day short).
        let counted = Set(s.countedDays)
        var start = day
        while counted.contains(start) { start = start.adding(days: 1) }
        let days = incentive.rule.daysThatEarn(from: start)
        let cat = category(for: s)
        announce(">> playing \(days.count) days of \(cat) for \(s.slot.label(among: standings.map(\.slot))) (\(incentive.rule.summary))", .accent)
        for d in days {
            if d != day { day = d; secondOfDay = 12 * 3600 }
            log(.healthDataLogged, category: cat, on: day)
        }
    }
}
