import Foundation

/// The contract's cases (`../shared/scenarios`, its `next/` and `proposed/`), copied into
/// `Tests/Fixtures/Scenarios` so that `swift test` checks them on any clone, with the contract's own expected
/// results: `expected.jsonl` (the achievements) and `expected.txt` (exit status, summary line, rejected lines).
/// `.ci/run` fails when the copy and `../shared/scenarios` differ.
public struct ContractCase: Sendable, CustomStringConvertible {
    /// `01-five-day-streak`, `next/13-days-in-period-month`, `proposed/16-points-and-tiers`.
    public let name: String
    public let folder: String
    public var catalog: String { folder + "/catalog.json" }
    public var roster: String { folder + "/roster.jsonl" }
    public var events: String { folder + "/events.jsonl" }
    /// `proposed/`: the contract proposes it; the engine may not do it yet.
    public var isProposed: Bool { name.hasPrefix("proposed/") }
    public var description: String { name }

    /// What the contract expects `replay` to do.
    public struct Expected: Sendable, Equatable {
        public let exitStatus: Int32
        public let summary: String
        /// Line numbers of the rejected event lines, ascending.
        public let rejectedLines: [Int]
        /// `expected.jsonl`, one achievement a line.
        public let achievements: [String]
    }

    /// Reads `expected.txt` (`exit N`, the summary, `rejected-lines 2 3`) and `expected.jsonl`.
    public func expected() throws -> Expected {
        let txt = try String(contentsOfFile: folder + "/expected.txt", encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        guard txt.count >= 3, txt[0].hasPrefix("exit "), let status = Int32(txt[0].dropFirst(5)), txt[2].hasPrefix("rejected-lines") else {
            throw Malformed(file: folder + "/expected.txt")
        }
        let rejected = try txt[2].split(separator: " ").dropFirst().map { word -> Int in
            guard let n = Int(word) else { throw Malformed(file: folder + "/expected.txt") }
            return n
        }
        let lines = try String(contentsOfFile: folder + "/expected.jsonl", encoding: .utf8)
            .split(separator: "\n").map(String.init).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        return Expected(exitStatus: status, summary: String(txt[1]), rejectedLines: rejected.sorted(), achievements: lines)
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let file: String
        public var description: String { "\(file): not the contract's expected.txt layout" }
    }
}

public enum ContractCases {
    /// `Tests/Fixtures/Scenarios`.
    public static var root: String { Binary.packageRoot + "/Tests/Fixtures/Scenarios" }

    /// Every case: the top-level ones, then `next/`, then `proposed/`, each sorted by name.
    public static var all: [ContractCase] {
        var found: [ContractCase] = []
        for sub in ["", "next/", "proposed/"] {
            let dir = root + "/" + sub
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            for name in names where FileManager.default.fileExists(atPath: dir + name + "/expected.txt") {
                found.append(ContractCase(name: sub + name, folder: dir + name))
            }
        }
        return found
    }

    /// The settled cases (top level and `next/`): what every store and path must already do.
    public static var settled: [ContractCase] { all.filter { !$0.isProposed } }

    /// An achievement line made comparable: its keys and values, with `achievedAt` as the instant it names
    /// (the contract compares instants, not spellings: `2026-03-06T12:00:00-06:00` is `2026-03-06T18:00:00Z`).
    public static func normalized(_ line: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            return ["unparsable": line]
        }
        var out: [String: String] = [:]
        for (key, value) in object {
            if key == "achievedAt", let text = value as? String, let seconds = epochSeconds(text) {
                out[key] = seconds
            } else if let list = value as? [Any] {
                out[key] = list.map { "\($0)" }.joined(separator: "\u{1f}")
            } else {
                out[key] = "\(value)"
            }
        }
        return out
    }

    /// An RFC 3339 instant as "seconds.fraction since 1970", exact (no Double), for comparing spellings.
    static func epochSeconds(_ text: String) -> String? {
        // YYYY-MM-DDTHH:MM:SS[.f]Z|±HH:MM
        let u = Array(text.utf8)
        func num(_ a: Int, _ n: Int) -> Int? {
            guard a + n <= u.count else { return nil }
            var v = 0
            for c in u[a..<(a + n)] { guard (48...57).contains(c) else { return nil }; v = v * 10 + Int(c - 48) }
            return v
        }
        guard u.count >= 20, let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              let s = num(17, 2) else { return nil }
        var i = 19
        var fraction = ""
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            while i < u.count, (48...57).contains(u[i]) { fraction.append(Character(UnicodeScalar(u[i]))); i += 1 }
        }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        var offset = 0
        if i < u.count, u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
            offset = 0
        } else if i + 6 == u.count, let oh = num(i + 1, 2), let om = num(i + 4, 2) {
            offset = (oh * 3600 + om * 60) * (u[i] == UInt8(ascii: "-") ? -1 : 1)
        } else { return nil }
        // Days from civil (Hinnant), independent of the code under test.
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * ((mo + 9) % 12) + 2) / 5 + d - 1
        let days = era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468
        return "\(days * 86_400 + h * 3600 + mi * 60 + s - offset).\(fraction)"
    }
}
