import CJSONLines

/// Reads JSON arrays of strings with simdjson, reusing one parser: the store keeps an achievement's evidence
/// ids and days as such arrays, and a page or an export reads one per achievement. One thread at a time.
public final class StringArrayReader {
    private let parser: OpaquePointer
    private var items = [jl_field](repeating: jl_field(), count: 16)

    public init() {
        guard let p = jl_parser_new() else { fatalError("simdjson parser allocation failed") }
        parser = p
    }

    deinit { jl_parser_free(parser) }

    /// The strings, or nil when `json` is not an array of strings.
    public func read(_ json: String) -> [String]? {
        var text = json
        return text.withUTF8 { bytes -> [String]? in
            while true {
                let n = bytes.withMemoryRebound(to: CChar.self) { chars in
                    jl_string_array(parser, chars.baseAddress, chars.count, &items, items.count)
                }
                if n == -2 { items = [jl_field](repeating: jl_field(), count: items.count * 4); continue }
                guard n >= 0 else { return nil }
                return items.prefix(Int(n)).map { f in
                    String(decoding: UnsafeRawBufferPointer(start: f.ptr, count: f.len), as: UTF8.self)
                }
            }
        }
    }
}
