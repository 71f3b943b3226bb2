import IncentivesCore
import IncentivesText

enum DeliveriesView {
    static func draw(_ s: DeliveriesState, on c: inout Canvas, x: Int, y: Int, width: Int, height: Int) {
        if s.partners.isEmpty {
            c.text("The catalog names no reward partners.", x: x + 1, y: y + 1, style: .dim)
            return
        }
        let listHeight = min(s.partners.count + 1, max(height / 2 - 3, 3))
        Table(columns: [.flex("Partner", min: 12), .fixed("Takes", 9), .fixed("Pending", 7, right: true), .fixed("Sent", 7, right: true),
                        .fixed("Failed", 6, right: true), .flex("Last error", min: 16)],
              rows: s.partners.map { p in
                  [p.partnerName, takes(s.channels[p.partnerID]), String(p.pending), String(p.delivered), String(p.failed), p.lastError ?? ""]
              },
              styles: s.partners.map { $0.failed > 0 ? .bad : .normal },
              selected: s.selected, focused: !s.onFailures, hitList: .partners)
            .draw(on: &c, x: x, y: y, width: width, height: listHeight)
        // How the selected partner takes deliveries, and the command that moves its pending rows.
        var ny = y + listHeight
        if let note = s.channelNote {
            for line in TextWrap.lines(note.text, width: width, maxLines: 2) {
                c.text(line, x: x, y: ny, style: .dim, width: width)
                ny += 1
            }
            // The command whole, to copy: on lines of its own, broken at spaces with a shell's ` \` where it is
            // wider than the terminal (a long database path cut it at `--p`).
            let lines = commandLines(note.command, width: width)
            var used = 0
            for line in lines {
                used = c.text(line, x: x, y: ny, style: .accent, width: width)
                ny += 1
            }
            if s.databasePath == nil {
                let memo = "   (on a database; this is in memory)"
                if used + TerminalText.cells(memo) <= width {
                    c.text(memo, x: x + used, y: ny - 1, style: .dim, width: width - used)
                } else {
                    c.text(memo, x: x, y: ny, style: .dim, width: width)
                    ny += 1
                }
            }
        }
        let p = s.partners[min(s.selected, s.partners.count - 1)]
        let fy = ny + 1
        // The store lists the newest failures only: say so when there are more.
        let shown = p.failed > p.failures.count ? " (the newest \(p.failures.count) of \(p.failed))" : ""
        c.rule("Failed deliveries · \(p.partnerName)\(shown)", x: x, y: fy - 1, width: width)
        if s.failures.isEmpty {
            c.text("None: nothing to retry.", x: x + 1, y: fy, style: .dim)
            return
        }
        let room = height - (fy - y)
        var tableHeight = room
        var errorLines: [String] = []
        if let f = s.shownFailure {
            errorLines = TextWrap.lines(f.lastError ?? "(no error text was recorded)", width: width)
            // The pane takes what it needs, leaving the table its selected row and a neighbour.
            tableHeight = max(room - errorLines.count - 3, 3)
        }
        Table(columns: [.flex("Delivery", min: 14), .flex("User", min: 8), .flex("Reward", min: 10), .fixed("Tries", 5, right: true), .flex("Error", min: 14)],
              rows: s.failures.map { [$0.id, $0.user, $0.reward, String($0.attempts), $0.lastError ?? ""] },
              selected: s.failureSelected, focused: s.onFailures, hitList: .failures)
            .draw(on: &c, x: x, y: fy, width: width, height: tableHeight)
        guard let f = s.shownFailure else { return }
        let py = fy + tableHeight
        c.rule("Error · \(f.id)", x: x, y: py, width: width)
        c.text("\(f.user) · \(f.reward) · \(f.attempts) attempt\(f.attempts == 1 ? "" : "s") · Esc closes, r retries",
               x: x, y: py + 1, style: .dim, width: width)
        for (i, line) in TextWrap.limited(errorLines, maxLines: y + height - (py + 2)).enumerated() {
            c.text(line, x: x, y: py + 2 + i, style: .bad, width: width)
        }
    }

    /// `$ command` in lines of at most `width` cells: broken between words, each line but the last ending in ` \`
    /// so that the lines pasted into a shell are one command. A word wider than a line is left to be cut.
    static func commandLines(_ command: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = "  $"
        for word in TerminalText.safe(command).split(separator: " ") {
            let candidate = current + " " + word
            // Room for the ` \` that would follow if another line came after.
            if TerminalText.cells(candidate) + 2 > width, current != "  $", current != "    " {
                lines.append(current + " \\")
                current = "    " + word
            } else {
                current = candidate
            }
        }
        lines.append(current)
        // The last line needs no room for a continuation: join it back when the whole command fits.
        let whole = "  $ " + TerminalText.safe(command)
        return TerminalText.cells(whole) <= width ? [whole] : lines
    }

    static func takes(_ channel: Partner.Channel?) -> String {
        switch channel {
        case .webhook?: return "webhook"
        case .fileDrop?: return "file drop"
        case nil: return "?"
        }
    }
}
