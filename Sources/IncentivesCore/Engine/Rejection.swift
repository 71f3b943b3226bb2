/// Why one event line was refused: the field at fault (nil when the line as a whole is) and the reason.
/// Printed as `FIELD: REASON`, after the file and line that the reader knows.
public struct Rejection: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case invalidJSON = "invalid-json"
        case missingField = "missing-field"
        case wrongType = "wrong-type"
        case unknownType = "unknown-type"
        case badTimestamp = "bad-timestamp"
        case unknownUser = "unknown-user"
        case conflict = "conflict"
        case tooLong = "too-long"
        case duplicateKey = "duplicate-key"
        /// A text field holding U+0000: refused in every input, the same way everywhere (DESIGN.md §11).
        case nulCharacter = "nul-character"
        /// A line the database refused to store (PostgreSQL: a size limit of an index), found by the ingest.
        case refusedByStore = "refused-by-store"
    }

    public let code: Code
    public let field: String?
    public let message: String

    public init(_ code: Code, field: String?, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }

    /// An event whose user is not on the roster (CONTRACT §4). One wording for replay, the engine and the store.
    public static func unknownUser(_ user: String) -> Rejection {
        Rejection(.unknownUser, field: "user", "unknown user \(JSONText.quote(user))")
    }

    /// An id already accepted with other content: the first one stands (CONTRACT §4).
    public static func conflict(id: String) -> Rejection {
        Rejection(.conflict, field: "id", "\(JSONText.quote(id)) was already accepted with other content; the first one stands")
    }
}
