/// The console's screens, in tab order; the number key switches to it.
public enum ScreenID: Int, CaseIterable, Sendable {
    case programs = 1, users, achievements, simulator, live, deliveries, reports

    public var title: String {
        switch self {
        case .programs: return "Programs"
        case .users: return "Users"
        case .achievements: return "Achievements"
        case .simulator: return "Simulator"
        case .live: return "Live"
        case .deliveries: return "Deliveries"
        case .reports: return "Reports"
        }
    }

    /// For narrow tab bars.
    public var shortTitle: String {
        switch self {
        case .programs: return "Progs"
        case .users: return "Users"
        case .achievements: return "Achv"
        case .simulator: return "Sim"
        case .live: return "Live"
        case .deliveries: return "Deliv"
        case .reports: return "Rep"
        }
    }
}
