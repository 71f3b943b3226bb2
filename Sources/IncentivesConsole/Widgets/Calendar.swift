import IncentivesCore

/// The last five weeks as a grid of days, Monday first: a logged day is marked, a day used as
/// evidence for an achievement is marked differently, today is highlighted.
public enum CalendarView {
    public static let weeks = 5
    /// Columns the calendar takes: a week label and seven 3-column days.
    public static let width = 6 + 7 * 3

    /// The first day shown: the Monday four weeks before the week of `last`.
    public static func firstDay(endingOn last: LocalDate) -> LocalDate {
        let mondayOffset = (last.weekday + 6) % 7
        return last.adding(days: -mondayOffset - 7 * (weeks - 1))
    }

    public static func draw(on canvas: inout Canvas, x: Int, y: Int, last: LocalDate, logged: Set<LocalDate>, evidence: Set<LocalDate>) {
        let names = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
        canvas.text("      " + names.map { $0 + " " }.joined(), x: x, y: y, style: .dim)
        let first = firstDay(endingOn: last)
        for w in 0..<weeks {
            let monday = first.adding(days: 7 * w)
            let (_, m, d) = monday.components
            canvas.text(Digits2.pad(m) + "-" + Digits2.pad(d), x: x, y: y + 1 + w, style: .dim)
            for i in 0..<7 {
                let day = monday.adding(days: i)
                let cx = x + 6 + 3 * i
                let style: Style
                let mark: String
                if day > last { mark = "  "; style = .dim }
                else if evidence.contains(day) { mark = canvas.glyphs.check + canvas.glyphs.check; style = .good }
                else if logged.contains(day) { mark = canvas.glyphs.bullet + " "; style = .warn }
                else { mark = Digits2.pad(day.components.day); style = .dim }
                canvas.text(mark, x: cx, y: y + 1 + w, style: day == last ? .selected : style)
            }
        }
        let legend = "\(canvas.glyphs.bullet) logged  \(canvas.glyphs.check)\(canvas.glyphs.check) evidence"
        canvas.text(legend, x: x, y: y + 1 + weeks, style: .dim)
    }
}

enum Digits2 {
    static func pad(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
