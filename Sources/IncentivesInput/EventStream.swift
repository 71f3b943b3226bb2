import IncentivesCore

/// Reads events.jsonl and hands each non-blank line to `body` as a validated event or a rejection,
/// with its line number and byte offset. Line numbers stay exact after malformed and overlong lines.
public struct EventStream: Sendable {
    public let path: String
    public var startLine = 0
    public var startOffset: Int64 = 0
    /// Threads that parse lines in `forEachBatchPipelined` (`ParallelLineParser`); 1: the reading thread parses.
    /// Items come in file order whatever the number.
    public var parsers = 1

    public init(path: String, startLine: Int = 0, startOffset: Int64 = 0, parsers: Int = 1) {
        self.path = path
        self.parsers = max(1, parsers)
        self.startLine = startLine
        self.startOffset = startOffset
    }

    public var displayName: String { InputFile.displayName(path) }

    public struct Item {
        public let line: Int
        public let offset: Int64
        /// Offset just past this line: where a resumed read starts.
        public let nextOffset: Int64
        public let event: Result<Event, Rejection>
    }

    /// `progress` is called about every 64k lines with the bytes consumed so far.
    public func forEach(progress: ((Int64) -> Void)? = nil, _ body: (Item) throws -> Bool) throws {
        let fd = try InputFile.open(path)
        let reader = try LineReader(fd: fd, ownsDescriptor: path != "-", startLine: startLine, startOffset: startOffset)
        let decoder = EventLineDecoder()
        var sinceProgress = 0
        try reader.forEachLine { line in
            sinceProgress += 1
            if sinceProgress >= 65_536 { sinceProgress = 0; progress?(reader.offset) }
            guard let bytes = line.bytes else {
                let why = Rejection(.tooLong, field: nil, "line longer than \(LineReader.maxLineLength) bytes")
                return try body(Item(line: line.number, offset: line.offset, nextOffset: reader.offset, event: .failure(why)))
            }
            if LineSplitter.isBlank(bytes) { return true }
            // The reader's offset is already just past this line's newline (a CR before it included).
            return try body(Item(line: line.number, offset: line.offset, nextOffset: reader.offset, event: decoder.decode(bytes)))
        }
        progress?(reader.offset)
    }
}
