import IncentivesText
import IncentivesCore

enum UsersView {
    static func draw(_ s: UsersState, today: LocalDate, catalog: Catalog, on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        if let p = s.profile {
            drawProfile(p, today: today, selected: s.achievementSelected, evidence: s.evidence, why: s.why, whyNot: s.whyNot, whyReward: s.whyReward, catalog: catalog,
                        on: &c, x: x, y: y, width: width, height: height)
            return
        }
        c.text("/", x: x, y: y, style: .accent)
        c.text("search: ", x: x + 2, y: y, style: .dim)
        let count = s.list.total == 1 ? "1 user" : "\(s.list.total) users"
        InputLine.draw(s.search.text, editing: s.search.editing, placeholder: "(all) part of an id, employer:acme, zone:Europe/Paris",
                       on: &c, x: x + 10, y: y, width: max(width - 10 - TerminalText.cells(count) - 1, 1))
        c.text(count, x: x + width - TerminalText.cells(count), y: y, style: .dim)
        var top = y + 1
        if let e = s.filterError { c.text(e, x: x, y: top, style: .bad, width: width); top += 1 }
        if let state = s.state {
            // The state filter chosen with `f`, and the day it judges by.
            c.text("state: ", x: x, y: top, style: .dim)
            c.text(state.label + " on " + DayFormat.short(s.stateToday) + "  (f: next, +/-: days, Esc: all)", x: x + 7, y: top, style: .accent, width: width - 7)
            top += 1
        }
        if s.results.isEmpty {
            let why = s.state.map { "No user is \($0.label)" + (s.search.text.isEmpty ? "." : " among \"\(s.search.text)\".") }
                ?? (s.search.text.isEmpty ? "The roster has no users." : "No user matches \"\(s.search.text)\".")
            c.text(why, x: x + 1, y: top + 1, style: .dim, width: width - 1)
            return
        }
        Table(columns: [.flex("User", min: 12), .flex("Employer", min: 10), .flex("Time zone", min: 12)],
              rows: s.results.map { [$0.id, $0.employer ?? "(none)", $0.timezone] },
              selected: s.selected - s.firstRow, focused: !s.search.editing, total: s.list.total, firstRow: s.firstRow, hitList: .users)
            .draw(on: &c, x: x, y: top, width: width, height: height - (top - y))
    }

    static func drawProfile(_ p: UserPage, today: LocalDate, selected: Int = 0, evidence: [EventRecord]? = nil,
                            why: Explanation? = nil, whyNot: [WhyNotSummary] = [], whyReward: Int = 0, catalog: Catalog? = nil,
                            on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        let m = p.member
        let employer = m.employer.map { "\(p.employerName ?? $0) (\($0))" } ?? "no employer: events earn nothing"
        c.text(m.id, x: x, y: y, style: .accent)
        c.text("  " + employer + " · " + m.timezone, x: x + TerminalText.cells(m.id), y: y, width: width - TerminalText.cells(m.id))
        let until = m.eligibleUntil?.iso ?? "open-ended"
        let eligible = m.isEligible(on: today) ? "eligible" : "not eligible today"
        c.text("\(eligible): \(m.eligibleFrom.iso) → \(until)", x: x, y: y + 1, style: m.isEligible(on: today) ? .dim : .warn, width: width)

        // Right column: the calendar and recent events; left: progress and achievements. With the Why pane open
        // the left column takes the whole width: its lines are sentences, and the calendar would leave them ~26 columns.
        let calWidth = CalendarView.width + 1
        let showCalendar = why == nil
        let leftWidth = showCalendar ? max(width - calWidth - 2, 30) : width
        let rx = x + leftWidth + 2
        var row = y + 3
        c.rule("Progress", x: x, y: y + 2, width: leftWidth)
        if p.standings.isEmpty { c.text("No rewards apply.", x: x, y: row, style: .dim); row += 1 }
        let names = p.standings.map(\.reward)
        let repeated = Set(names.filter { n in names.filter { $0 == n }.count > 1 })
        // A reward offered twice (two programs, or two menu items in one) is told apart by its incentive, and by its
        // program too when that is not enough (the program column gives way to the progress at narrow widths).
        let withIncentive = p.standings.map { repeated.contains($0.reward) ? $0.reward + " · " + $0.incentive : $0.reward }
        let stillRepeated = Set(withIncentive.filter { n in withIncentive.filter { $0 == n }.count > 1 })
        let shownNames = zip(withIncentive, p.standings).map { stillRepeated.contains($0) ? $0 + " · " + $1.program : $0 }
        // The program tells apart rewards of several programs; with one program it only takes room.
        let programColumnWanted = Set(p.standings.map(\.program)).count > 1
        // The name first (whole when it fits, at least 10 columns), then the bar and the awards; what is left goes
        // to the rule's own words for the progress ("2 of 3 days in March") and, when there is room beside them,
        // the program. Everything grows with the terminal, and what is cut ends in an ellipsis.
        let nameContent = max(shownNames.map(TerminalText.cells).max() ?? 0, p.points.map { TerminalText.cells("Points · " + $0.program) }.max() ?? 0)
        // "won 2/2 ✓", as wide as the widest (a limit of 100 is not cut).
        let awardsText = p.standings.map { "won \($0.awards)/\($0.limit)" + ($0.limitReached ? " " + c.glyphs.check : "") }
        let awardsWidth = max(awardsText.map(TerminalText.cells).max() ?? 0, 11)
        let nameWidth = max(min(nameContent, leftWidth - 15 - awardsWidth), 10)
        let awardsX = x + nameWidth + 14
        let programX = awardsX + awardsWidth + 1
        let rest = x + leftWidth - programX
        let progressContent = p.standings.filter { !$0.limitReached }.map { TerminalText.cells($0.progress) }.max() ?? 0
        let programContent = p.standings.map { TerminalText.cells($0.program) }.max() ?? 0
        // The progress first ("0 of 5 days in" at 120 columns was the complaint); the program where room is left.
        let programWidth = programColumnWanted ? min(programContent, rest - progressContent - 1) : 0
        let programColumn = programWidth >= 8
        let textX = programColumn ? programX + programWidth + 1 : programX
        for (i, st) in p.standings.enumerated() where row < y + height {
            let (done, needed) = st.bar
            let picked = why != nil && i == whyReward
            c.text(TerminalText.pad(shownNames[i], to: nameWidth), x: x, y: row, style: picked ? .selected : st.limitReached ? .good : .normal)
            ProgressBar.draw(on: &c, x: x + nameWidth + 1, y: row, width: 12, done: done, needed: needed, style: st.limitReached ? .good : .warn)
            c.text(awardsText[i], x: awardsX, y: row, style: st.awards > 0 ? .good : .dim, width: min(awardsWidth, x + leftWidth - awardsX))
            if programColumn { c.text(st.program, x: programX, y: row, style: .dim, width: min(programWidth, x + leftWidth - programX)) }
            if !st.limitReached, x + leftWidth - textX >= 6 { c.text(st.progress, x: textX, y: row, style: .dim, width: x + leftWidth - textX) }
            row += 1
        }
        // Points programs: the total, a bar to the next tier and the tiers reached ("70 of 100 points to silver").
        for points in p.points where row < y + height {
            let (done, needed) = points.bar
            let complete = points.next == nil
            c.text(TerminalText.pad("Points · " + points.program, to: nameWidth), x: x, y: row, style: complete ? .good : .normal)
            ProgressBar.draw(on: &c, x: x + nameWidth + 1, y: row, width: 12, done: done, needed: needed, style: complete ? .good : .warn)
            // The bar says "100/200"; the text names the next tier and those reached.
            let reached = points.reached.isEmpty ? "" : " · reached " + points.reached.joined(separator: ", ")
            let next = points.next.map { "to \($0.id)" } ?? (points.reached.isEmpty ? "\(points.total) points" : "every tier")
            c.text(next + reached, x: x + nameWidth + 14, y: row, style: .dim, width: leftWidth - nameWidth - 14)
            row += 1
        }
        if let why, p.standings.indices.contains(whyReward) {
            drawWhy(why, summaries: whyNot, standing: p.standings[whyReward], on: &c, x: x, y: row, width: leftWidth, height: y + height - row)
        } else if row < y + height - 1 {
            c.rule("Achievements (\(p.achievements.count))", x: x, y: row, width: leftWidth)
            row += 1
            if p.achievements.isEmpty { c.text("None yet.", x: x, y: row, style: .dim); row += 1 }
            // The selected row stays in view; each row names its incentive and program, so two "$50 gift card"
            // rows are told apart even at 80 columns.
            // Where each reward is (the outbox): a word per award in its row, and the selected award's whole answer
            // per partner on the area's last lines, kept for it whatever is selected so that no row moves under
            // the pointer when the selection changes.
            let shipping = Dictionary(grouping: p.deliveries, by: \.achievementID)
            let detailRows = min(p.achievements.map { shipping[$0.achievement.id]?.count ?? 0 }.max() ?? 0, 2)
            let bottom = y + height - detailRows
            let room = max(bottom - row - (evidence == nil ? 0 : min(evidence!.count + 2, 7)), 1)
            let first = max(0, min(selected - room + 1, p.achievements.count - room))
            if p.achievements.indices.contains(selected) {
                var detail = bottom
                for d in (shipping[p.achievements[selected].achievement.id] ?? []).prefix(detailRows) {
                    c.text("   " + d.sentence, x: x, y: detail, style: DeliveryWords.style(d), width: leftWidth)
                    detail += 1
                }
            }
            for (i, a) in p.achievements.enumerated().dropFirst(first) where row < bottom {
                let r = a.achievement
                let sent = shipping[r.id] ?? []
                let line = "\(r.completedOn.iso)  \(TerminalText.pad(DeliveryWords.state(sent), to: 8)) \(r.reward) · \(r.source) · \(r.program)  (\(r.evidence.count) ev.)"
                c.text(TerminalText.pad(line, to: leftWidth), x: x, y: row, style: i == selected ? .selected : .good, width: leftWidth)
                c.hit(.row(.userAchievements, i), x: x, y: row, width: leftWidth)
                row += 1
                if i == selected, let evidence {
                    if let catalog, row < bottom {
                        c.text("   " + AwardSentence.of(r, catalog: catalog), x: x, y: row, style: .accent, width: leftWidth)
                        row += 1
                    }
                    for e in evidence.prefix(5) where row < bottom {
                        c.text("   \(e.localDay?.iso ?? "?")  \(e.event.id)  \(e.event.category ?? e.event.type.rawValue)", x: x, y: row, style: .dim, width: leftWidth)
                        row += 1
                    }
                }
            }
        }

        guard showCalendar else { return }
        // The calendar ends today, unless the user has been away longer than it shows.
        var last = today
        if let active = p.lastActiveDay, active < CalendarView.firstDay(endingOn: today) { last = active }
        c.rule(last == today ? "Last 5 weeks" : "5 weeks to last activity", x: rx, y: y + 2, width: width - leftWidth - 2)
        CalendarView.draw(on: &c, x: rx, y: y + 3, last: last, logged: p.loggedDays, evidence: p.evidenceDays)
        var r = y + 4 + CalendarView.weeks + 1
        if r < y + height - 1 {
            c.rule("Recent events", x: rx, y: r, width: width - leftWidth - 2)
            r += 1
            for e in p.recentEvents where r < y + height {
                let what = e.event.category ?? "birth"
                c.text("\(e.localDay?.iso ?? "?") \(what)", x: rx, y: r, width: width - leftWidth - 2)
                r += 1
            }
        }
    }

    /// The Why pane: where the reward stands and what would earn it next, then each event's effect on it,
    /// latest first, in the engine's own words (the same lines as `incentives why`).
    static func drawWhy(_ x: Explanation, summaries: [WhyNotSummary] = [], standing st: StandingRecord, on c: inout Canvas, x left: Int, y top: Int, width: Int, height: Int) {
        guard height >= 2 else { return }
        // The incentive too: a program may offer two rewards of one name ("$50 gift card" for two menu items).
        c.rule("Why · \(st.reward) · \(st.incentive) · \(st.program)", x: left, y: top, width: width)
        var row = top + 1
        let matches = { (slot: RewardSlot) in slot.program.id == st.program && slot.reward.reward == st.reward && slot.incentive.id == st.incentive }
        if let outlook = x.rewards.first(where: { matches($0.slot) }) {
            for part in TextWrap.limited(wrap(outlook.sentence, width: width), maxLines: min(3, top + height - row)) {
                c.text(part, x: left, y: row, style: outlook.state == .open ? .accent : .dim, width: width)
                row += 1
            }
        }
        // The why-not summary (longest run, the days that broke runs, days outside, late events): at most half of
        // what is left, so the events below keep room.
        let summary = summaries.first(where: { matches($0.slot) })
        // Late arrivals (after an event of a later day) are marked in the timeline too: they can change a run after the fact.
        let late = Set(summary?.late.map(\.id) ?? [])
        if let summary {
            let room = max((top + height - row) / 2, 1)
            var used = 0
            for sentence in summary.sentences where used < room {
                let parts = TextWrap.limited(wrap("· " + sentence, width: width), maxLines: room - used)
                for part in parts {
                    c.text(part, x: left, y: row, style: sentence.hasPrefix("broke") || sentence.hasPrefix("late") ? .warn : .dim, width: width)
                    row += 1
                    used += 1
                }
            }
        }
        // Lines about this reward, and those about every reward (no employer, not eligible, refused); a birth
        // is not a log, so wrong-type lines are left out as in `incentives why`.
        let lines = x.lines.filter { line in
            if case .wrongType = line.outcome { return false }
            return x.slot(of: line).map(matches) ?? true
        }
        if lines.isEmpty, row < top + height { c.text("No events yet.", x: left, y: row, style: .dim) }
        // The event id's column as wide as the ids (a quarter of the pane at most); a sentence wider than what is
        // left goes on under itself rather than being cut.
        let idWidth = min(max(lines.map { TerminalText.cells($0.event.id ?? "-") }.max() ?? 1, 2), max(width / 4, 12))
        for line in lines.reversed() where row < top + height {
            let day = line.event.localDay.map { DayFormat.short($0) } ?? "-"
            let id = line.event.id ?? "-"
            let head = TerminalText.pad(day, to: 10) + " " + TerminalText.pad(id, to: idWidth) + " "
                + (line.event.id.map(late.contains) == true ? "late " : "")
            let style: Style
            switch line.outcome {
            case .earned: style = .good
            case .counted: style = .normal
            case .duplicate, .conflict, .rejected: style = .bad
            default: style = .warn
            }
            c.text(head, x: left, y: row, style: .dim, width: width)
            let textWidth = max(width - TerminalText.cells(head), 0)
            let parts = wrap(line.outcome.sentence, width: textWidth)
            // The last line the pane has shows the rest cut, with its ellipsis.
            for part in TextWrap.limited(parts, maxLines: top + height - row) {
                c.text(part, x: left + TerminalText.cells(head), y: row, style: style, width: textWidth)
                row += 1
            }
        }
    }

    /// Words of `text` in lines of at most `width` cells (a word longer than that is cut by the drawing).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = [], current = ""
        for word in text.split(separator: " ") {
            let candidate = current.isEmpty ? String(word) : current + " " + word
            if TerminalText.cells(candidate) > width, !current.isEmpty {
                lines.append(current)
                current = String(word)
            } else {
                current = candidate
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}
