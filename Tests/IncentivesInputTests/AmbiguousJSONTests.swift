import Foundation
import IncentivesCore
import IncentivesInput
import Testing

/// JSON that parsers read differently is refused with the place it happens, not read one way here and
/// another elsewhere: an object holding a key twice (simdjson's look-up took the first, most parsers take
/// the last), and a fraction where a whole number belongs (Foundation called it "not valid JSON").
@Suite("Ambiguous JSON: duplicate keys and fractions are refused with their path")
struct AmbiguousJSONTests {
    private let decoder = EventLineDecoder()

    private func decode(_ line: String) -> Result<Event, Rejection> {
        var copy = line
        return copy.withUTF8 { decoder.decode(UnsafeRawBufferPointer($0)) }
    }

    @Test(arguments: ["id", "type", "user", "at", "category", "device"])
    func anEventLineWithAKeyTwiceIsRejectedNamingIt(key: String) {
        var fields = [("id", #""e-1""#), ("type", #""health_data_logged""#), ("user", #""u-1""#), ("at", #""2026-03-02T10:00:00Z""#),
                      ("category", #""mood""#), ("device", #""ios""#)]
        fields.append((key, key == "at" ? #""2027-01-01T00:00:00Z""# : #""other""#))
        let line = "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
        guard case .failure(let why) = decode(line) else { Issue.record("accepted: \(line)"); return }
        #expect(why.code == .duplicateKey)
        #expect(why.description == "\(key): appears twice in the line; which one was meant is unclear")
    }

    @Test func manyKeysAreCheckedToo() {
        let keys = (0..<40).map { "\"k\($0)\": 1" } + ["\"k7\": 2"]
        let line = #"{"id": "e", "type": "birth_reported", "user": "u", "at": "2026-03-02T10:00:00Z", "# + keys.joined(separator: ", ") + "}"
        guard case .failure(let why) = decode(line) else { Issue.record("accepted"); return }
        #expect(why.field == "k7")
        // The same key in different objects is no duplicate.
        #expect((try? decode(#"{"id": "e", "type": "birth_reported", "user": "u", "at": "2026-03-02T10:00:00Z", "a": {"id": 1}}"#).get()) != nil)
    }

    @Test func aCatalogWithAKeyTwiceIsRefusedWithItsPath() {
        let text = CatalogDecoderTests.valid.replacingOccurrences(of: #""starts": "2026-01-01", "ends": "2026-12-31","#,
                                                                   with: #""starts": "2026-01-01", "ends": "2026-12-31", "ends": "2027-12-31","#)
        #expect(throws: ConfigurationError.self) { try CatalogDecoder.decode(Data(text.utf8), file: "catalog.json") }
        do { _ = try CatalogDecoder.decode(Data(text.utf8), file: "catalog.json") } catch {
            #expect(error.description == "catalog.json: employers[0].programs[0].ends: appears twice in one object; which one was meant is unclear")
        }
    }

    @Test func aRosterLineWithAKeyTwiceIsRefusedWithItsLine() throws {
        let catalog = try CatalogDecoder.decode(Data(CatalogDecoderTests.valid.utf8), file: "catalog.json")
        let lines = [#"{"id": "ana", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01"}"#,
                     #"{"id": "bo", "employer": "acme", "timezone": "UTC", "eligibleFrom": "2026-01-01", "eligibleFrom": "2020-01-01"}"#]
        do {
            _ = try RosterDecoder.decode(Data(lines.joined(separator: "\n").utf8), file: "roster.jsonl", catalog: catalog)
            Issue.record("accepted")
        } catch {
            #expect(error.description == "roster.jsonl:2: eligibleFrom: appears twice in one object; which one was meant is unclear")
        }
    }

    /// Found by FuzzRoster: an empty key given twice was refused with no path at all.
    @Test func anEmptyKeyTwiceIsNamed() throws {
        let catalog = try CatalogDecoder.decode(Data(CatalogDecoderTests.valid.utf8), file: "catalog.json")
        let line = #"{"id": "u-00001", "employer": "acme", "": "2026-cme", "": "2026-01-01"}"#
        do {
            _ = try RosterDecoder.decode(Data(line.utf8), file: "roster.jsonl", catalog: catalog)
            Issue.record("accepted")
        } catch {
            #expect(error.description == #"roster.jsonl:1: "": appears twice in one object; which one was meant is unclear"#)
        }
    }

    @Test(arguments: [(#""days": 5}"#, #""days": 1.5}"#, "incentives[0].days"),
                      (#""reward": "$50", "limit": 1}"#, #""reward": "$50", "limit": 2.5}"#, "employers[0].programs[0].rewards[1].limit"),
                      (#""days": 4, "window": 7"#, #""days": 4, "window": 7.25"#, "incentives[1].window")])
    func aFractionWhereAWholeNumberBelongsSaysSo(from: String, to: String, path: String) {
        let text = CatalogDecoderTests.valid.replacingOccurrences(of: from, with: to)
        #expect(text != CatalogDecoderTests.valid)
        do {
            _ = try CatalogDecoder.decode(Data(text.utf8), file: "catalog.json")
            Issue.record("accepted")
        } catch {
            #expect(error.description == "catalog.json: \(path): must be a whole number")
        }
    }
}
