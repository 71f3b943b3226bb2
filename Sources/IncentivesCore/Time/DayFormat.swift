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

    /// "March".
    public static func month(of d: LocalDate) -> String { monthNames[d.components.month - 1] }
}
