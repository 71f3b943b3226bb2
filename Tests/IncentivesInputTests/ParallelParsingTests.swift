import Foundation
import IncentivesCore
import IncentivesInput
import Testing

/// Parsing on several threads (`EventStream.parsers`): one thread splits lines, several parse line-aligned slices
/// of each batch, and the slices are joined in file order. Whatever the number of parsers and the batch size, the
/// items are `forEach`'s one by one: the same events and refusals, at the same line numbers and byte offsets.
@Suite("Parsing on several threads")
struct ParallelParsingTests {
    let temp = TempDir(prefix: "parallel-parse")

    /// Every awkward line among many good ones: blank and whitespace-only lines (not counted), CRLF endings, broken
    /// JSON, a line that is not an object, a duplicate key, a missing field, a bad instant, an unknown type, NUL, and
    /// two lines over the length limit; no newline after the last line.
    func jumble(lines: Int, seed: UInt64) -> String {
        var rng = SplitMix64(seed: seed)
        let huge = #"{"id": ""# + String(repeating: "x", count: LineReader.maxLineLength + 5) + #""}"#
        var out: [String] = []
        for n in 0..<lines {
            let good = #"{"id": "e\#(n)", "type": "health_data_logged", "user": "u\#(rng.next() % 50)", "at": "2026-03-0\#(1 + rng.next() % 9)T10:00:00Z", "category": "mood"}"#
            switch rng.next() % 40 {
            case 0: out.append("")
            case 1: out.append("  \t ")
            case 2: out.append(good + "\r")
            case 3: out.append("{broken \(n)")
            case 4: out.append("[1, 2]")
            case 5: out.append(#"{"id": "d\#(n)", "id": "again"}"#)
            case 6: out.append(#"{"id": "m\#(n)", "type": "birth_reported", "at": "2026-03-02T10:00:00Z"}"#)
            case 7: out.append(#"{"id": "t\#(n)", "type": "birth_reported", "user": "u1", "at": "2026-02-30T10:00:00Z"}"#)
            case 8: out.append(#"{"id": "k\#(n)", "type": "dance", "user": "u1", "at": "2026-03-02T10:00:00Z"}"#)
            case 9: out.append(#"{"id": "z\#(n)\u0000", "type": "birth_reported", "user": "u1", "at": "2026-03-02T10:00:00Z"}"#)
            default: out.append(good)
            }
            if n == lines / 3 || n == 2 * lines / 3 { out.append(huge) }
        }
        return out.joined(separator: "\n")
    }

    /// Each item as one comparable line: number, offsets and what it came to.
    static func describe(_ item: EventStream.Item) -> String {
        let what: String
        switch item.event {
        case .success(let e): what = "\(e.id) \(e.type.rawValue) \(e.user) \(e.at) \(e.category ?? "-")"
        case .failure(let r): what = "! \(r)"
        }
        return "\(item.line) \(item.offset) \(item.nextOffset) \(what)"
    }

    func oneParser(_ stream: EventStream) throws -> [String] {
        var out: [String] = []
        try stream.forEach { out.append(Self.describe($0)); return true }
        return out
    }

    func parsed(_ stream: EventStream, batch: Int) throws -> [String] {
        var out: [String] = []
        try stream.forEachBatchPipelined(batchSize: batch, prepare: { $0 }) { items in
            out += items.map(Self.describe)
            return true
        }
        return out
    }

    @Test(arguments: [2, 3, 8])
    func severalParsersGiveOneParsersItemsInFileOrder(parsers: Int) throws {
        let path = temp.write("jumble-\(parsers).jsonl", jumble(lines: 9_000, seed: UInt64(parsers)))
        let expected = try oneParser(EventStream(path: path))
        #expect(expected.count > 8_000)
        #expect(expected.contains { $0.contains("! ") && $0.contains("longer than") })
        for batch in [7, 1_500, 4_096, 16_384] {
            let got = try parsed(EventStream(path: path, parsers: parsers), batch: batch)
            #expect(got.count == expected.count, "batch \(batch)")
            // Compared without printing 9,000 lines when they differ: the first difference says enough.
            let first = got.indices.first { $0 >= expected.count || got[$0] != expected[$0] }
            #expect(first == nil, "batch \(batch): item \(first ?? -1) is \(first.map { got[$0] } ?? ""), one parser gave \(first.map { $0 < expected.count ? expected[$0] : "none" } ?? "")")
        }
    }

    @Test func resumingWithSeveralParsersKeepsTheLineNumbers() throws {
        let path = temp.write("resume.jsonl", jumble(lines: 5_000, seed: 11))
        let all = try oneParser(EventStream(path: path))
        // Resume after the 2,000th item, as an ingest does from its checkpoint.
        var cut: (line: Int, next: Int64) = (0, 0)
        var seen = 0
        try EventStream(path: path).forEach { item in
            seen += 1
            if seen == 2_000 { cut = (item.line, item.nextOffset); return false }
            return true
        }
        let rest = try parsed(EventStream(path: path, startLine: cut.line, startOffset: cut.next, parsers: 3), batch: 1_024)
        #expect(rest == Array(all[2_000...]))
    }

    @Test func stoppingEarlyEndsTheParsersCleanly() throws {
        let path = temp.write("stop.jsonl", jumble(lines: 20_000, seed: 5))
        var batches = 0
        try EventStream(path: path, parsers: 4).forEachBatchPipelined(batchSize: 1_024, prepare: { $0 }) { _ in
            batches += 1
            return batches < 3
        }
        #expect(batches == 3)
    }
}
