/// A refused line, kept with its reason.
public struct RejectRecord: Sendable, Equatable {
    public let seq: Int64
    public let file: String
    public let line: Int
    /// `Rejection.Code` raw value: `invalid-json`, `unknown-user`, `conflict`...
    public let code: String
    public let field: String?
    /// As printed: `FIELD: MESSAGE`.
    public let reason: String
    /// The event id when the line had one.
    public let eventID: String?
    /// When it was refused (wall clock of the ingest, whole seconds and a fraction).
    public let at: Double

    public init(seq: Int64, file: String, line: Int, code: String, field: String?, reason: String, eventID: String?, at: Double) {
        self.seq = seq
        self.file = file
        self.line = line
        self.code = code
        self.field = field
        self.reason = reason
        self.eventID = eventID
        self.at = at
    }

    /// `FILE:LINE: REASON`, as `replay` and `ingest` print it.
    public var message: String { "\(file):\(line): \(reason)" }
}
