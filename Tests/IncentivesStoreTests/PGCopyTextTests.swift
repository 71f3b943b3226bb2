@testable import IncentivesStore
@testable import IncentivesPostgres
import Testing

/// COPY's text format as the PostgreSQL store writes it (`PGText`): what the server reads back must be the value,
/// whatever bytes the value holds.
@Suite("COPY text fields")
struct PGCopyTextTests {
    func field(_ value: String?) -> String {
        var out: [UInt8] = []
        PGText.copyField(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func int(_ value: Int64) -> String {
        var out: [UInt8] = Array("x".utf8)
        PGText.copyInt(value, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("plain text is copied whole; backslash, tab, newline and carriage return are escaped wherever they stand")
    func escapes() {
        #expect(field("u-00042") == "u-00042")
        #expect(field("") == "")
        #expect(field(nil) == "\\N", "NULL")
        #expect(field("\\N") == "\\\\N", "the text \\N is not NULL")
        #expect(field("a\tb\nc\rd\\e") == "a\\tb\\nc\\rd\\\\e")
        #expect(field("\t") == "\\t")
        #expect(field("é😀\u{1b}[2J") == "é😀\u{1b}[2J", "other bytes, escape sequences included, are data to COPY")
        // A String not stored as contiguous UTF-8 (bridged or built from pieces) takes the same path.
        let built = String(repeating: "ab\t", count: 3)
        #expect(field(built) == "ab\\tab\\tab\\t")
    }

    @Test("integers in decimal, appended after what is there: zero, negatives and both ends of Int64")
    func integers() {
        #expect(int(0) == "x0")
        #expect(int(7) == "x7")
        #expect(int(1_234_567_890) == "x1234567890")
        #expect(int(-45) == "x-45")
        #expect(int(Int64.max) == "x\(Int64.max)")
        #expect(int(Int64.min) == "x\(Int64.min)")
    }
}
