/// A small hand-written parser for `--name value`, `--name=value`, boolean `--flag` and positionals.
/// Anything it does not know is a usage error (exit 64) naming the offending word.
struct Arguments {
    private var options: [String: String] = [:]
    private var flags: Set<String> = []
    private(set) var positionals: [String] = []
    private var consumed: Set<String> = []

    struct UsageError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// `valued`: option names that take a value; `booleans`: flags that do not.
    init(_ args: [String], valued: Set<String>, booleans: Set<String> = []) throws {
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let a = args[i]
            i += 1
            if onlyPositionals || !a.hasPrefix("--") || a == "-" {
                if a.hasPrefix("-"), a != "-", !onlyPositionals, a != "-h" {
                    throw UsageError(message: "unknown option \(a)")
                }
                if a == "-h" { flags.insert("help"); continue }
                positionals.append(a)
                continue
            }
            if a == "--" { onlyPositionals = true; continue }
            var name = String(a.dropFirst(2))
            var value: String?
            // The first "=" byte, not Character: a value that begins with a combining mark (`--seed=\u{301}…`) makes
            // "=" and the mark one Character, and a Character search missed it ("unknown option --seed=́…").
            let bytes = Array(name.utf8)
            if let eq = bytes.firstIndex(of: UInt8(ascii: "=")) {
                value = String(decoding: bytes[(eq + 1)...], as: UTF8.self)
                name = String(decoding: bytes[..<eq], as: UTF8.self)
            }
            if name == "help" { flags.insert("help"); continue }
            if valued.contains(name) {
                if value == nil {
                    guard i < args.count else { throw UsageError(message: "--\(name) needs a value") }
                    value = args[i]
                    i += 1
                }
                guard options[name] == nil else { throw UsageError(message: "--\(name) given twice") }
                options[name] = value
            } else if booleans.contains(name) {
                guard value == nil else { throw UsageError(message: "--\(name) takes no value") }
                flags.insert(name)
            } else {
                throw UsageError(message: "unknown option --\(name)" + Suggestion.clause(for: name, in: valued.union(booleans).union(["help"]), prefix: "--"))
            }
        }
    }

    var wantsHelp: Bool { flags.contains("help") }

    func value(_ name: String) -> String? { options[name] }

    func flag(_ name: String) -> Bool { flags.contains(name) }

    func required(_ name: String) throws -> String {
        guard let v = options[name] else { throw UsageError(message: "missing --\(name)") }
        return v
    }

    func int(_ name: String, default def: Int, range: ClosedRange<Int> = 1...Int.max) throws -> Int {
        guard let text = options[name] else { return def }
        guard let v = Int(text), range.contains(v) else {
            throw UsageError(message: "--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(text)")
        }
        return v
    }

    func noPositionals() throws {
        if let p = positionals.first { throw UsageError(message: "unexpected argument \(p)") }
    }
}
