/// Day and month names for people: "Tue 4 Mar", "March". English only, like the rest of the output.
public enum DayFormat {
    static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]

    /// "Tue 4 Mar".
    public static func short(_ d: LocalDate) -> String {
        let (_, m, day) = d.components
        return "\(weekdays[d.weekday]) \(day) \(months[m - 1])"
    }

    /// "today, Tue 4 Mar", "tomorrow, Wed 5 Mar", or "Thu 6 Mar". `aside`: mid-sentence, the date after
    /// "today"/"tomorrow" is set off by commas on both sides ("log tomorrow, Wed 5 Mar, to finish").
    public static func relative(_ d: LocalDate, today: LocalDate, aside: Bool = true) -> String {
        switch d.days(since: today) {
        case 0: return "today, \(short(d))" + (aside ? "," : "")
        case 1: return "tomorrow, \(short(d))" + (aside ? "," : "")
        default: return short(d)
        }
    }

    /// The year as ISO 8601 writes it, four digits at least: "2026", "0100" (never "100", which reads as no
    /// year a parser of `YYYY-MM-DD` takes).
    public static func year(_ d: LocalDate) -> String {
        let y = d.components.year
        let digits = String(abs(y))
        return (y < 0 ? "-" : "") + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// "March".
    public static func month(of d: LocalDate) -> String { monthNames[d.components.month - 1] }
}
