import CJSONLines
import Foundation

/// Looks through a whole JSON document (a catalog, a roster line) with simdjson for what Foundation's decoder
/// would read silently or report without a path.
enum JSONScan {
    /// The JSON path of the first key an object holds twice (`employers[0].programs[1].ends`), or nil. JSON
    /// parsers disagree on which of the two wins (simdjson's look-up takes the first, Foundation and most
    /// others the last), so a document that says two things is refused rather than read one way here and
    /// another way elsewhere.
    static func duplicateKey(in data: Data) -> String? { find(data, jl_find_duplicate_key) }

    /// The JSON path of the first number with a fraction (`1.5`), or nil: Foundation refuses it for an
    /// integer field as "not valid JSON", without saying where.
    static func fraction(in data: Data) -> String? { find(data, jl_find_fraction) }

    /// The JSON path of the first string value holding U+0000, or nil: PostgreSQL cannot store it in text, so every
    /// input refuses it, the same way everywhere (an event line is rejected; a catalog or roster is refused).
    static func nulString(in data: Data) -> String? { find(data, jl_find_nul_string) }
    static let nulReason = "contains a NUL character (U+0000)"

    /// Whether simdjson, a strict RFC 8259 reader, reads the document. The checks above see nothing in a document it
    /// refuses, which was fine while Foundation refused the same documents; but Foundation accepts some that are not
    /// JSON (a trailing comma: `{"id": "x", }`), and such a catalog then passed the NUL and duplicate-key checks
    /// unchecked (FuzzCatalog). So what simdjson refuses is refused, after Foundation has had its say with a path.
    static func isStrictJSON(_ data: Data) -> Bool {
        guard let parser = jl_parser_new() else { return false }
        defer { jl_parser_free(parser) }
        var path = [CChar](repeating: 0, count: 8)
        let status = data.withUnsafeBytes { raw in
            jl_find_nul_string(parser, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, &path, path.count)
        }
        return status != Int32(JL_NOT_JSON.rawValue)
    }
    static let notStrictReason = "not valid JSON (RFC 8259): a trailing comma, a comment or another extension that strict readers refuse"

    private static func find(_ data: Data, _ look: (OpaquePointer?, UnsafePointer<CChar>?, Int, UnsafeMutablePointer<CChar>?, Int) -> Int32) -> String? {
        guard let parser = jl_parser_new() else { return nil }
        defer { jl_parser_free(parser) }
        var path = [CChar](repeating: 0, count: 512)
        let status = data.withUnsafeBytes { raw in
            look(parser, raw.baseAddress?.assumingMemoryBound(to: CChar.self), raw.count, &path, path.count)
        }
        guard status == Int32(JL_FOUND.rawValue) else { return nil }
        return String(decoding: path.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
