/// What a cell means, not how it looks: the backend's theme turns a style into colours or,
/// in monochrome and under NO_COLOR, into bold and reverse only.
public enum Style: UInt8, Sendable, CaseIterable {
    case normal
    /// Column headers, section titles.
    case header
    /// The selected row or the active tab.
    case selected
    /// Secondary text: hints, ids, empty calendar days.
    case dim
    /// Something earned or delivered.
    case good
    /// Something pending or counting.
    case warn
    /// Something failed or refused.
    case bad
    /// Keys in the footer, the title bar.
    case accent
    /// The tab bar and footer background.
    case bar
}
