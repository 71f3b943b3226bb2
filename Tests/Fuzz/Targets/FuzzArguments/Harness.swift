// (e) The command line, through the CLI's own parser (Arguments.swift here is a symlink to
// Sources/incentives/CLI/Arguments.swift: the executable target cannot be imported, and the parser is pure).
//
// Input: arguments separated by NUL bytes; the first byte picks which options take values and which are flags.
// Properties:
// - a usage error is one of the parser's messages and names the offending word in full, as the argument was given
//   (not merely a message that happens to contain some short argument): `unknown option ARG`, `unknown option
//   --NAME[; did you mean --X?]` for an unknown NAME given as --NAME or --NAME=…, `--NAME needs a value` for a valued
//   NAME given last, `--NAME given twice` for a valued NAME given at least twice, `--NAME takes no value` for a flag
//   given as --NAME=…;
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
        require(namesTheWord(m, args: args, valued: valued, booleans: booleans), "usage error \"\(m)\" does not name what is wrong in \(args)")
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

/// Whether `m` is one of the parser's messages and names a word of `args` that is wrong in the way it says.
func namesTheWord(_ m: String, args: [String], valued: Set<String>, booleans: Set<String>) -> Bool {
    /// The option names given as `--NAME` or `--NAME=…`, before any `--`.
    var given: [String] = []
    for a in args {
        guard a.utf8.starts(with: "--".utf8) else { continue }
        given.append(String(decoding: a.utf8.dropFirst(2).prefix { $0 != UInt8(ascii: "=") }, as: UTF8.self))
    }
    let known = valued.union(booleans).union(["help"])
    // Compared as UTF-8 bytes: a name that begins with a combining mark joins the "-" before it in one Character.
    let mb = Array(m.utf8)
    let unknown = Array("unknown option ".utf8)
    if mb.starts(with: unknown) {
        let rest = Array(mb[unknown.count...])
        // A dash word, whole, as given (a single dash; or two whose second joins a combining mark after it, which the
        // parser's Character-wise `hasPrefix("--")` does not see as an option).
        if args.contains(where: { Array($0.utf8) == rest && $0.utf8.first == UInt8(ascii: "-") }) { return true }
        // An unknown --NAME, whole, then nothing or a suggestion of a known option.
        return given.contains { name in
            let option = Array(("--" + name).utf8)
            guard !known.contains(name), rest.starts(with: option) else { return false }
            let tail = String(decoding: rest[option.count...], as: UTF8.self)
            let mean = "; did you mean --"
            return tail.isEmpty || (tail.hasPrefix(mean) && tail.hasSuffix("?") && known.contains(String(tail.dropFirst(mean.count).dropLast())))
        }
    }
    func named(_ suffix: String, _ ok: (String) -> Bool) -> Bool {
        let sb = Array(suffix.utf8)
        guard mb.starts(with: "--".utf8), mb.count >= 2 + sb.count, Array(mb.suffix(sb.count)) == sb else { return false }
        let name = String(decoding: mb[2..<(mb.count - sb.count)], as: UTF8.self)
        return given.contains(name) && ok(name)
    }
    return named(" needs a value") { valued.contains($0) && args.last == "--" + $0 }
        || named(" given twice") { name in valued.contains(name) && given.filter { $0 == name }.count >= 2 }
        || named(" takes no value") { name in booleans.contains(name) && args.contains { $0.utf8.starts(with: ("--" + name + "=").utf8) } }
}
