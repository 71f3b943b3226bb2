#if canImport(Glibc)
import Glibc
#endif

/// What the apps' existing API records. The engine only knows these two; any other `type` is rejected.
public enum EventType: String, Sendable, CaseIterable, Codable {
    case healthDataLogged = "health_data_logged"
    case birthReported = "birth_reported"

    /// The type a JSON string's UTF-8 bytes name, without making a `String` of them (read once per event line).
    public init?(utf8 bytes: UnsafeRawBufferPointer) {
        for type in EventType.allCases {
            let matches = type.rawValue.utf8.withContiguousStorageIfAvailable { name in
                name.count == bytes.count && memcmp(name.baseAddress!, bytes.baseAddress!, bytes.count) == 0
            }
            if matches == true { self = type; return }
        }
        return nil
    }

    /// A small number for each type, for packed storage (`MemberProgress.DayFirst`); `init(index:)` reverses it.
    var index: Int {
        switch self {
        case .healthDataLogged: return 0
        case .birthReported: return 1
        }
    }

    init(index: Int) {
        self = index == 0 ? .healthDataLogged : .birthReported
    }

    /// Whether an event of this type must carry a non-empty `category`.
    public var needsCategory: Bool { self == .healthDataLogged }
}
