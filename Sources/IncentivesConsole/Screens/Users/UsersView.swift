import IncentivesText
import IncentivesCore

enum UsersView {
    static func draw(_ s: UsersState, today: LocalDate, on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        if let p = s.profile {
            drawProfile(p, today: today, selected: s.achievementSelected, evidence: s.evidence, on: &c, x: x, y: y, width: width, height: height)
            return
        }
        let cursor = s.search.editing ? "_" : ""
        c.text("/", x: x, y: y, style: .accent)
        c.text("search user id: ", x: x + 2, y: y, style: .dim)
        c.text(s.search.text + cursor, x: x + 18, y: y, style: s.search.editing ? .selected : .normal, width: width - 18)
        let count = s.results.count >= UsersState.limit ? "\(UsersState.limit)+ users" : "\(s.results.count) users"
        c.text(count, x: x + width - TerminalText.cells(count), y: y, style: .dim)
        if s.results.isEmpty {
            c.text("No user id starts with \"\(s.search.text)\".", x: x + 1, y: y + 2, style: .dim)
            return
        }
        Table(columns: [.flex("User", min: 12), .flex("Employer", min: 10), .flex("Time zone", min: 12)],
              rows: s.results.map { [$0.id, $0.employer ?? "(none)", $0.timezone] },
              selected: s.selected, focused: !s.search.editing)
            .draw(on: &c, x: x, y: y + 1, width: width, height: height - 1)
    }

    static func drawProfile(_ p: UserPage, today: LocalDate, selected: Int = 0, evidence: [EventRecord]? = nil,
                            on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        let m = p.member
        let employer = m.employer.map { "\(p.employerName ?? $0) (\($0))" } ?? "no employer: events earn nothing"
        c.text(m.id, x: x, y: y, style: .accent)
        c.text("  " + employer + " · " + m.timezone, x: x + TerminalText.cells(m.id), y: y, width: width - TerminalText.cells(m.id))
        let until = m.eligibleUntil?.iso ?? "open-ended"
        let eligible = m.isEligible(on: today) ? "eligible" : "not eligible today"
        c.text("\(eligible): \(m.eligibleFrom.iso) → \(until)", x: x, y: y + 1, style: m.isEligible(on: today) ? .dim : .warn, width: width)

        // Right column: the calendar and recent events; left: progress and achievements.
        let calWidth = CalendarView.width + 1
        let leftWidth = max(width - calWidth - 2, 30)
        let rx = x + leftWidth + 2
        var row = y + 3
        c.rule("Progress", x: x, y: y + 2, width: leftWidth)
        if p.standings.isEmpty { c.text("No rewards apply.", x: x, y: row, style: .dim); row += 1 }
        let nameWidth = min(max(leftWidth - 22, 10), 30)
        let names = p.standings.map(\.reward)
        let repeated = Set(names.filter { n in names.filter { $0 == n }.count > 1 })
        // The program tells apart rewards of several programs; with one program it only takes room.
        let programColumn = x + nameWidth + 14 + 12 + 8 < x + leftWidth && Set(p.standings.map(\.program)).count > 1
        let programWidth = min(p.standings.map { TerminalText.cells($0.program) }.max() ?? 0, 16)
        for st in p.standings where row < y + height {
            let (done, needed) = st.bar
            // A reward offered twice (two programs, or two menu items in one) is told apart by its incentive.
            let name = repeated.contains(st.reward) ? st.reward + " · " + st.incentive : st.reward
            c.text(TerminalText.pad(name, to: nameWidth), x: x, y: row, style: st.limitReached ? .good : .normal)
            ProgressBar.draw(on: &c, x: x + nameWidth + 1, y: row, width: 12, done: done, needed: needed, style: st.limitReached ? .good : .warn)
            let awards = "won \(st.awards)/\(st.limit)" + (st.limitReached ? " " + c.glyphs.check : "")
            c.text(awards, x: x + nameWidth + 14, y: row, style: st.awards > 0 ? .good : .dim, width: leftWidth - nameWidth - 14)
            // The same reward can sit in two programs: name the program when there is room, then the
            // rule's own words for the progress ("2 of 3 days in March") in what is left.
            let programX = x + nameWidth + 14 + 12
            if programColumn { c.text(st.program, x: programX, y: row, style: .dim, width: min(programWidth, x + leftWidth - programX)) }
            let textX = programColumn ? programX + programWidth + 1 : programX
            if !st.limitReached, x + leftWidth - textX >= 10 { c.text(st.progress, x: textX, y: row, style: .dim, width: x + leftWidth - textX) }
            row += 1
        }
        row += 0
        if row < y + height - 1 {
            c.rule("Achievements (\(p.achievements.count))", x: x, y: row, width: leftWidth)
            row += 1
            if p.achievements.isEmpty { c.text("None yet.", x: x, y: row, style: .dim); row += 1 }
            // The selected row stays in view; each row names its incentive and program, so two "$50 gift card"
            // rows are told apart even at 80 columns.
            let room = max(y + height - row - (evidence == nil ? 0 : min(evidence!.count + 1, 6)), 1)
            let first = max(0, min(selected - room + 1, p.achievements.count - room))
            for (i, a) in p.achievements.enumerated().dropFirst(first) where row < y + height {
                let r = a.achievement
                let line = "\(r.completedOn.iso)  \(r.reward) · \(r.incentive) · \(r.program)  (\(r.evidence.count) ev.)"
                c.text(TerminalText.pad(line, to: leftWidth), x: x, y: row, style: i == selected ? .selected : .good, width: leftWidth)
                row += 1
                if i == selected, let evidence {
                    for e in evidence.prefix(5) where row < y + height {
                        c.text("   \(e.localDay?.iso ?? "?")  \(e.event.id)  \(e.event.category ?? e.event.type.rawValue)", x: x, y: row, style: .dim, width: leftWidth)
                        row += 1
                    }
                }
            }
        }

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
}
