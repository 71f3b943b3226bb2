// (e) The command line, through the CLI's own parser (Arguments.swift here is a symlink to
// Sources/incentives/CLI/Arguments.swift: the executable target cannot be imported, and the parser is pure).
//
// Input: arguments separated by NUL bytes; the first byte picks which options take values and which are flags.
// Properties:
// - a usage error has a message that names the offending word (an argument or an option name);
// - an accepted command line is reproduced exactly by its canonical spelling: options as --name=value, flags
//   as --name, then `--` and the positionals, parse to the same values, flags and positionals;
// - `int(_:default:range:)` never traps, and what it returns is in range.
import FuzzSupport

let valuedSets: [Set<String>] = [["catalog", "roster", "events", "db", "user", "limit", "seed"], ["out", "at"], []]
let booleanSets: [Set<String>] = [["json", "follow", "dry-run"], ["help"], []]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArguments(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    withInput(data, size) { bytes in
        var s = ByteStream(bytes)
        let valued = valuedSets[s.below(valuedSets.count)]
        let booleans = booleanSets[s.below(booleanSets.count)]
        let args = s.rest().split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        check(args, valued: valued, booleans: booleans)
    }
    return 0
}

func check(_ args: [String], valued: Set<String>, booleans: Set<String>) {
    let parsed: Arguments
    do {
        parsed = try Arguments(args, valued: valued, booleans: booleans)
    } catch let error as Arguments.UsageError {
        let m = error.message
        require(!m.isEmpty, "a usage error without a message")
        let named = args.contains { !$0.isEmpty && m.contains($0) }
            || args.contains { a in
                a.hasPrefix("--") && m.contains("--" + String(decoding: a.utf8.dropFirst(2).prefix { $0 != UInt8(ascii: "=") }, as: UTF8.self))
            }
        require(named, "usage error \"\(m)\" names none of \(args)")
        return
    } catch {
        propertyFailed("an error that is not a usage error: \(error)")
    }
    var canonical: [String] = []
    for name in valued.sorted() { if let v = parsed.value(name) { canonical.append("--\(name)=\(v)") } }
    for name in booleans.sorted() where parsed.flag(name) { canonical.append("--\(name)") }
    if parsed.wantsHelp { canonical.append("--help") }
    canonical.append("--")
    canonical += parsed.positionals
    let again: Arguments
    do { again = try Arguments(canonical, valued: valued, booleans: booleans) } catch {
        propertyFailed("the canonical spelling \(canonical) of \(args) is refused: \(error)")
    }
    for name in valued { require(again.value(name) == parsed.value(name), "--\(name): \(String(describing: parsed.value(name))) became \(String(describing: again.value(name)))") }
    for name in booleans.union(["help"]) { require(again.flag(name) == parsed.flag(name), "flag \(name) changed in \(canonical)") }
    require(again.positionals == parsed.positionals, "positionals \(parsed.positionals) became \(again.positionals)")
    for name in valued {
        if let v = try? parsed.int(name, default: 7, range: -5...1000) {
            require((-5...1000).contains(v), "int --\(name) out of range: \(v)")
        }
    }
}
