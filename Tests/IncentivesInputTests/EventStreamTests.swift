import Foundation
import IncentivesCore
import IncentivesInput
import Testing

@Suite("Streaming events.jsonl")
struct EventStreamTests {
    let temp = TempDir(prefix: "events")

    private func file(_ text: String) throws -> String {
        temp.write("events-\(UUID().uuidString).jsonl", text)
    }

    private func good(_ id: String) -> String {
        #"{"id": "\#(id)", "type": "birth_reported", "user": "u", "at": "2026-03-02T10:00:00Z"}"#
    }

    private func items(_ path: String, startLine: Int = 0, startOffset: Int64 = 0, pipelined: Bool = false) throws -> [(Int, String)] {
        var out: [(Int, String)] = []
        let body: (EventStream.Item) -> Bool = { item in
            switch item.event {
            case .success(let e): out.append((item.line, e.id))
            case .failure(let r): out.append((item.line, "!" + r.code.rawValue))
            }
            return true
        }
        let stream = EventStream(path: path, startLine: startLine, startOffset: startOffset)
        if pipelined { try stream.forEachPipelined(batchSize: 2, body) } else { try stream.forEach(body) }
        return out
    }

    @Test func lineNumbersStayExactAcrossBlankCRLFAndMalformedLines() throws {
        let path = try file([good("a"), "", "{broken", "   ", good("b") + "\r", "\u{7}", good("c")].joined(separator: "\n"))
        let got = try items(path)
        #expect(got.map(\.0) == [1, 3, 5, 6, 7])
        #expect(got.map(\.1) == ["a", "!invalid-json", "b", "!invalid-json", "c"])
        #expect(try items(path, pipelined: true).map(\.1) == got.map(\.1))
    }

    @Test func anOverlongLineIsRejectedAndTheNextLineStillCounts() throws {
        let huge = "{\"id\": \"" + String(repeating: "x", count: LineReader.maxLineLength + 10) + "\"}"
        let path = try file([good("a"), huge, good("b")].joined(separator: "\n") + "\n")
        #expect(try items(path).map(\.1) == ["a", "!too-long", "b"])
        #expect(try items(path).map(\.0) == [1, 2, 3])
    }

    @Test func resumingFromAnOffsetContinuesWithTheRightLineNumbers() throws {
        let lines = (1...50).map { good("e\($0)") }
        let path = try file(lines.joined(separator: "\n") + "\n")
        var cut: (line: Int, next: Int64) = (0, 0)
        try EventStream(path: path).forEach { item in
            if item.line == 20 { cut = (item.line, item.nextOffset) }
            return true
        }
        let rest = try items(path, startLine: cut.line, startOffset: cut.next)
        #expect(rest.first?.0 == 21)
        #expect(rest.first?.1 == "e21")
        #expect(rest.count == 30)
    }

    @Test func aMissingFileIsUnreadableNotEmpty() {
        #expect(throws: UnreadableInput.self) { try items("/nonexistent/events.jsonl") }
        #expect(throws: UnreadableInput.self) { try items("/tmp") }
    }

    @Test func lastLineWithoutNewlineCounts() throws {
        let path = try file(good("a") + "\n" + good("b"))
        #expect(try items(path).map(\.1) == ["a", "b"])
    }

    @Test func manyBatchesThroughThePipelineKeepOrder() throws {
        let path = try file((1...5000).map { good("e\($0)") }.joined(separator: "\n"))
        var seen: [String] = []
        try EventStream(path: path).forEachPipelined(batchSize: 64) { item in
            if case .success(let e) = item.event { seen.append(e.id) }
            return true
        }
        #expect(seen == (1...5000).map { "e\($0)" })
        // Stopping early ends the reader thread cleanly.
        var taken = 0
        try EventStream(path: path).forEachPipelined(batchSize: 64) { _ in taken += 1; return taken < 100 }
        #expect(taken == 100)
    }
}
