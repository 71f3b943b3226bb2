/// What the apps' existing API records. The engine only knows these two; any other `type` is rejected.
public enum EventType: String, Sendable, CaseIterable, Codable {
    case healthDataLogged = "health_data_logged"
    case birthReported = "birth_reported"

    /// Whether an event of this type must carry a non-empty `category`.
    public var needsCategory: Bool { self == .healthDataLogged }
}
